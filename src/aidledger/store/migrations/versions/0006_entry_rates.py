"""Ledger entries keep the exchange rates they were converted at, beside the rate date.

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


# Plain ALTER TABLE on both backends: a batch (copy-and-rename) migration would break the views of 0003.
def upgrade() -> None:
    op.add_column("entries", sa.Column("usd_rate", sa.Float))
    op.add_column("entries", sa.Column("eur_rate", sa.Float))


def downgrade() -> None:
    op.execute("ALTER TABLE entries DROP COLUMN eur_rate")
    op.execute("ALTER TABLE entries DROP COLUMN usd_rate")
