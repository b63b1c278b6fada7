"""Reconciled ledger: entries, their members, reported running totals, reviewer decisions.

Revision ID: 0002
Revises: 0001
"""
from alembic import op

from aidledger.store.schema import decisions, entries, entry_members, reported_totals

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TABLES = (entries, entry_members, reported_totals, decisions)


def upgrade() -> None:
    bind = op.get_bind()
    for table in TABLES:
        table.create(bind)


def downgrade() -> None:
    bind = op.get_bind()
    for table in reversed(TABLES):
        table.drop(bind)

