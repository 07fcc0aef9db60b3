"""Client documents, their versions and the download log (issue 4)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

from __future__ import annotations

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing yet: filled in by the documents work."""


def downgrade() -> None:
    """Nothing yet."""
