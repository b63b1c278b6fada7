"""The review workflow: accept, edit, reject, merge and split entries, each one an audited event.

Decisions go through `Ledger.review`, which stores them keyed on commitment ids and re-reconciles, so they
survive later ingests. Every decision also writes an audit event with the reviewer, the time and the rows
of the entries it touched before and after, linked to every commitment involved; an entry's history is the
events linked to any of its commitments, whatever ids reconciliation gives entries later.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import insert, select

from aidledger.errors import ConfigurationError
from aidledger.records import AidType, Status
from aidledger.serve.queries import entry_ids_of, entry_rows, member_ids
from aidledger.store.ledger import Ledger
from aidledger.store.schema import audit_events, audit_links

ACTIONS = ("accept", "reject", "edit", "merge", "split")
# What a reviewer may correct. Not the donor: entries are rebuilt per donor, so it is part of an entry's key.
EDITABLE = {"amount": float, "currency": str, "date": str, "status": str, "aid_type": str, "instrument": str,
            "sector": str, "channel": str, "item": str, "quantity": int, "recipient": str, "announced_by": str}


@dataclass(frozen=True)
class AuditEvent:
    id: int
    action: str
    actor: str
    at: str
    entry_id: str | None
    decision_id: int | None
    commitment_ids: list
    before: list
    after: list
    note: str | None

    def changes(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for each field of the acted-on entry that changed."""
        old = next((e for e in self.before if e["id"] == self.entry_id), self.before[0] if self.before else {})
        new = next((e for e in self.after if e["id"] == self.entry_id), self.after[0] if self.after else {})
        return [(k, old.get(k), new.get(k)) for k in sorted(set(old) | set(new))
                if old.get(k) != new.get(k) and k not in ("stage_history",)]


def review_entry(ledger: Ledger, entry_id: str, action: str, reviewer: str, values: dict | None = None,
                 note: str | None = None, other_entry_id: str | None = None,
                 commitment_id: str | None = None) -> AuditEvent:
    """Apply one reviewer decision to an entry and audit it; returns the audit event.

    merge folds `other_entry_id` into the entry; split moves the member `commitment_id` out into its own entry.
    """
    _refuse_nul({**(values or {}), "note": note, "entry": entry_id, "other_entry_id": other_entry_id,
                 "commitment_id": commitment_id})
    entry = _existing_entry(ledger, entry_id)
    commitment_ids = _decision_commitments(ledger, entry, action, other_entry_id, commitment_id)
    clean = _checked_values(values) if action == "edit" else None
    involved = sorted(set(commitment_ids) | set(member_ids(ledger.engine, entry["id"])) |
                      (set(member_ids(ledger.engine, _existing_entry(ledger, other_entry_id)["id"]))
                       if action == "merge" else set()))
    before = entry_rows(ledger.engine, entry_ids_of(ledger.engine, involved))
    decision_id = ledger.review(action, commitment_ids, reviewer=reviewer, values=clean, note=note)
    after = entry_rows(ledger.engine, entry_ids_of(ledger.engine, involved))
    return _record(ledger, action, reviewer, entry["id"], decision_id, involved, before, after, note)


def _refuse_nul(fields: dict) -> None:
    # PostgreSQL cannot store NUL in text, and no note or field holds one legitimately: refuse it on every backend.
    for name, value in fields.items():
        if isinstance(value, str) and "\x00" in value:
            raise ConfigurationError(f"{name} contains a NUL character (\\x00); remove it and send the review again")


def _existing_entry(ledger: Ledger, entry_id: str | None) -> dict:
    entry = ledger.entry(entry_id) if entry_id else None
    if entry is None:
        raise ConfigurationError(f"no ledger entry {entry_id!r} (take the id from /api/entries)")
    return entry


def _decision_commitments(ledger: Ledger, entry: dict, action: str, other_entry_id, commitment_id) -> list[str]:
    """The commitment ids a decision is keyed on: the entry's members, its lead first (see apply_decisions)."""
    if action not in ACTIONS:
        raise ConfigurationError(f"unknown review action {action!r} (use one of: {', '.join(ACTIONS)})")
    own = [m["id"] for m in entry["members"]]
    if action == "merge":
        other = _existing_entry(ledger, other_entry_id)
        if other["id"] == entry["id"]:
            raise ConfigurationError("cannot merge an entry with itself (name a different entry to merge in)")
        return own[:1] + [m["id"] for m in other["members"]][:1]
    if action == "split":
        if commitment_id not in own:
            raise ConfigurationError(f"commitment {commitment_id!r} is not a member of entry {entry['id']} "
                                     "(split takes one of the entry's commitment ids)")
        if len(own) < 2:
            raise ConfigurationError(f"entry {entry['id']} has a single source: there is nothing to split off")
        return [commitment_id]
    return own


def _checked_values(values: dict | None) -> dict:
    if not values:
        raise ConfigurationError("an edit needs at least one field to change "
                                 f"(any of: {', '.join(sorted(EDITABLE))})")
    out = {}
    for name, value in values.items():
        if name not in EDITABLE:
            raise ConfigurationError(f"field {name!r} cannot be edited (use any of: {', '.join(sorted(EDITABLE))})")
        try:
            out[name] = EDITABLE[name](value) if value not in (None, "") else None
        except (TypeError, ValueError):
            raise ConfigurationError(f"{name}={value!r} is not a {EDITABLE[name].__name__}") from None
    _check_vocabulary(out)
    return out


def _check_vocabulary(values: dict) -> None:
    for name, enum in (("status", Status), ("aid_type", AidType)):
        allowed = [e.value for e in enum]
        if values.get(name) is not None and values[name] not in allowed:
            raise ConfigurationError(f"{name}={values[name]!r} is unknown (use one of: {', '.join(allowed)})")


def _record(ledger: Ledger, action, reviewer, entry_id, decision_id, involved, before, after, note) -> AuditEvent:
    at = datetime.now(timezone.utc).isoformat()
    with ledger.engine.begin() as conn:
        event_id = conn.execute(insert(audit_events).values(
            action=action, actor=reviewer, at=at, entry_id=entry_id, decision_id=decision_id,
            commitment_ids=json.dumps(involved), before=json.dumps(before, default=str),
            after=json.dumps(after, default=str), note=note)).inserted_primary_key[0]
        conn.execute(insert(audit_links), [{"event_id": event_id, "commitment_id": c} for c in involved])
    return AuditEvent(event_id, action, reviewer, at, entry_id, decision_id, involved, before, after, note)


def history(ledger: Ledger, entry_id: str) -> list[AuditEvent]:
    """Every audit event touching any commitment of the entry, oldest first."""
    ids = member_ids(ledger.engine, entry_id)
    linked = select(audit_links.c.event_id).where(audit_links.c.commitment_id.in_(ids))
    with ledger.engine.connect() as conn:
        rows = conn.execute(select(audit_events).where(audit_events.c.id.in_(linked)).order_by(audit_events.c.id))
        return [_event(dict(r._mapping)) for r in rows]


def _event(row: dict) -> AuditEvent:
    for key in ("commitment_ids", "before", "after"):
        row[key] = json.loads(row[key])
    return AuditEvent(**row)
