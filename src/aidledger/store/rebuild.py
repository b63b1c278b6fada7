"""Rebuilding the reconciled ledger from the stored commitments, in memory that does not grow with the ledger.

Donor by donor (reports only merge within a donor), three passes over the database, each read in the
order reconciliation needs and streamed:

1. match: the donor's itemised commitments, block by block in canonical order, only the columns matching
   reads. `BlockMatcher` assigns each to an entry; the membership is written at once, and entries no later
   report can reach are forgotten.
2. build: the members again, entry by entry, every column: each entry is summarised and written, a part_of
   entry is linked to its parent by a query, and entries holding a commitment a reviewer decision names are
   kept aside until the end, when the decisions are applied to them.
3. totals: the donor's running totals, in canonical order.

Between 2 and 3 the donor's full-text postings are brought in line with its entries (`aidledger.store.terms`).

What stays in memory: the matching state of the entries still open (their figures, first date, documents
and channels), one entry's members, a donor's reported totals, the decisions and the entries they name.
The result is the one `aidledger.reconcile.reconcile` gives for the same commitments.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache

from sqlalchemy import bindparam, case, collate, delete, func, insert, select
from sqlalchemy.engine import Connection, Engine

from aidledger.errors import StoreError
from aidledger.reconcile.core import (
    BlockMatcher,
    Entry,
    apply_decisions,
    block_order,
    canonical,
    reported_totals,
)
from aidledger.store.schema import (
    commitments,
    decisions,
    documents,
    entries,
    entry_members,
    evidence,
)
from aidledger.store.schema import reported_totals as totals_table
from aidledger.store.terms import forget_donors_but, index_donor

REBUILD_LOCK = 0x616C6472  # the PostgreSQL advisory lock key rebuilds queue on ("aldr")
CHUNK = 500  # rows fetched and written per round trip
MATCH_COLUMNS = ("id", "document_id", "kind", "donor", "recipient", "scope", "date", "amount", "currency",
                 "alt_amount", "alt_currency", "channel", "item", "quantity")
TOTAL_COLUMNS = ("id", "document_id", "donor", "amount", "currency", "qualifier", "date", "scope")


def rebuild(engine: Engine, donors: set[str | None] | None = None,
            first: Callable[[Connection], object] | None = None,
            last: Callable[[Connection], object] | None = None) -> int:
    """Reconcile the commitments of `donors` (all when None) and replace their entries; returns entry count.

    One transaction, so readers see the old or the new ledger. `first` runs inside it before anything is
    read and `last` after everything is written (a reviewer's decision is stored first and its audit event
    last, so both stand only if the rebuild does, and the rebuild only with both).
    """
    with engine.connect() as conn, _unmapped(conn), conn.begin():
        _take_turns(conn)
        if first is not None:
            first(conn)
        _delete_donors(conn, donors)  # not their search postings: each donor's are brought in line below
        if donors is None:
            donors = {r[0] for r in conn.execute(select(commitments.c.donor).distinct())}
            forget_donors_but(conn, donors)
        found = _decision_rows(conn)
        named = {c for d in found for c in d["commitment_ids"]}
        count = sum(_rebuild_donor(conn, donor, found, named) for donor in sorted(donors, key=str))
        if last is not None:
            last(conn)
        return count


@contextmanager
def _unmapped(conn: Connection) -> Iterator[None]:
    """SQLite reads through its small page cache, not a memory map, for the rebuild's connection.

    A rebuild reads every commitment once; mapped (PRAGMA mmap_size, set for searches), each page read
    stays in the process's RSS: 760 MB of a 100k-article ledger, against 81 MB of the rebuild's own memory.
    """
    if conn.dialect.name != "sqlite":
        yield
        return
    mapped = conn.exec_driver_sql("PRAGMA mmap_size").scalar()
    conn.exec_driver_sql("PRAGMA mmap_size=0")
    conn.commit()  # the pragmas began a transaction of their own
    try:
        yield
    finally:
        conn.rollback()  # nothing to undo unless the rebuild failed, which its own transaction handled
        conn.exec_driver_sql(f"PRAGMA mmap_size={int(mapped or 0)}")
        conn.commit()


def _take_turns(conn: Connection) -> None:
    """One rebuild at a time, queued until the running one commits (two reviewers saving at once).

    PostgreSQL: two rebuilds of a donor at once deadlock on its entry rows, or the later one, not seeing
    the rows the first inserted, writes the same entry ids again. SQLite queues them already: the first
    DELETE takes the database's write lock.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(select(func.pg_advisory_xact_lock(REBUILD_LOCK)))


