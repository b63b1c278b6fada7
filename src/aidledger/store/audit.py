"""Reviewer decisions with their audit events: the decision, the rebuild and the event in one transaction.

An event names the reviewer, the time, the commitments involved (the decision's own and every member of
the entries holding them) and the rows of those entries before and after. It is written in the rebuild's
transaction, after the rebuild: either the decision, the rebuilt entries and the event all land, or none
does, so no decision ever stands unaudited and no event describes a change that did not happen.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection, Engine

from aidledger.store.entries import decode, insert_decision
from aidledger.store.rebuild import rebuild
from aidledger.store.schema import audit_events, audit_links, commitments, entries, entry_members


def review(engine: Engine, action: str, commitment_ids: list[str], reviewer: str, values: dict | None = None,
           note: str | None = None) -> dict:
    """Store a decision, re-reconcile the donors it touches and audit it, in one transaction; returns the
    audit event's row (id, action, actor, at, entry_id, decision_id, commitment_ids, before, after, note)."""
    with engine.connect() as conn:  # only the decision's commitments, never the whole table
        donors = set(conn.execute(select(commitments.c.donor).distinct().where(
            commitments.c.id.in_(commitment_ids))).scalars())
    event: dict = {"action": action, "actor": reviewer, "note": note}

    def decide(conn: Connection) -> None:  # first in the transaction: its write takes SQLite's lock
        event["decision_id"] = insert_decision(conn, action, commitment_ids, reviewer, values, note)
        holding = entry_ids_of(conn, commitment_ids[:1])
        event["entry_id"] = holding[0] if holding else None  # the entry acted on: the one holding the lead
        event["commitment_ids"] = involved = sorted(
            set(commitment_ids) | set(member_ids(conn, *entry_ids_of(conn, commitment_ids))))
        event["before"] = entry_rows(conn, entry_ids_of(conn, involved))

    def audit(conn: Connection) -> None:  # last, once the entries are rebuilt
        event["after"] = entry_rows(conn, entry_ids_of(conn, event["commitment_ids"]))
        event["at"] = datetime.now(timezone.utc).isoformat()
        event["id"] = write_event(conn, event)

    rebuild(engine, donors or None, first=decide, last=audit)
    return event


def write_event(conn: Connection, event: dict) -> int:
    """Insert the audit event and its links to every commitment involved; returns its id."""
    row = {**event, "commitment_ids": json.dumps(event["commitment_ids"]),
           "before": json.dumps(event["before"], default=str), "after": json.dumps(event["after"], default=str)}
    event_id = conn.execute(insert(audit_events).values(
        {c.name: row[c.name] for c in audit_events.columns if c.name != "id"})).inserted_primary_key[0]
    conn.execute(insert(audit_links), [{"event_id": event_id, "commitment_id": c} for c in event["commitment_ids"]])
    return event_id


def events_touching(conn: Connection, commitment_ids: list[str]) -> list[dict]:
    """Every audit event linked to any of `commitment_ids`, oldest first, its JSON columns decoded."""
    linked = select(audit_links.c.event_id).where(audit_links.c.commitment_id.in_(commitment_ids))
    out = []
    for r in conn.execute(select(audit_events).where(audit_events.c.id.in_(linked)).order_by(audit_events.c.id)):
        row = dict(r._mapping)
        for key in ("commitment_ids", "before", "after"):
            row[key] = json.loads(row[key])
        out.append(row)
    return out


def entry_ids_of(conn: Connection, commitment_ids: list[str]) -> list[str]:
    """The entries that now hold any of `commitment_ids`, in id order."""
    return list(conn.execute(select(entry_members.c.entry_id).distinct().where(
        entry_members.c.commitment_id.in_(commitment_ids)).order_by(entry_members.c.entry_id)).scalars())


def entry_rows(conn: Connection, entry_ids: list[str]) -> list[dict]:
    """Entry rows (without members) by id, in id order, their JSON lists decoded."""
    return [decode(dict(r._mapping)) for r in conn.execute(
        select(entries).where(entries.c.id.in_(entry_ids)).order_by(entries.c.id))]


def member_ids(conn: Connection, *entry_ids: str) -> list[str]:
    """The commitment ids of the entries, in a stable order."""
    return list(conn.execute(select(entry_members.c.commitment_id).where(
        entry_members.c.entry_id.in_(entry_ids)).order_by(entry_members.c.commitment_id)).scalars())
