"""Service: indexes for keyset pages, newest first.

Revision ID: 0005
Revises: 0003

The service orders lists by (coalesce(date, ''), id) descending and continues after a cursor on that key;
these expression indexes let a page, filtered by donor or not, walk the index instead of sorting every
matching row (the same expressions on SQLite and PostgreSQL).
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0003"
branch_labels = None
depends_on = None

INDEXES = [
    ("ix_entries_page", "entries", [], "date"),
    ("ix_entries_donor_page", "entries", ["donor"], "date"),
    ("ix_commitments_page", "commitments", [], "date"),
    ("ix_commitments_donor_page", "commitments", ["donor"], "date"),
    ("ix_documents_page", "documents", [], "published"),
]


def upgrade() -> None:
    for name, table, leading, day in INDEXES:
        op.create_index(name, table, [*leading, sa.text(f"coalesce({day}, '')"), "id"])


def downgrade() -> None:
    for name, table, _, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