def _rebuild_donor(conn: Connection, donor: str | None, found: list[dict], named: set[str]) -> int:
    _match(conn, donor)
    held: list[Entry] = []
    written = _Writer(conn)
    for entry in _built_entries(conn, donor):
        _link_part(conn, entry)
        if any(m["id"] in named for m in entry.members):
            held.append(entry)  # a decision may merge it with another entry: settled once all are built
        else:
            written.entry(entry)
    if held:
        ids = [e.id for e in held]
        for i in range(0, len(ids), CHUNK):
            conn.execute(delete(entry_members).where(entry_members.c.entry_id.in_(ids[i:i + CHUNK])))
        for entry in apply_decisions(held, found):
            written.entry(entry, members=True)
    written.flush()
    index_donor(conn, donor)
    for t in reported_totals(_rows(conn, donor, "totals")):
        conn.execute(_INSERT[totals_table.name], {
            "donor": t.donor, "amount": t.amount, "currency": t.currency, "qualifier": t.qualifier,
            "as_of": t.as_of, "amount_usd": t.usd, "commitment_ids": json.dumps(t.commitment_ids),
            "documents": json.dumps(t.documents)})
    return written.count


# ---------------------------------------------------------------- pass 1: match


def _match(conn: Connection, donor: str | None) -> None:
    """Assign every itemised commitment of `donor` to an entry and write the membership as it goes."""
    reach = _reach(conn, donor)
    members = _Chunks(conn, entry_members)
    block = matcher = last = month = None
    for row in _rows(conn, donor, "match"):
        key = (row["recipient"], row["kind"])
        if key != block:
            block, matcher, last, month = key, BlockMatcher(), None, None
        last = _in_order(last, row)
        recaps_until, undated = reach[key]
        day = last[0]
        if not undated and day[:7] != month:  # once a month: entries out of reach are dropped
            month = day[:7]
            matcher.forget(day, recaps_ahead=recaps_until is not None and recaps_until >= day)
        cluster, reason = matcher.assign(row)
        members.add({"entry_id": cluster.id, "commitment_id": row["id"], "reason": reason})
    members.flush()


def _reach(conn: Connection, donor: str | None) -> dict[tuple, tuple[str | None, bool]]:
    """Per block: the date of its last recap (scope previous, which may join any earlier entry) and whether
    it has undated reports (which may join any entry)."""
    q = _query(conn.dialect.name, "reach", donor is None)
    return {(r[0], r[1]): (r[2], bool(r[3])) for r in conn.execute(q, _donor_param(donor))}


def _in_order(last: tuple | None, row: dict) -> tuple:
    """The row's canonical key, checked against the previous row's: matching depends on the order."""
    key = canonical(row)
    if last is not None and key <= last:
        raise StoreError(f"the database returned commitments {last[-1]} and {key[-1]} out of canonical order; "
                         "reconciliation needs byte-wise text order (SQLite's default, PostgreSQL's COLLATE \"C\")")
    return key


# ---------------------------------------------------------------- pass 2: build


def _built_entries(conn: Connection, donor: str | None) -> Iterator[Entry]:
    """The donor's entries with every column of their members, oldest report first, one at a time."""
    entry = None
    for row in _rows(conn, donor, "build"):
        entry_id, reason = row.pop("entry_id"), row.pop("reason")
        if entry is None or entry.id != entry_id:
            if entry is not None:
                yield entry
            entry = Entry(entry_id, row["donor"], row["recipient"], row["kind"])
        entry.add(row, reason)
    if entry is not None:
        yield entry


def _link_part(conn: Connection, entry: Entry) -> None:
    """A part_of entry points at the entry of its parent amount in the same article and stops counting.

    As in `reconcile`: the parent is the last such entry in ledger order (block, then first report).
    """
    lead = entry.first
    if lead.get("scope") != "part_of" or not lead.get("parent_amount"):
        return
    q = _query(conn.dialect.name, "parts", lead.get("donor") is None)
    found = {r[0]: (r[1], r[2]) for r in conn.execute(q, {**_donor_param(lead.get("donor")),
                                                            "document_id": lead["document_id"],
                                                            "parent_amount": lead["parent_amount"]})}
    if not found:
        return
    parent = max(found, key=lambda e: (block_order((lead.get("donor"), *found[e])), _first_report(conn, e)))
    if parent != entry.id:
        entry.parent_entry_id, entry.counts = parent, False


def _first_report(conn: Connection, entry_id: str) -> tuple:
    """Canonical key of an entry's first member: the entries of a block are in that order."""
    q = _query(conn.dialect.name, "first_report", False)
    return min(canonical(dict(r._mapping)) for r in conn.execute(q, {"entry_id": entry_id}))


# ---------------------------------------------------------------- reading and writing


def _joined():
    return commitments.join(documents, documents.c.id == commitments.c.document_id).join(
        evidence, (evidence.c.commitment_id == commitments.c.id) & evidence.c.is_primary)


def _rows(conn: Connection, donor: str | None, which: str) -> Iterator[dict]:
    """The donor's commitments with `published` and `span_start`, streamed in canonical order: itemised ones
    within blocks ("match"), with every column within entries ("build"), or its running totals ("totals")."""
    q = _query(conn.dialect.name, which, donor is None)
    for r in conn.execute(q.execution_options(yield_per=CHUNK), _donor_param(donor)):
        yield dict(r._mapping)


