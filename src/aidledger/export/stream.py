"""The ledger read out in a stream: entries in chunks, each with its sources, evidence and decisions.

Every exporter is a writer over `iter_records`, which never holds more than one chunk of entries (and
their member commitments) in memory: the entries query is iterated with `yield_per`, and each chunk's
members, documents and evidence are fetched with one `IN` query each.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from aidledger.errors import ConfigurationError
from aidledger.store.schema import commitments, decisions, documents, entries, entry_members, evidence, \
    filtered, reported_totals

CHUNK = 200  # entries per round trip: small enough for memory, large enough to amortise the IN queries
IN_LIMIT = 500  # ids per IN (...) list: far below SQLite's bound-parameter limit
COMMITMENT_FIELDS = [c.name for c in commitments.columns]
ENTRY_FIELDS = [c.name for c in entries.columns]
DOCUMENT_FIELDS = ["id", "source", "url", "title", "published", "author", "ingested_at"]
EVIDENCE_FIELDS = ["document_id", "start", "end", "sentence", "amount_start", "amount_end", "is_primary"]
DECISION_FIELDS = ["action", "commitment_ids", "values", "reviewer", "note", "created_at"]


@dataclass(frozen=True, slots=True)
class Filters:
    """The filters of `aidledger ledger`, applied to entries (and, by donor and date, to reported totals)."""

    donor: str | None = None
    since: str | None = None
    until: str | None = None
    status: str | None = None
    kind: str | None = None

    def covers_reported_totals(self) -> bool:
        """Running totals have no stage and are money: a stage filter or a non-money kind leaves them out."""
        return self.status is None and self.kind in (None, "money")


@dataclass(frozen=True, slots=True)
class ExportReport:
    format: str
    entries: int  # ledger entries written
    reported_totals: int = 0
    skipped: int = 0  # entries the format cannot express (IATI: no date at all)


def plain_number(value) -> str:
    """A figure as plain decimal text: whole numbers without ".0", others to the cent, never exponents."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def engine_of(source) -> Engine:
    """Accept a `Ledger` or a SQLAlchemy `Engine`."""
    return getattr(source, "engine", source)


@contextmanager
def binary_sink(out: str | os.PathLike | BinaryIO) -> Iterator[BinaryIO]:
    """A binary stream for `out`; a path is written beside and renamed, so a failed export leaves no stub."""
    if not isinstance(out, (str, os.PathLike)):
        yield out
        return
    path = Path(out)
    partial = path.with_name(path.name + ".part")
    try:
        stream = open(partial, "wb")
    except OSError as exc:
        raise ConfigurationError(f"cannot write {path}: {exc.strerror} (check that the folder exists and is "
                                 "writable)") from exc
    try:
        with stream:
            yield stream
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def iter_records(source, filters: Filters | None = None, with_text: bool = True, chunk: int = CHUNK,
                 totals: bool = True) -> Iterator[dict]:
    """Every entry (newest first), then every reported running total, as nested provenance records."""
    filters = filters or Filters()
    with engine_of(source).connect() as conn:
        index = _decisions_index(conn)
        yield from _entry_records(conn, filters, index, with_text, chunk)
        if totals and filters.covers_reported_totals():
            yield from _total_records(conn, filters, index, with_text, chunk)


def iter_entries(source, filters: Filters | None = None, chunk: int = CHUNK) -> Iterator[dict]:
    """Only the entry records, without document text (the layouts with one row per entry)."""
    return iter_records(source, filters, with_text=False, chunk=chunk, totals=False)


def _entry_records(conn: Connection, filters: Filters, index: dict, with_text: bool, chunk: int) -> Iterator[dict]:
    q = filtered(select(entries), entries, filters.since, filters.until, None, donor=filters.donor,
                 status=filters.status, kind=filters.kind)
    result = conn.execution_options(yield_per=chunk).execute(q)
    for part in result.partitions():
        rows = [dict(r._mapping) for r in part]
        members = _members_of_entries(conn, [r["id"] for r in rows], with_text)
        for row in rows:
            record = {"record": "entry"}
            record.update({name: row[name] for name in ENTRY_FIELDS})
            record["conflicts"] = json.loads(row["conflicts"])
            record["stage_history"] = json.loads(row["stage_history"])
            record["members"] = members.get(row["id"], [])
            record["decisions"] = _decisions_for(record["members"], index)
            yield record


