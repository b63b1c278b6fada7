"""Import a JSON Lines or Parquet export into a ledger: documents, commitments, evidence, decisions.

Everything is keyed on content (document hash, commitment id, a decision's action, commitments, reviewer
and time), so importing the same file twice adds nothing, and two ledgers merge by importing one into the
other. The donors that gained anything are reconciled once at the end, as `ingest` does.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass
from itertools import islice

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from aidledger.errors import InputError, StoreError
from aidledger.export.provenance import read_records
from aidledger.export.stream import CHUNK, COMMITMENT_FIELDS, EVIDENCE_FIELDS, engine_of
from aidledger.store.entries import rebuild
from aidledger.store.schema import commitments, decisions, documents, evidence


@dataclass(frozen=True, slots=True)
class ImportReport:
    records: int
    documents: int  # new documents (the rest were already known)
    commitments: int
    evidence: int
    decisions: int
    documents_without_text: int  # exports written without text: stored with an empty text
    entries: int | None  # entries of the donors reconciled, None when nothing new came in


def import_ledger(path: str | os.PathLike, target, batch: int = CHUNK) -> ImportReport:
    """Add the contents of an export at `path` to `target` (a Ledger or an Engine), then reconcile."""
    engine = engine_of(target)
    counts: Counter = Counter()
    touched: set[str | None] = set()
    records = read_records(path)
    while group := list(islice(records, batch)):
        try:
            with engine.begin() as conn:  # one transaction per batch: a bad record never half-imports it
                for record in group:
                    _import_record(conn, record, counts, touched)
        except SQLAlchemyError as exc:
            raise StoreError(f"{path}: could not be imported ({exc.__class__.__name__}: {getattr(exc, 'orig', None) or exc})") from exc
        counts["records"] += len(group)
    rebuilt = rebuild(engine, touched) if touched else None
    return ImportReport(counts["records"], counts["documents"], counts["commitments"], counts["evidence"],
                        counts["decisions"], counts["documents_without_text"], rebuilt)


def _import_record(conn: Connection, record: dict, counts: Counter, touched: set) -> None:
    for member in record["members"]:
        _import_document(conn, member.get("document") or {}, counts)
        if _import_commitment(conn, member, counts):
            touched.add(member.get("donor"))
    for decision in record.get("decisions") or []:
        if _import_decision(conn, decision):
            counts["decisions"] += 1
            touched.update(m.get("donor") for m in record["members"] if m["id"] in decision["commitment_ids"])


def _exists(conn: Connection, table, key) -> bool:
    return conn.execute(select(table.c.id).where(table.c.id == key)).first() is not None


def _import_document(conn: Connection, doc: dict, counts: Counter) -> None:
    if not doc.get("id"):
        raise InputError(str(doc.get("source")), "a member commitment has no document id",
                         "import an unmodified `aidledger export --format json` file")
    if _exists(conn, documents, doc["id"]):
        return
    text = doc.get("text")
    if text is None:
        counts["documents_without_text"] += 1
    conn.execute(insert(documents).values(
        id=doc["id"], source=doc.get("source") or doc["id"], url=doc.get("url"), title=doc.get("title"),
        published=doc.get("published"), author=doc.get("author"), text=text or "",
        ingested_at=doc.get("ingested_at") or ""))
    counts["documents"] += 1


def _import_commitment(conn: Connection, member: dict, counts: Counter) -> bool:
    if _exists(conn, commitments, member["id"]):
        return False
    values = {name: member.get(name) for name in COMMITMENT_FIELDS}
    values["currency_inferred"] = bool(values["currency_inferred"])
    conn.execute(insert(commitments).values(**values))
    for ev in member.get("evidence") or []:
        row = {name: ev.get(name) for name in EVIDENCE_FIELDS}
        row["document_id"] = row["document_id"] or member["document_id"]
        row["is_primary"] = row["is_primary"] is not False
        conn.execute(insert(evidence).values(commitment_id=member["id"], **row))
        counts["evidence"] += 1
    counts["commitments"] += 1
    return True


def _import_decision(conn: Connection, decision: dict) -> bool:
    """Store a decision unless the same one (action, commitments, reviewer, time) is already there."""
    ids = json.dumps(decision["commitment_ids"])
    same = select(decisions.c.id).where(
        decisions.c.action == decision["action"], decisions.c.commitment_ids == ids,
        decisions.c.reviewer == decision["reviewer"], decisions.c.created_at == decision["created_at"])
    if conn.execute(same).first() is not None:
        return False
    conn.execute(insert(decisions).values(
        action=decision["action"], commitment_ids=ids, values=json.dumps(decision.get("values") or {}),
        reviewer=decision["reviewer"], note=decision.get("note"), created_at=decision["created_at"]))
    return True