@cache
def _query(dialect: str, which: str, null_donor: bool):
    """The rebuild's queries, built once per backend and kind of donor, the donor (and the rest) bound at
    execution: building a statement and its cache key anew cost more than running it (~0.15 ms each, ~10 a
    donor)."""
    def text(expr):  # text compared byte by byte, as Python compares strings (PostgreSQL's collation may not)
        return collate(expr, "C") if dialect == "postgresql" else expr

    donor_is = commitments.c.donor.is_(None) if null_donor else commitments.c.donor == bindparam("donor")
    canonical_order = [  # `aidledger.reconcile.core.canonical` in SQL
        text(func.coalesce(commitments.c.date, documents.c.published, "9999")),
        text(func.coalesce(documents.c.published, "9999")), text(commitments.c.document_id),
        func.coalesce(evidence.c.start, 0), text(commitments.c.id)]
    tail = [documents.c.published, evidence.c.start.label("span_start")]
    itemised = commitments.c.scope != "cumulative"
    if which == "match":
        return select(*[commitments.c[n] for n in MATCH_COLUMNS], *tail).select_from(_joined()).where(
            donor_is, itemised).order_by(commitments.c.recipient, commitments.c.kind, *canonical_order)
    if which == "build":
        return select(commitments, documents.c.source.label("doc_source"), entry_members.c.entry_id,
                      entry_members.c.reason, *tail).select_from(_joined()).join(
            entry_members, entry_members.c.commitment_id == commitments.c.id).where(donor_is, itemised).order_by(
            entry_members.c.entry_id, *canonical_order)
    if which == "totals":
        return select(*[commitments.c[n] for n in TOTAL_COLUMNS], *tail).select_from(_joined()).where(
            donor_is, commitments.c.scope == "cumulative").order_by(*canonical_order)
    if which == "reach":
        day = func.coalesce(commitments.c.date, documents.c.published)
        return select(commitments.c.recipient, commitments.c.kind,
                      func.max(text(case((commitments.c.scope == "previous", day)))),
                      func.sum(case((day.is_(None), 1), else_=0))).select_from(_joined()).where(
            donor_is, itemised).group_by(commitments.c.recipient, commitments.c.kind)
    if which == "parts":
        return select(entry_members.c.entry_id, commitments.c.recipient, commitments.c.kind).join(
            commitments, commitments.c.id == entry_members.c.commitment_id).where(
            commitments.c.document_id == bindparam("document_id"), donor_is,
            commitments.c.amount == bindparam("parent_amount"), commitments.c.scope != "part_of")
    if which == "first_report":
        return select(*[commitments.c[n] for n in MATCH_COLUMNS], *tail).select_from(_joined()).join(
            entry_members, entry_members.c.commitment_id == commitments.c.id).where(
            entry_members.c.entry_id == bindparam("entry_id"))
    raise ValueError(which)


def _donor_param(donor: str | None) -> dict:
    return {} if donor is None else {"donor": donor}


def _donor_in(column, donors):
    named = [d for d in donors if d is not None]
    cond = column.in_(named)
    return cond | column.is_(None) if None in donors else cond


def _decision_rows(conn: Connection) -> list[dict]:
    out = []
    for r in conn.execute(select(decisions).order_by(decisions.c.id)):
        d = dict(r._mapping)
        d["commitment_ids"] = json.loads(d["commitment_ids"])
        d["values"] = json.loads(d["values"]) if d["values"] else {}
        out.append(d)
    return out


def _delete_donors(conn: Connection, donors) -> None:
    if donors is None:
        for table in (entry_members, entries, totals_table):
            conn.execute(delete(table))
        return
    ids = select(entries.c.id).where(_donor_in(entries.c.donor, donors))
    conn.execute(delete(entry_members).where(entry_members.c.entry_id.in_(ids)))
    conn.execute(delete(entries).where(_donor_in(entries.c.donor, donors)))
    conn.execute(delete(totals_table).where(_donor_in(totals_table.c.donor, donors)))


_INSERT = {t.name: insert(t) for t in (entries, entry_members, totals_table)}  # built once: see `_query`


class _Chunks:
    """Rows inserted CHUNK at a time."""

    def __init__(self, conn: Connection, table) -> None:
        self.conn, self.table, self.rows = conn, table, []

    def add(self, row: dict) -> None:
        self.rows.append(row)
        if len(self.rows) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            self.conn.execute(_INSERT[self.table.name], self.rows)
            self.rows = []


class _Writer:
    """Entry rows (and, for entries rebuilt from decisions, their members) written in chunks."""

    def __init__(self, conn: Connection) -> None:
        self.entries, self.members, self.count = _Chunks(conn, entries), _Chunks(conn, entry_members), 0

    def entry(self, entry: Entry, members: bool = False) -> None:
        row = entry.summary()
        row["conflicts"] = json.dumps(row["conflicts"])
        row["stage_history"] = json.dumps(entry.stage_history())
        self.entries.add({c.name: row.get(c.name) for c in entries.columns})
        self.count += 1
        for m in entry.members if members else ():
            self.members.add({"entry_id": entry.id, "commitment_id": m["id"], "reason": entry.reasons[m["id"]]})

    def flush(self) -> None:
        self.entries.flush()
        self.members.flush()
