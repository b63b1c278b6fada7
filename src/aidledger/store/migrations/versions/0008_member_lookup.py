"""Entry members are found by commitment with the entry id in the index itself.

Revision ID: 0008
Revises: 0007

Full-text search resolves matching evidence to commitments, then to the entries holding them; with the entry
id in the index, each match costs one index lookup instead of an index lookup and a table row.
"""
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_entry_members_commitment", table_name="entry_members")
    op.create_index("ix_entry_members_commitment", "entry_members", ["commitment_id", "entry_id"])


def downgrade() -> None:
    op.drop_index("ix_entry_members_commitment", table_name="entry_members")
    op.create_index("ix_entry_members_commitment", "entry_members", ["commitment_id"])
