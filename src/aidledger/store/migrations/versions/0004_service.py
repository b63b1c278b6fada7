"""Service: audit trail of reviewer changes, write tokens, full-text search.

Revision ID: 0004
Revises: 0002

SQLite gets FTS5 tables kept in step by triggers; PostgreSQL gets GIN indexes on to_tsvector expressions
(the 'simple' configuration: no stemming, like FTS5's unicode61 tokenizer).
"""
from alembic import op

from aidledger.store.schema import api_tokens, audit_events, audit_links

revision = "0004"
down_revision = "0002"
branch_labels = None
depends_on = None

TABLES = (audit_events, audit_links, api_tokens)

SQLITE_UP = [
    "CREATE VIRTUAL TABLE evidence_fts USING fts5(sentence, content='evidence', content_rowid='id', columnsize=0)",
    "CREATE TRIGGER evidence_fts_insert AFTER INSERT ON evidence BEGIN "
    "INSERT INTO evidence_fts(rowid, sentence) VALUES (new.id, new.sentence); END",
    "CREATE TRIGGER evidence_fts_delete AFTER DELETE ON evidence BEGIN "
    "INSERT INTO evidence_fts(evidence_fts, rowid, sentence) VALUES ('delete', old.id, old.sentence); END",
    "CREATE TRIGGER evidence_fts_update AFTER UPDATE OF sentence ON evidence BEGIN "
    "INSERT INTO evidence_fts(evidence_fts, rowid, sentence) VALUES ('delete', old.id, old.sentence); "
    "INSERT INTO evidence_fts(rowid, sentence) VALUES (new.id, new.sentence); END",
    "INSERT INTO evidence_fts(evidence_fts) VALUES ('rebuild')",
    "CREATE VIRTUAL TABLE documents_fts USING fts5(doc_id UNINDEXED, title, text, columnsize=0)",
    "CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN "
    "INSERT INTO documents_fts(doc_id, title, text) VALUES (new.id, new.title, new.text); END",
    "CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN "
    "DELETE FROM documents_fts WHERE doc_id = old.id; END",
    "CREATE TRIGGER documents_fts_update AFTER UPDATE OF title, text ON documents BEGIN "
    "DELETE FROM documents_fts WHERE doc_id = old.id; "
    "INSERT INTO documents_fts(doc_id, title, text) VALUES (new.id, new.title, new.text); END",
    "INSERT INTO documents_fts(doc_id, title, text) SELECT id, title, text FROM documents",
]
SQLITE_DOWN = [
    "DROP TRIGGER evidence_fts_insert", "DROP TRIGGER evidence_fts_delete", "DROP TRIGGER evidence_fts_update",
    "DROP TABLE evidence_fts",
    "DROP TRIGGER documents_fts_insert", "DROP TRIGGER documents_fts_delete", "DROP TRIGGER documents_fts_update",
    "DROP TABLE documents_fts",
]
POSTGRES_UP = [
    "CREATE INDEX ix_evidence_fts ON evidence USING gin (to_tsvector('simple', sentence))",
    "CREATE INDEX ix_documents_fts ON documents USING gin "
    "(to_tsvector('simple', coalesce(title, '') || ' ' || text))",
]
POSTGRES_DOWN = ["DROP INDEX ix_evidence_fts", "DROP INDEX ix_documents_fts"]


def _run(statements: list[str]) -> None:
    for sql in statements:
        op.execute(sql)


def upgrade() -> None:
    bind = op.get_bind()
    for table in TABLES:
        table.create(bind)
    _run(SQLITE_UP if bind.dialect.name == "sqlite" else POSTGRES_UP)


def downgrade() -> None:
    bind = op.get_bind()
    _run(SQLITE_DOWN if bind.dialect.name == "sqlite" else POSTGRES_DOWN)
    for table in reversed(TABLES):
        table.drop(bind)
