"""The database schema (SQLAlchemy Core): portable across SQLite and PostgreSQL.

Alembic migrations in ``migrations/versions`` create and evolve these tables;
this module is the single description the code queries against.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Float, ForeignKey, Index, Integer, MetaData, String, Table, Text

metadata = MetaData()

documents = Table(
    "documents", metadata,
    Column("id", String(32), primary_key=True),  # content hash
    Column("source", Text, nullable=False),
    Column("url", Text),
    Column("title", Text),
    Column("published", String(10)),
    Column("author", Text),
    Column("text", Text, nullable=False),
    Column("ingested_at", String(32), nullable=False),
)

commitments = Table(
    "commitments", metadata,
    Column("id", String(16), primary_key=True),
    Column("document_id", String(32), ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("donor", String(16)),
    Column("donor_detail", Text),
    Column("recipient", String(16)),
    Column("amount", Float),
    Column("amount_min", Float),
    Column("currency", String(8)),
    Column("currency_inferred", Boolean, nullable=False, default=False),
    Column("qualifier", String(8)),
    Column("alt_amount", Float),
    Column("alt_currency", String(8)),
    Column("quantity", Integer),
    Column("item", Text),
    Column("aid_type", String(16)),
    Column("instrument", String(16)),
    Column("sector", Text),
    Column("channel", Text),
    Column("status", String(16), nullable=False),
    Column("scope", String(16), nullable=False),
    Column("date", String(10)),
    Column("announced_by", Text),
    Column("increment", Float),
    Column("parent_amount", Float),
    Index("ix_commitments_donor", "donor"),
    Index("ix_commitments_document", "document_id"),
    Index("ix_commitments_date", "date"),
)

evidence = Table(
    "evidence", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("commitment_id", String(16), ForeignKey("commitments.id", ondelete="CASCADE"), nullable=False),
    Column("document_id", String(32), ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("sentence", Text, nullable=False),
    Column("amount_start", Integer),
    Column("amount_end", Integer),
    Column("is_primary", Boolean, nullable=False, default=True),
    Index("ix_evidence_commitment", "commitment_id"),
)
