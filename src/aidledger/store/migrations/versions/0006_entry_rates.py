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


def upgrade() -> None:
    with op.batch_alter_table("entries") as batch:
        batch.add_column(sa.Column("usd_rate", sa.Float))
        batch.add_column(sa.Column("eur_rate", sa.Float))


def downgrade() -> None:
    with op.batch_alter_table("entries") as batch:
        batch.drop_column("eur_rate")
        batch.drop_column("usd_rate")
