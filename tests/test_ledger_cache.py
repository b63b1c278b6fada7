"""Totals and reported series are computed once per ledger version: never stale, whoever writes the ledger.

Each test runs on a SQLite file and on a real PostgreSQL database (`db_url`). "Current" means equal to the
same query run directly on the tables, bypassing the cache.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

import aidledger
from aidledger.batch.job import BatchJob
from aidledger.batch.load import load
from aidledger.batch.plan import expand, plan
from aidledger.errors import AidledgerError
from aidledger.export import export
from aidledger.export.importer import import_ledger
from aidledger.store import entries
from aidledger.store.cache import cached

SAMPLE = Path(aidledger.__file__).parent / "sample"
VIEWS = [(by, threshold) for by in ("donor", "month", "type", "status") for threshold in ("announced", "committed")]


def _canonical(rows: list[dict]) -> list[str]:
    return sorted(json.dumps(r, sort_keys=True) for r in rows)


def direct(ledger, by: str, threshold: str) -> list[dict]:
    with ledger.engine.connect() as conn:
        return entries._sum_entries(conn, by, threshold, "usd")


def assert_current(ledger) -> None:
    """Every totals view and the reported series equal a direct computation (and are now cached)."""
    for by, threshold in VIEWS:
        assert _canonical(ledger.totals(by, threshold)) == _canonical(direct(ledger, by, threshold)), (by, threshold)
    with ledger.engine.connect() as conn:
        assert ledger.reported_totals() == json.loads(json.dumps(entries._reported_series(conn)))


def sample_folder(tmp_path: Path, names: list[str], folder: str) -> Path:
    out = tmp_path / folder
    out.mkdir()
    for name in names:
        shutil.copy(SAMPLE / name, out / name)
    return out


FIRST = ["s01_norway_energy.txt", "s02_japan_demining.txt", "s03_germany_air_defence.txt",
         "s07_sweden_package.txt", "s09_eu_ukraine_facility.html"]


def rest() -> list[str]:
    return sorted(p.name for p in SAMPLE.iterdir() if p.suffix in (".txt", ".html") and p.name not in FIRST)


def test_the_cache_is_served_and_every_write_to_entries_moves_past_it(db_url, tmp_path):
    ledger = aidledger.open_ledger(db_url)
    ledger.ingest([sample_folder(tmp_path, FIRST, "first")])
    assert_current(ledger)
    with ledger.engine.begin() as conn:  # proof the value comes from the cache: tamper with the kept copy
        conn.execute(text("UPDATE ledger_cache SET value = '[]' WHERE key = 'totals:donor:announced:usd'"))
    assert ledger.totals("donor") == []
    before = ledger.totals("type", "announced")
    ledger.ingest([sample_folder(tmp_path, rest(), "rest")])
    assert ledger.totals("type", "announced") != before
    assert_current(ledger)
    with ledger.engine.begin() as conn:  # a hand-written change, through no library code
        conn.execute(text("UPDATE entries SET counted_usd = counted_usd * 2 WHERE counted_usd IS NOT NULL"))
    assert_current(ledger)
    with ledger.engine.begin() as conn:
        conn.execute(text("DELETE FROM reported_totals"))
    assert ledger.reported_totals() == []
    assert_current(ledger)


def test_every_review_decision_refreshes_totals(db_url):
    ledger = aidledger.open_ledger(db_url)
    ledger.ingest([SAMPLE])
    assert_current(ledger)
    counted = [e for e in ledger.entries(kind="money", counted_only=True) if e["amount_usd"]]
    members = {e["id"]: [m["id"] for m in ledger.entry(e["id"])["members"]] for e in counted}
    by_donor: dict = {}
    for e in counted:
        by_donor.setdefault(e["donor"], []).append(e["id"])
    merged = next(ids for ids in by_donor.values() if len(ids) >= 2)
    split = next(e["id"] for e in counted if len(members[e["id"]]) >= 2 and e["id"] not in merged)
    alone = [ids[0] for ids in by_donor.values() if len(ids) == 1 and ids[0] != split]
    decisions = [("reject", members[alone[0]], None), ("edit", members[alone[1]], {"amount": 123456789.0}),
                 ("split", members[split][-1:], None),
                 ("merge", [members[merged[0]][0], members[merged[1]][0]], None)]
    for action, ids, values in decisions:
        before = ledger.totals("donor")
        ledger.review(action, ids, reviewer="ana", values=values)
        assert ledger.totals("donor") != before, action
        assert_current(ledger)
    ledger.review("accept", members[split], reviewer="ana")
    assert_current(ledger)


def test_import_and_load_refresh_totals(db_url, tmp_path):
    source = aidledger.open_ledger(f"sqlite:///{tmp_path / 'source.db'}")
    source.ingest([sample_folder(tmp_path, FIRST, "first")])
    export("json", source, tmp_path / "first.jsonl")
    target = aidledger.open_ledger(db_url)
    assert_current(target)
    assert target.totals("donor") == []

    import_ledger(tmp_path / "first.jsonl", target)
    assert target.totals("donor") and _canonical(target.totals("donor")) == _canonical(source.totals("donor"))
    assert_current(target)

    folder = sample_folder(tmp_path, rest(), "rest")
    for partition in plan(expand([str(folder)]), 4):  # the batch job's partitions, run here without a cluster
        BatchJob().run_partition(partition, str(tmp_path / "out"))
    before = target.totals("donor")
    load(str(tmp_path / "out"), target)
    assert target.totals("donor") != before
    assert_current(target)


def test_a_write_from_another_process_is_seen_at_once(db_url):
    ledger = aidledger.open_ledger(db_url)
    ledger.ingest([SAMPLE])
    assert_current(ledger)
    before = ledger.totals("donor")
    entry = next(e for e in ledger.entries(kind="money", counted_only=True) if e["amount_usd"])
    ids = [m["id"] for m in ledger.entry(entry["id"])["members"]]
    script = ("import sys, json, aidledger; "
              "aidledger.open_ledger(sys.argv[1]).review('reject', json.loads(sys.argv[2]), reviewer='bo')")
    subprocess.run([sys.executable, "-c", script, db_url, json.dumps(ids)], check=True, timeout=120)
    assert ledger.totals("donor") != before
    assert_current(ledger)


def test_a_value_computed_while_the_ledger_changes_is_never_served(db_url):
    ledger = aidledger.open_ledger(db_url)
    ledger.ingest([SAMPLE])
    writer = create_engine(db_url)  # a second pool of connections: another worker of the service

    def compute_during_a_write(conn):
        first = entries._sum_entries(conn, "donor", "announced", "usd")
        with writer.begin() as w:  # commits between the version read and the rest of the computation
            w.execute(text("UPDATE entries SET counted_usd = counted_usd + 1 WHERE counted_usd IS NOT NULL"))
        return first + entries._sum_entries(conn, "donor", "announced", "usd")

    cached(ledger.engine, "totals:donor:announced:usd", compute_during_a_write)
    writer.dispose()
    assert _canonical(ledger.totals("donor")) == _canonical(direct(ledger, "donor", "announced"))
    assert_current(ledger)


def test_a_locked_sqlite_database_still_answers(tmp_path):
    ledger = aidledger.open_ledger(f"sqlite:///{tmp_path / 'a.db'}")
    ledger.ingest([SAMPLE])
    blocker = create_engine(f"sqlite:///{tmp_path / 'a.db'}")
    with blocker.connect() as conn:
        conn.exec_driver_sql("BEGIN IMMEDIATE")  # another writer holds the lock: the cache cannot be written
        assert _canonical(ledger.totals("donor")) == _canonical(direct(ledger, "donor", "announced"))
        conn.exec_driver_sql("ROLLBACK")
    blocker.dispose()
    assert_current(ledger)


def test_bad_dimensions_are_refused_before_the_cache(tmp_path):
    ledger = aidledger.open_ledger(f"sqlite:///{tmp_path / 'a.db'}")
    with pytest.raises(AidledgerError, match="cannot total by 'colour'"):
        ledger.totals("colour")
    with pytest.raises(AidledgerError, match="unknown stage 'dreamt'"):
        ledger.totals("donor", "dreamt")
