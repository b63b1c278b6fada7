"""Full-text postings in ledger order: each term's entries, newest first, so a search page stops at a page.

Revision ID: 0009
Revises: 0008

Searching entries went from each matching evidence sentence to its commitment and then to the entry holding
it, and sorted them all: cheap for a rare word, but a word in every sentence listed every sentence before a
page could be read (~1 s on the 1M-commitment benchmark ledger). `entry_terms` keeps, for each term, its
entries keyed by the page sort key (`aidledger.store.terms`); the rebuild writes and deletes them with a
donor's entries, and this migration writes those of the ledger as it is (44 s for SQLite and 65 s for
PostgreSQL on the benchmark ledger).

SQLite's FTS5 indexes also get merged into one b-tree each: a bulk load leaves ~10 segments, each of which a
probe for one row seeks (a search of several words tests each candidate entry's sentences with such probes).
"""
import sqlalchemy as sa
from alembic import op

from aidledger.store.schema import entry_terms
from aidledger.store.terms import index_donor

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

OPTIMIZE = ["INSERT INTO evidence_fts(evidence_fts) VALUES ('optimize')",
            "INSERT INTO documents_fts(documents_fts) VALUES ('optimize')"]


def upgrade() -> None:
    bind = op.get_bind()
    entry_terms.create(bind)
    for (donor,) in bind.execute(sa.text("SELECT DISTINCT donor FROM entries")).all():
        index_donor(bind, donor)
    if bind.dialect.name == "sqlite":
        for sql in OPTIMIZE:
            op.execute(sql)


def downgrade() -> None:
    op.drop_table("entry_terms")
