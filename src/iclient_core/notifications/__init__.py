"""Notifications: e-mails queued in an outbox in the same transaction as their cause, and
delivered after commit with retries."""
