"""A review is one transaction: the decision, the rebuilt entries and the audit event all land, or none does.

On a real SQLite file and a real PostgreSQL server (fixture `db_url`): a failure raised where the audit event is
written, or right after it, and a process killed right after writing it (no exception handler, no rollback
by the code: the database discards the open transaction) leave the ledger exactly as it was; every review
that succeeds has exactly one audit event.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

import aidledger
from aidledger.serve.review import history, review_entry
from aidledger.store import audit
from aidledger.store.schema import audit_events, audit_links, decisions

SAMPLE = Path(aidledger.__file__).parent / "sample"
# Everything a review may change (the search postings are rewritten with the entries)
TABLES = ("decisions", "audit_events", "audit_links", "entries", "entry_members", "entry_terms", "reported_totals",
          "ledger_version")


@pytest.fixture
def ledger(db_url):
    ledger = aidledger.open_ledger(db_url)
    ledger.ingest([SAMPLE])
    return ledger


def snapshot(ledger) -> dict[str, list]:
    """Every row of every table a review touches, in a stable order."""
    out = {}
    with ledger.engine.connect() as conn:
        for table in TABLES:
            out[table] = sorted((tuple(r) for r in conn.execute(text(f"SELECT * FROM {table}"))), key=repr)
    return out


def an_edit(ledger) -> tuple[str, list[str]]:
    entry = next(e for e in ledger.entries(kind="money") if e["counts_toward_total"])
    return entry["id"], [m["id"] for m in ledger.entry(entry["id"])["members"]]


@pytest.mark.parametrize("when", ["instead of writing the event", "right after writing the event"])
def test_a_failure_at_the_audit_event_leaves_no_decision_and_no_change(ledger, monkeypatch, when):
    entry_id, _ = an_edit(ledger)
    before = snapshot(ledger)
    write_event = audit.write_event

    def failing(conn, event):
        if when == "right after writing the event":
            write_event(conn, event)
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "write_event", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        review_entry(ledger, entry_id, "edit", "ana", {"announced_by": "never stored"})
    assert snapshot(ledger) == before  # no decision, no event, entries and members as they were
    assert ledger.entry(entry_id)["announced_by"] != "never stored"
    monkeypatch.undo()
    event = review_entry(ledger, entry_id, "edit", "ana", {"announced_by": "stored"})  # the retry lands whole
    assert ledger.entry(entry_id)["announced_by"] == "stored"
    assert [e.id for e in history(ledger, entry_id)] == [event.id]


CRASH = """
import os, sys
import aidledger
from aidledger.store import audit

write_event = audit.write_event

def crash(conn, event):
    write_event(conn, event)  # the event is written, the transaction not yet committed
    sys.stdout.flush()
    os._exit(3)

audit.write_event = crash
aidledger.open_ledger(sys.argv[1]).review("edit", sys.argv[2:], reviewer="ana", values={"announced_by": "lost"})
"""


def test_a_process_killed_after_writing_the_audit_event_leaves_nothing_behind(ledger):
    entry_id, members = an_edit(ledger)
    before = snapshot(ledger)
    ledger.engine.dispose()  # the child must not find this process's connections in its way
    done = subprocess.run([sys.executable, "-c", CRASH, ledger.url, *members], check=False, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 3, done.stderr[-2000:]
    assert snapshot(ledger) == before
    ledger.reconcile()  # nothing left half-done for the next rebuild to pick up either
    assert ledger.entry(entry_id)["announced_by"] != "lost"
    with ledger.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(decisions)).scalar() == 0


def test_every_review_that_succeeds_has_exactly_one_audit_event(ledger):
    money = [e for e in ledger.entries(kind="money")]
    by_donor: dict = {}
    for e in money:
        by_donor.setdefault(e["donor"], []).append(e)
    a, b = next(group for group in by_donor.values() if len(group) >= 2)[:2]
    events = [review_entry(ledger, a["id"], "edit", "ana", {"channel": "reviewed"}),
              review_entry(ledger, a["id"], "reject", "bo"),
              review_entry(ledger, a["id"], "accept", "ana"),
              review_entry(ledger, a["id"], "merge", "ana", other_entry_id=b["id"])]
    moved = next(m["id"] for m in ledger.entry(a["id"])["members"] if m["reason"] == "merged by a reviewer")
    events.append(review_entry(ledger, a["id"], "split", "bo", commitment_id=moved))
    direct = ledger.review("reject", [moved], reviewer="cy")  # the Python API is audited the same way
    with ledger.engine.connect() as conn:
        stored = {d: n for d, n in conn.execute(select(audit_events.c.decision_id, func.count()).group_by(
            audit_events.c.decision_id))}
        decided = set(conn.execute(select(decisions.c.id)).scalars())
        links = {(r.event_id, r.commitment_id) for r in conn.execute(select(audit_links))}
    assert decided == {e.decision_id for e in events} | {direct}
    assert stored == {d: 1 for d in decided}  # one event per decision, none without a decision
    for event in events:
        assert {(event.id, c) for c in event.commitment_ids} <= links
        assert event.at and event.before and event.after and event.entry_id == a["id"]
    assert [e.action for e in events] == ["edit", "reject", "accept", "merge", "split"]
    assert events[0].before[0]["channel"] != "reviewed" and events[0].after[0]["channel"] == "reviewed"
    assert [e.id for e in history(ledger, a["id"])][:5] == [e.id for e in events]
