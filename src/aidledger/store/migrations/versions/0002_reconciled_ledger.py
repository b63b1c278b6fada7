"""Reconciled ledger: entries, their members, reported running totals, reviewer decisions.

Revision ID: 0002
Revises: 0001

Written out in full (not built from aidledger.store.schema) so that later schema changes, which get
migrations of their own, never change what this revision creates.
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "entries",
        sa.Column('id', sa.String(12), primary_key=True),
        sa.Column('donor', sa.String(16)),
        sa.Column('recipient', sa.String(16)),
        sa.Column('kind', sa.String(16), nullable=False),
        sa.Column('amount', sa.Float),
        sa.Column('currency', sa.String(8)),
        sa.Column('qualifier', sa.String(8)),
        sa.Column('amount_usd', sa.Float),
        sa.Column('amount_eur', sa.Float),
        sa.Column('rate_date', sa.String(10)),
        sa.Column('rate_source', sa.String(16)),
        sa.Column('counted_usd', sa.Float),
        sa.Column('increment', sa.Float),
        sa.Column('quantity', sa.Integer),
        sa.Column('item', sa.Text),
        sa.Column('aid_type', sa.String(16)),
        sa.Column('instrument', sa.String(16)),
        sa.Column('sector', sa.Text),
        sa.Column('channel', sa.Text),
        sa.Column('status', sa.String(16), nullable=False),
        sa.Column('scope', sa.String(16)),
        sa.Column('date', sa.String(10)),
        sa.Column('last_date', sa.String(10)),
        sa.Column('announced_by', sa.Text),
        sa.Column('sources', sa.Integer, nullable=False),
        sa.Column('mentions', sa.Integer, nullable=False),
        sa.Column('parent_entry_id', sa.String(12)),
        sa.Column('counts_toward_total', sa.Boolean, nullable=False),
        sa.Column('rejected', sa.Boolean, nullable=False),
        sa.Column('currency_unconverted', sa.Boolean, nullable=False),
        sa.Column('conflicts', sa.Text, nullable=False),
        sa.Column('stage_history', sa.Text, nullable=False),
    )
    op.create_index("ix_entries_donor", "entries", ['donor'])
    op.create_index("ix_entries_date", "entries", ['date'])
    op.create_table(
        "entry_members",
        sa.Column('entry_id', sa.String(12), nullable=False),
        sa.Column('commitment_id', sa.String(16), sa.ForeignKey("commitments.id", ondelete="CASCADE"), nullable=False),
        sa.Column('reason', sa.Text, nullable=False),
    )
    op.create_index("ix_entry_members_entry", "entry_members", ['entry_id'])
    op.create_index("ix_entry_members_commitment", "entry_members", ['commitment_id'])
    op.create_table(
        "reported_totals",
        sa.Column('id', sa.Integer, primary_key=True, autoincrement=True),
        sa.Column('donor', sa.String(16)),
        sa.Column('amount', sa.Float, nullable=False),
        sa.Column('currency', sa.String(8)),
        sa.Column('qualifier', sa.String(8)),
        sa.Column('as_of', sa.String(10)),
        sa.Column('amount_usd', sa.Float),
        sa.Column('commitment_ids', sa.Text, nullable=False),
        sa.Column('documents', sa.Text, nullable=False),
    )
    op.create_index("ix_reported_totals_donor", "reported_totals", ['donor'])
    op.create_table(
        "decisions",
        sa.Column('id', sa.Integer, primary_key=True, autoincrement=True),
        sa.Column('action', sa.String(16), nullable=False),
        sa.Column('commitment_ids', sa.Text, nullable=False),
        sa.Column('values', sa.Text),
        sa.Column('reviewer', sa.Text, nullable=False),
        sa.Column('note', sa.Text),
        sa.Column('created_at', sa.String(32), nullable=False),
    )


def downgrade() -> None:
    for table in ("decisions", "reported_totals", "entry_members", "entries"):
        op.drop_table(table)
