"""Initial schema: documents, commitments, evidence.

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("url", sa.Text),
        sa.Column("title", sa.Text),
        sa.Column("published", sa.String(10)),
        sa.Column("author", sa.Text),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("ingested_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "commitments",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("document_id", sa.String(32), sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("donor", sa.String(16)),
        sa.Column("donor_detail", sa.Text),
        sa.Column("recipient", sa.String(16)),
        sa.Column("amount", sa.Float),
        sa.Column("amount_min", sa.Float),
        sa.Column("currency", sa.String(8)),
        sa.Column("currency_inferred", sa.Boolean, nullable=False),
        sa.Column("qualifier", sa.String(8)),
        sa.Column("alt_amount", sa.Float),
        sa.Column("alt_currency", sa.String(8)),
        sa.Column("quantity", sa.Integer),
        sa.Column("item", sa.Text),
        sa.Column("aid_type", sa.String(16)),
        sa.Column("instrument", sa.String(16)),
        sa.Column("sector", sa.Text),
        sa.Column("channel", sa.Text),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("date", sa.String(10)),
        sa.Column("announced_by", sa.Text),
        sa.Column("increment", sa.Float),
        sa.Column("parent_amount", sa.Float),
    )
    op.create_index("ix_commitments_donor", "commitments", ["donor"])
    op.create_index("ix_commitments_document", "commitments", ["document_id"])
    op.create_index("ix_commitments_date", "commitments", ["date"])
    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("commitment_id", sa.String(16), sa.ForeignKey("commitments.id", ondelete="CASCADE"), nullable=False),
        sa.Column("document_id", sa.String(32), sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("sentence", sa.Text, nullable=False),
        sa.Column("amount_start", sa.Integer),
        sa.Column("amount_end", sa.Integer),
        sa.Column("is_primary", sa.Boolean, nullable=False),
    )
    op.create_index("ix_evidence_commitment", "evidence", ["commitment_id"])


def downgrade() -> None:
    op.drop_table("evidence")
    op.drop_table("commitments")
    op.drop_table("documents")
