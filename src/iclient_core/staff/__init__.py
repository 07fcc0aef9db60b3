"""The staff area: clients (find, create, invite, import, close), staff members, the
business's settings and logo, and the audit log."""
