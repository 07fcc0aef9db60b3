"""What the domains share: errors, text cleaning, money, pages, files (intake, storage,
verified reads), rate limits, the audit log and the business's settings."""