def _total_records(conn: Connection, filters: Filters, index: dict, with_text: bool, chunk: int) -> Iterator[dict]:
    q = select(reported_totals).order_by(reported_totals.c.donor, reported_totals.c.as_of, reported_totals.c.amount,
                                         reported_totals.c.currency, reported_totals.c.commitment_ids)
    if filters.donor:
        q = q.where(reported_totals.c.donor == filters.donor)
    if filters.since:
        q = q.where(reported_totals.c.as_of >= filters.since)
    if filters.until:
        q = q.where(reported_totals.c.as_of <= filters.until + "\uffff")
    result = conn.execution_options(yield_per=chunk).execute(q)
    for part in result.partitions():
        rows = [dict(r._mapping) for r in part]
        ids = [json.loads(r["commitment_ids"]) for r in rows]
        members = _commitments_by_id(conn, [c for group in ids for c in group], with_text)
        for row, group in zip(rows, ids):
            record = {"record": "reported_total", "id": total_id(group)}
            record.update({k: row[k] for k in ("donor", "amount", "currency", "qualifier", "as_of", "amount_usd")})
            record["members"] = [members[c] for c in group if c in members]
            record["decisions"] = _decisions_for(record["members"], index)
            yield record


def total_id(commitment_ids: list[str]) -> str:
    """A stable id for a reported total: the database's own id is a local autoincrement."""
    return "t" + hashlib.sha256("|".join(commitment_ids).encode()).hexdigest()[:11]


def _chunks(ids: list, size: int = IN_LIMIT) -> Iterator[list]:
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


def _member_query(with_text: bool):
    doc_columns = [documents.c[name].label(f"doc_{name}") for name in DOCUMENT_FIELDS]
    if with_text:
        doc_columns.append(documents.c.text.label("doc_text"))
    return select(commitments, *doc_columns).join(documents, documents.c.id == commitments.c.document_id)


def _members_of_entries(conn: Connection, entry_ids: list[str], with_text: bool) -> dict[str, list[dict]]:
    """entry id -> its member commitments (oldest report first), each with document and evidence."""
    out: dict[str, list[dict]] = defaultdict(list)
    order = (entry_members.c.entry_id, documents.c.published.asc().nulls_first(), commitments.c.id)
    for ids in _chunks(entry_ids):
        q = _member_query(with_text).add_columns(entry_members.c.entry_id, entry_members.c.reason).join(
            entry_members, entry_members.c.commitment_id == commitments.c.id).where(
            entry_members.c.entry_id.in_(ids)).order_by(*order)
        rows = [dict(r._mapping) for r in conn.execute(q)]
        found = _evidence_of(conn, [r["id"] for r in rows])
        for row in rows:
            out[row["entry_id"]].append(_member(row, row["reason"], found.get(row["id"], [])))
    return out


def _commitments_by_id(conn: Connection, commitment_ids: list[str], with_text: bool) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for ids in _chunks(sorted(set(commitment_ids))):
        rows = [dict(r._mapping) for r in conn.execute(_member_query(with_text).where(commitments.c.id.in_(ids)))]
        found = _evidence_of(conn, [r["id"] for r in rows])
        out.update({row["id"]: _member(row, None, found.get(row["id"], [])) for row in rows})
    return out


def _member(row: dict, reason: str | None, found: list[dict]) -> dict:
    member = {name: row[name] for name in COMMITMENT_FIELDS}
    member["reason"] = reason
    member["document"] = {name: row[f"doc_{name}"] for name in DOCUMENT_FIELDS}
    if "doc_text" in row:
        member["document"]["text"] = row["doc_text"]
    member["evidence"] = found
    return member


def _evidence_of(conn: Connection, commitment_ids: list[str]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    for ids in _chunks(commitment_ids):
        q = select(evidence).where(evidence.c.commitment_id.in_(ids)).order_by(
            evidence.c.commitment_id, evidence.c.is_primary.desc(), evidence.c.start, evidence.c.end)
        for r in conn.execute(q):
            out[r.commitment_id].append({name: r._mapping[name] for name in EVIDENCE_FIELDS})
    return out


def _decisions_index(conn: Connection) -> dict[str, list[dict]]:
    """commitment id -> the reviewer decisions naming it, oldest first.

    Decisions are made by people one at a time, so the table stays small next to the ledger; reading it
    once keeps the per-entry lookup free of JSON searches in SQL.
    """
    index: dict[str, list[dict]] = defaultdict(list)
    for r in conn.execute(select(decisions).order_by(decisions.c.created_at, decisions.c.id)):
        d = {name: r._mapping[name] for name in DECISION_FIELDS}
        d["commitment_ids"] = json.loads(d["commitment_ids"])
        d["values"] = json.loads(d["values"]) if d["values"] else {}
        for cid in d["commitment_ids"]:
            index[cid].append(d)
    return index


def _decisions_for(members: list[dict], index: dict[str, list[dict]]) -> list[dict]:
    seen: list[dict] = []
    for m in members:
        for d in index.get(m["id"], []):
            if not any(d is s for s in seen):
                seen.append(d)
    return sorted(seen, key=lambda d: (d["created_at"], json.dumps(d, sort_keys=True)))
