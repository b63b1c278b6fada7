"""The database schema (SQLAlchemy Core): portable across SQLite and PostgreSQL.

Alembic migrations in ``migrations/versions`` create and evolve these tables;
this module is the single description the code queries against.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Float, ForeignKey, Index, Integer, MetaData, Select, String, \
    Table, Text

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

# ---------------------------------------------------------------- reconciled ledger (migration 0002)

# Entry columns stored as JSON text and read back as lists (the store's rows and the API's pages alike)
ENTRY_JSON_COLUMNS = ("conflicts", "stage_history")

entries = Table(
    "entries", metadata,
    Column("id", String(12), primary_key=True),
    Column("donor", String(16)),
    Column("recipient", String(16)),
    Column("kind", String(16), nullable=False),
    Column("amount", Float),
    Column("currency", String(8)),
    Column("qualifier", String(8)),
    Column("amount_usd", Float),
    Column("amount_eur", Float),
    Column("rate_date", String(10)),
    Column("rate_source", String(16)),
    Column("usd_rate", Float),  # USD per unit of the entry's currency on rate_date (migration 0006)
    Column("eur_rate", Float),
    Column("counted_usd", Float),
    Column("increment", Float),
    Column("quantity", Integer),
    Column("item", Text),
    Column("aid_type", String(16)),
    Column("instrument", String(16)),
    Column("sector", Text),
    Column("channel", Text),
    Column("status", String(16), nullable=False),
    Column("scope", String(16)),
    Column("date", String(10)),
    Column("last_date", String(10)),
    Column("announced_by", Text),
    Column("sources", Integer, nullable=False),
    Column("mentions", Integer, nullable=False),
    Column("parent_entry_id", String(12)),
    Column("counts_toward_total", Boolean, nullable=False),
    Column("rejected", Boolean, nullable=False),
    Column("currency_unconverted", Boolean, nullable=False),
    Column("conflicts", Text, nullable=False),  # JSON list
    Column("stage_history", Text, nullable=False),  # JSON list
    Index("ix_entries_donor", "donor"),
    Index("ix_entries_date", "date"),
)

entry_members = Table(
    "entry_members", metadata,
    Column("entry_id", String(12), nullable=False),
    Column("commitment_id", String(16), ForeignKey("commitments.id", ondelete="CASCADE"), nullable=False),
    Column("reason", Text, nullable=False),
    Index("ix_entry_members_entry", "entry_id"),
    Index("ix_entry_members_commitment", "commitment_id", "entry_id"),  # covers search (migration 0008)
)

reported_totals = Table(
    "reported_totals", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("donor", String(16)),
    Column("amount", Float, nullable=False),
    Column("currency", String(8)),
    Column("qualifier", String(8)),
    Column("as_of", String(10)),
    Column("amount_usd", Float),
    Column("commitment_ids", Text, nullable=False),  # JSON list
    Column("documents", Text, nullable=False),  # JSON list
    Index("ix_reported_totals_donor", "donor"),
)

# Reviewer decisions are never rewritten by reconciliation; they are keyed on commitment ids.
decisions = Table(
    "decisions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("action", String(16), nullable=False),  # accept | reject | edit | merge | split
    Column("commitment_ids", Text, nullable=False),  # JSON list
    Column("values", Text),  # JSON object, for edit
    Column("reviewer", Text, nullable=False),
    Column("note", Text),
    Column("created_at", String(32), nullable=False),
)


# ---------------------------------------------------------------- service (migration 0004)

# Every reviewer change, with the entries it touched before and after; never rewritten.
audit_events = Table(
    "audit_events", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("action", String(16), nullable=False),
    Column("actor", Text, nullable=False),
    Column("at", String(32), nullable=False),
    Column("entry_id", String(12)),  # the entry the reviewer acted on, as it was then
    Column("decision_id", Integer),
    Column("commitment_ids", Text, nullable=False),  # JSON list
    Column("before", Text, nullable=False),  # JSON list of entry rows
    Column("after", Text, nullable=False),  # JSON list of entry rows
    Column("note", Text),
)

# Links an audit event to every commitment it touched, so an entry finds its history after re-reconciliation.
audit_links = Table(
    "audit_links", metadata,
    Column("event_id", Integer, ForeignKey("audit_events.id", ondelete="CASCADE"), nullable=False),
    Column("commitment_id", String(16), nullable=False),
    Index("ix_audit_links_commitment", "commitment_id"),
)

# Write tokens: only a SHA-256 of each token is kept.
api_tokens = Table(
    "api_tokens", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("token_hash", String(64), nullable=False),
    Column("created_at", String(32), nullable=False),
)

# ---------------------------------------------------------------- derived results (migration 0007)

# One row: a counter that triggers bump in the same transaction as any change to `entries` or
# `reported_totals`, so a result derived from those tables is valid exactly while the counter is unchanged.
ledger_version = Table(
    "ledger_version", metadata,
    Column("id", Integer, primary_key=True),  # always 1
    Column("version", BigInteger, nullable=False),
)

# Results computed from the reconciled ledger (totals, reported series), each kept with the version it was
# computed at and served only while that is still the ledger's version (see aidledger.store.cache).
ledger_cache = Table(
    "ledger_cache", metadata,
    Column("key", String(200), primary_key=True),
    Column("version", BigInteger, nullable=False),
    Column("value", Text, nullable=False),  # JSON
)

# Full-text search. SQLite: FTS5 indexes over evidence sentences (external content: the evidence table) and
# over document titles and text (own content, keyed by an unindexed doc_id, since documents have no stable
# integer rowid), kept in step by triggers. The tables below are each FTS5 table and the shadow tables SQLite
# creates for it, declared so this module stays the exact description of the database. PostgreSQL needs no
# table: it searches to_tsvector expressions through GIN indexes instead.
SQLITE_ONLY = {"sqlite_only": True}


def _fts5(name: str, *columns: str, own_content: bool = False) -> Table:
    """Declare an FTS5 table and its shadow tables; returns the FTS5 table."""
    shadows = [("data", [Column("id", Integer, primary_key=True), Column("block", Text)]),
               ("idx", [Column("segid", Integer, primary_key=True), Column("term", Text, primary_key=True),
                        Column("pgno", Integer)]),
               ("config", [Column("k", Text, primary_key=True), Column("v", Text)])]
    if own_content:
        shadows.append(("content", [Column("id", Integer, primary_key=True)] +
                        [Column(f"c{i}", Text) for i in range(len(columns))]))
    for suffix, cols in shadows:
        Table(f"{name}_{suffix}", metadata, *cols, info=SQLITE_ONLY)
    return Table(name, metadata, *[Column(c, Text) for c in columns], info=SQLITE_ONLY)


evidence_fts = _fts5("evidence_fts", "sentence")
documents_fts = _fts5("documents_fts", "doc_id", "title", "text", own_content=True)

# Full-text postings in ledger order (migration 0009, aidledger.store.terms): for each term of an entry's evidence
# sentences, the entry under its page sort key, so a term's entries are read newest first, a page at a time.
# Rebuilt per donor with the entries, like their members.
entry_terms = Table(
    "entry_terms", metadata,
    Column("term", Text, primary_key=True),
    Column("day", String(10), primary_key=True),  # coalesce(entries.date, ''): the page sort key
    Column("entry_id", String(12), primary_key=True),
    Column("donor", String(16)),
    Index("ix_entry_terms_donor", "donor"),
    sqlite_with_rowid=False,
)


def filtered(q: Select, table: Table, since: str | None = None, until: str | None = None, limit: int | None = None,
             **equal) -> Select:
    """The ledger's common filters on `table`: equality on columns, a date range, newest first, a limit."""
    for name, value in equal.items():
        if value is not None and value is not False:
            q = q.where(table.c[name] == value)
    if since:
        q = q.where(table.c.date >= since)
    if until:
        q = q.where(table.c.date <= until + "\uffff")  # "2024-03" includes every day of March
    q = q.order_by(table.c.date.desc().nullslast(), table.c.id)
    return q.limit(limit) if limit else q
