"""Crash safety of `aidledger load`: SIGKILL it at seeded random moments, then check the store and resume.

The batch output comes from a real `aidledger batch` run (a Dask LocalCluster) over a generated crawl.
Trials go in rounds, each on a fresh database: a round kills up to five loads in a row, each resuming what
the last left, until one finishes or is let finish; the export must then equal that of a load never
interrupted.
"""

from __future__ import annotations

import importlib.util
import io
import random
import re
import threading
import time
from pathlib import Path

import pytest
from crashcheck import document_counts, problems, run, run_cli, unreconciled

from aidledger.export import export
from aidledger.store import open_ledger

ROOT = Path(__file__).resolve().parents[1]
ARTICLES, PER_PARTITION = 160, 20
TRIALS, PER_ROUND = 50, 5
# the one field that differs between two loads of the same output: when each document was stored
INGESTED_AT = re.compile(rb'"ingested_at":"[^"]*"')


@pytest.fixture(scope="module")
def batch_output(tmp_path_factory) -> Path:
    """`aidledger batch` output of a small generated crawl, made once for the module."""
    spec = importlib.util.spec_from_file_location("generate_corpus", ROOT / "benchmarks" / "generate_corpus.py")
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    folder = tmp_path_factory.mktemp("crawl")
    warc = folder / "crawl.warc.gz"
    generator.write_warc(warc, generator.articles(ARTICLES, seed=11))
    out = folder / "out"
    run(["batch", str(warc), "--out", str(out), "--workers", "1", "--records-per-partition", str(PER_PARTITION)])
    return out


def _export(db: Path) -> bytes:
    sink = io.BytesIO()
    ledger = open_ledger(f"sqlite:///{db}")
    export("json", ledger, sink)
    ledger.engine.dispose()
    return INGESTED_AT.sub(b'"ingested_at":""', sink.getvalue())


def test_killed_load_leaves_no_partial_document_and_resumes_to_the_same_ledger(batch_output, tmp_path):
    reference, again = tmp_path / "reference.db", tmp_path / "again.db"
    assert run_cli(["load", str(batch_output), "--db", f"sqlite:///{reference}"])
    expected, expected_export = document_counts(reference), _export(reference)
    assert len(expected) == ARTICLES and unreconciled(reference) == 0 and problems(reference) == {}
    start = time.monotonic()  # timed on a second load: the first one also warms the file cache
    assert run_cli(["load", str(batch_output), "--db", f"sqlite:///{again}"])
    span = time.monotonic() - start  # kill moments are drawn over most of one uninterrupted load
    assert _export(again) == expected_export

    rng = random.Random(20261123)
    outcomes: list[bool] = []
    while len(outcomes) < TRIALS:
        db = tmp_path / f"round{len(outcomes)}.db"
        args = ["load", str(batch_output), "--db", f"sqlite:///{db}"]
        finished = False
        for _ in range(min(PER_ROUND, TRIALS - len(outcomes))):
            # (within 80% of one timed load: a later load on a busy machine may run faster than the timed one)
            finished = run_cli(args, kill_after=rng.uniform(0.0, 0.8 * span))
            outcomes.append(finished)
            stored = document_counts(db)
            # no partial document: each one stored has exactly its commitments and evidence rows
            assert stored == {doc: expected[doc] for doc in stored}
            assert problems(db) == {}
            if finished:
                break  # nothing left to interrupt: check this ledger and start a fresh one
        if not finished:
            assert run_cli(args)  # the next load resumes and completes
        assert document_counts(db) == expected and unreconciled(db) == 0
        assert _export(db) == expected_export
    assert outcomes.count(False) >= TRIALS * 2 // 5  # many trials really were killed mid-run


# ------------------------------------------------------------------ reviewers saving at the same moment


def test_concurrent_reviews_of_one_donor_all_land(db_url):
    """Three reviewers edit entries of one donor at once, each rebuilding that donor: none fails, none is lost."""
    from aidledger.serve.review import history, review_entry

    ledger = open_ledger(db_url)
    ledger.ingest([ROOT / "src" / "aidledger" / "sample"])
    owned = sorted(e["id"] for e in ledger.entries(donor="JPN"))[:3]  # one entry per reviewer
    assert len(owned) == 3
    failures, acked = [], {}

    def reviewer(n: int) -> None:
        for i in range(5):
            try:
                event = review_entry(ledger, owned[n], "edit", f"reviewer{n}", {"announced_by": f"r{n} #{i}"})
                acked.setdefault(owned[n], []).append((event.id, f"r{n} #{i}"))
            except Exception as exc:  # noqa: BLE001 - any failure is what this test looks for
                failures.append(f"{type(exc).__name__}: {exc}"[:300])

    threads = [threading.Thread(target=reviewer, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    for entry_id, edits in acked.items():
        assert {event_id for event_id, _ in edits} <= {e.id for e in history(ledger, entry_id)}
        assert ledger.entry(entry_id)["announced_by"] == edits[-1][1]
    assert sum(len(edits) for edits in acked.values()) == 15


def test_a_review_waits_for_a_long_write_on_sqlite(tmp_path):
    """A reviewer saving while another writer holds SQLite's lock (a reconciliation: minutes on a large
    ledger) waits for it, instead of failing with "database is locked" after SQLite's default 5 s."""
    import sqlite3

    from aidledger.serve.review import review_entry

    db = tmp_path / "busy.db"
    ledger = open_ledger(f"sqlite:///{db}")
    ledger.ingest([ROOT / "src" / "aidledger" / "sample"])
    entry_id = ledger.entries(donor="JPN")[0]["id"]
    blocker = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")  # the write lock, held for 7 s
    release = threading.Timer(7.0, blocker.execute, args=("ROLLBACK",))
    release.start()
    event = review_entry(ledger, entry_id, "edit", "reviewer", {"announced_by": "waited"})
    release.join()
    blocker.close()
    assert ledger.entry(entry_id)["announced_by"] == "waited" and event.id
