"""Writing documents with their commitments and evidence: many documents per transaction, one
multi-row insert per table.

A document's commitments and evidence are always written in the transaction that writes the document,
so a crash never leaves half a document. Per-row inserts through SQLAlchemy's `.values()` cost ~1 ms a
row in statement building alone (cache keys, coercions); a list of rows to one `insert(table)` is one
compiled statement and one `executemany`.
"""

from __future__ import annotations

from enum import Enum

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from aidledger.records import Commitment, Document
from aidledger.store.schema import commitments, documents, evidence

TABLES = (documents, commitments, evidence)  # in foreign-key order
COMMITMENT_COLUMNS = [c.name for c in commitments.columns if c.name not in ("id", "document_id")]
DOCUMENT_COLUMNS = [c.name for c in documents.columns if c.name not in ("ingested_at",)]
MAX_IDS = 500  # ids per IN (...) lookup: far below every backend's limit on bound parameters


def rows_of(doc: Document, records: list[Commitment]) -> dict[str, list[dict]]:
    """The rows one document adds to each table (the document's without `ingested_at`)."""
    out = {"documents": [{name: getattr(doc, name) for name in DOCUMENT_COLUMNS}], "commitments": [], "evidence": []}
    for record in records:
        cid = record.id  # a hash, computed on each access
        row = {name: _plain(getattr(record, name)) for name in COMMITMENT_COLUMNS}
        out["commitments"].append({"id": cid, "document_id": record.evidence.document_id, **row})
        for primary, ev in [(True, record.evidence)] + [(False, e) for e in record.extra_evidence]:
            out["evidence"].append({"commitment_id": cid, "document_id": ev.document_id, "start": ev.start,
                                    "end": ev.end, "sentence": ev.sentence, "amount_start": ev.amount_start,
                                    "amount_end": ev.amount_end, "is_primary": primary})
    return out


def write_documents(conn: Connection, items: list[tuple[Document, list[Commitment]]], ingested_at: str
                    ) -> list[int | None]:
    """Insert the documents of `items` not stored yet, with their commitments and evidence, in `conn`'s
    transaction. Per item: the number of commitments stored, or None when its document was already stored
    (or is repeated earlier in `items`)."""
    seen = existing_ids(conn, [doc.id for doc, _ in items])
    outcomes: list[int | None] = []
    rows: dict[str, list[dict]] = {t.name: [] for t in TABLES}
    for doc, records in items:
        if doc.id in seen:
            outcomes.append(None)
            continue
        seen.add(doc.id)
        for table, table_rows in rows_of(doc, records).items():
            rows[table].extend(table_rows)
        rows["documents"][-1]["ingested_at"] = ingested_at
        outcomes.append(len(records))
    for table in TABLES:
        if rows[table.name]:
            conn.execute(insert(table), rows[table.name])
    return outcomes


def existing_ids(conn: Connection, ids: list[str]) -> set[str]:
    """Which of `ids` are stored documents."""
    found: set[str] = set()
    for i in range(0, len(ids), MAX_IDS):
        chunk = ids[i:i + MAX_IDS]
        found.update(r[0] for r in conn.execute(select(documents.c.id).where(documents.c.id.in_(chunk))))
    return found


def _plain(value):
    return value.value if isinstance(value, Enum) else value
