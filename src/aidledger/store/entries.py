"""Writing and reading the reconciled ledger: entries, members, reported totals, decisions."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime, timezone

from sqlalchemy import exists, func, insert, select
from sqlalchemy.engine import Connection, Engine

from aidledger.errors import AidledgerError
from aidledger.records import Status
from aidledger.store.cache import cached
from aidledger.store.rebuild import rebuild  # noqa: F401  (the writing side: Ledger.reconcile)
from aidledger.store.schema import (ENTRY_JSON_COLUMNS, commitments, decisions, documents, entries, entry_members,
                                    evidence, filtered, reported_totals)

STAGES = [s.value for s in Status]
TOTAL_DIMENSIONS = {"donor": entries.c.donor, "type": entries.c.aid_type, "status": entries.c.status,
                    "channel": entries.c.channel, "kind": entries.c.kind, "recipient": entries.c.recipient}


def stale_donors(engine: Engine) -> set[str | None]:
    """Donors with commitments stored after their entries were last rebuilt: a run killed in between.

    Reconciliation puts every itemised commitment in one entry and every running total with a figure in one
    reported total, so a commitment found in neither was stored since its donor's last rebuild.
    """
    unplaced = ~exists().where(entry_members.c.commitment_id == commitments.c.id)
    with engine.connect() as conn:
        donors = {r[0] for r in conn.execute(select(commitments.c.donor).distinct().where(
            commitments.c.scope != "cumulative", unplaced))}
        reported = {cid for (ids,) in conn.execute(select(reported_totals.c.commitment_ids)) for cid in json.loads(ids)}
        running = conn.execute(select(commitments.c.id, commitments.c.donor).where(
            commitments.c.scope == "cumulative", commitments.c.amount.is_not(None)))
        return donors | {donor for cid, donor in running if cid not in reported}


# ---------------------------------------------------------------- reading


def list_entries(engine: Engine, donor=None, since=None, until=None, status=None, kind=None, counted_only=False,
                 limit=None) -> list[dict]:
    q = filtered(select(entries), entries, since, until, limit, donor=donor, status=status, kind=kind,
                 counts_toward_total=True if counted_only else None)
    with engine.connect() as conn:
        return [decode(dict(r._mapping)) for r in conn.execute(q)]


def get_entry(engine: Engine, entry_id: str) -> dict | None:
    """An entry with its sources: every member commitment, its reason for joining, document and evidence."""
    with engine.connect() as conn:
        # autoescape: a '%' or '_' in the id is a character, not a wildcard matching any entry
        row = conn.execute(select(entries).where(entries.c.id.startswith(entry_id, autoescape=True))).first()
        if row is None:
            return None
        out = decode(dict(row._mapping))
        q = select(entry_members.c.reason, commitments, documents.c.title, documents.c.source, documents.c.url,
                   documents.c.published).join(commitments, commitments.c.id == entry_members.c.commitment_id).join(
            documents, documents.c.id == commitments.c.document_id).where(entry_members.c.entry_id == out["id"])
        out["members"] = []
        for m in conn.execute(q.order_by(documents.c.published, commitments.c.id)):
            member = dict(m._mapping)
            member["evidence"] = [dict(e._mapping) for e in conn.execute(
                select(evidence).where(evidence.c.commitment_id == member["id"]).order_by(
                    evidence.c.is_primary.desc(), evidence.c.start))]
            out["members"].append(member)
        return out


def decode(row: dict) -> dict:
    """An entry row with its JSON list columns (conflicts, stage history) read back as lists."""
    for key in ENTRY_JSON_COLUMNS:
        if isinstance(row.get(key), str):
            row[key] = json.loads(row[key])
    return row


def totals(engine: Engine, by: str = "donor", threshold: str = "announced", currency: str = "usd") -> list[dict]:
    """Sums of counted entries at or past the `threshold` stage, grouped by a dimension or by month.

    Computed once per ledger version (the GROUP BY reads every counted entry) and served from the cache.
    """
    if threshold not in STAGES:
        raise AidledgerError(f"unknown stage {threshold!r} (use one of: {', '.join(STAGES)})")
    if by != "month" and by not in TOTAL_DIMENSIONS:
        raise AidledgerError(f"cannot total by {by!r} (use month or one of: {', '.join(TOTAL_DIMENSIONS)})")
    currency = "usd" if currency == "usd" else "eur"
    return cached(engine, f"totals:{by}:{threshold}:{currency}",
                  lambda conn: _sum_entries(conn, by, threshold, currency))


def _sum_entries(conn: Connection, by: str, threshold: str, currency: str) -> list[dict]:
    key = func.substr(entries.c.date, 1, 7) if by == "month" else TOTAL_DIMENSIONS[by]
    value = entries.c.counted_usd if currency == "usd" else entries.c.amount_eur
    stages = STAGES[STAGES.index(threshold):]
    q = (select(key.label("key"), func.sum(value).label("total"), func.count().label("entries"),
                func.sum(func.coalesce(entries.c.sources, 0)).label("sources"))
         .where(entries.c.counts_toward_total, entries.c.status.in_(stages), entries.c.kind == "money")
         .group_by(key).order_by(func.sum(value).desc()))
    return [dict(r._mapping) for r in conn.execute(q)]


def reported_series(engine: Engine, donor: str | None = None) -> list[dict]:
    """Per donor: each reported running total, and the sum of itemised counted entries up to its date."""
    points = cached(engine, "reported_series", _reported_series)  # every donor's: one cache row, not one per name
    return [p for p in points if p["donor"] == donor] if donor else points


def _reported_series(conn: Connection) -> list[dict]:
    q = select(reported_totals).order_by(reported_totals.c.donor, reported_totals.c.as_of)
    points = [dict(r._mapping) for r in conn.execute(q)]
    itemised: dict = defaultdict(list)
    for r in conn.execute(select(entries.c.donor, entries.c.date, entries.c.counted_usd).where(
            entries.c.counts_toward_total, entries.c.kind == "money")):
        itemised[r.donor].append((r.date or "", r.counted_usd or 0.0))
    for p in points:
        upto = sum(v for d, v in itemised[p["donor"]] if not p["as_of"] or d <= p["as_of"] + "\uffff")
        p["itemised_usd"] = round(upto, 2)
        p["gap_usd"] = round(p["amount_usd"] - upto, 2) if p["amount_usd"] is not None else None
        p["commitment_ids"] = json.loads(p["commitment_ids"])
        p["documents"] = json.loads(p["documents"])
    return points


def add_decision(engine: Engine, action: str, commitment_ids: list[str], reviewer: str, values=None,
                 note=None) -> int:
    with engine.begin() as conn:
        return insert_decision(conn, action, commitment_ids, reviewer, values, note)


def insert_decision(conn: Connection, action: str, commitment_ids: list[str], reviewer: str, values=None,
                    note=None) -> int:
    """Store a reviewer decision in the caller's transaction; returns its id."""
    if action not in ("accept", "reject", "edit", "merge", "split"):
        raise AidledgerError(f"unknown review action {action!r} (use accept, reject, edit, merge or split)")
    result = conn.execute(insert(decisions).values(
        action=action, commitment_ids=json.dumps(commitment_ids), values=json.dumps(values or {}),
        reviewer=reviewer, note=note, created_at=datetime.now(timezone.utc).isoformat()))
    return result.inserted_primary_key[0]
