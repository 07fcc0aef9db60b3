"""Accounts: clients and staff members register, activate, sign in, recover a password, keep
their data up to date and exercise their privacy rights."""
