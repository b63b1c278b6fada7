"""The review workflow: accept, edit, reject, merge and split entries, each one an audited event.

Decisions go through `Ledger.audited_review`, which stores them keyed on commitment ids and re-reconciles, so
they survive later ingests. Every decision also writes an audit event with the reviewer, the time and the rows
of the entries it touched before and after, linked to every commitment involved, in the same transaction as
the decision and its rebuild; an entry's history is the events linked to any of its commitments, whatever ids
reconciliation gives entries later.
"""

from __future__ import annotations

from dataclasses import dataclass

from aidledger.errors import ConfigurationError
from aidledger.records import AidType, Status
from aidledger.store.audit import events_touching, member_ids
from aidledger.store.ledger import Ledger

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
    # The decision, the rebuild and this event are one transaction (aidledger.store.audit)
    return AuditEvent(**ledger.audited_review(action, commitment_ids, reviewer, clean, note))


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


def history(ledger: Ledger, entry_id: str) -> list[AuditEvent]:
    """Every audit event touching any commitment of the entry, oldest first."""
    with ledger.engine.connect() as conn:
        return [AuditEvent(**row) for row in events_touching(conn, member_ids(conn, entry_id))]
