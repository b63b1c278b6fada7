"""Shared by the crash tests: kill an `aidledger` run at a chosen moment, then inspect the SQLite store it left.

The checks are plain SQL over the database file, written apart from the store's code, so they judge it
rather than repeat it.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path


def run_cli(args: list[str], kill_after: float | None = None) -> bool:
    """Run `aidledger ARGS` in a child process, SIGKILL it `kill_after` seconds in; True if it finished (exit 0).

    The child is forked from this process with the CLI already imported, so the kill moments fall on the
    command's work rather than on interpreter start-up, and 50 trials stay cheap.
    """
    # loaded once here and inherited by every child: the CLI, what `load` and migrations import lazily, and
    # the exchange-rate table reconciliation reads on first use (over half of a small load's time)
    import alembic.command  # noqa: F401
    import pyarrow.parquet  # noqa: F401

    import aidledger.cli  # noqa: F401
    from aidledger.reconcile.currency import convert

    convert(1.0, "EUR", "2024-01-02")

    child = multiprocessing.get_context("fork").Process(target=_cli, args=(args,))
    child.start()
    child.join(kill_after)
    if child.exitcode is None:
        os.kill(child.pid, signal.SIGKILL)
        child.join()
        return False
    assert child.exitcode == 0, f"aidledger {' '.join(args)} failed with exit code {child.exitcode}"
    return True


def _cli(args: list[str]) -> None:
    from aidledger.cli import main

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    sys.argv = ["aidledger", *args]
    main()


def run(args: list[str]) -> subprocess.CompletedProcess:
    """Run `aidledger ARGS` to the end in a fresh interpreter; it must succeed."""
    return subprocess.run([sys.executable, "-m", "aidledger.cli", *args], capture_output=True, text=True, check=True)


def _connect(db: Path) -> sqlite3.Connection | None:
    """A read connection, or None when the run died before the first migration created the tables."""
    if not db.exists():
        return None
    conn = sqlite3.connect(db)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "documents" not in tables:
        conn.close()
        return None  # killed before the first migration finished: nothing half-written
    return conn


def document_counts(db: Path) -> dict[str, tuple[int, int]]:
    """Per stored document: (its commitments, its evidence rows)."""
    conn = _connect(db)
    if conn is None:
        return {}
    with closing(conn):
        return {doc: (c, e) for doc, c, e in conn.execute(
            "SELECT d.id, (SELECT count(*) FROM commitments c WHERE c.document_id = d.id), "
            "(SELECT count(*) FROM evidence e WHERE e.document_id = d.id) FROM documents d")}


QUERIES = {
    # rows pointing at nothing
    "commitments without their document": "SELECT count(*) FROM commitments WHERE document_id NOT IN "
                                          "(SELECT id FROM documents)",
    "evidence without its commitment": "SELECT count(*) FROM evidence WHERE commitment_id NOT IN "
                                       "(SELECT id FROM commitments)",
    "entry members without their commitment": "SELECT count(*) FROM entry_members WHERE commitment_id NOT IN "
                                              "(SELECT id FROM commitments)",
    "entry members without their entry": "SELECT count(*) FROM entry_members WHERE entry_id NOT IN "
                                         "(SELECT id FROM entries)",
    "entries without members": "SELECT count(*) FROM entries WHERE id NOT IN (SELECT entry_id FROM entry_members)",
    # the same thing twice
    "commitments in more than one entry": "SELECT count(*) FROM (SELECT commitment_id FROM entry_members "
                                          "GROUP BY commitment_id HAVING count(*) > 1)",
    "commitments without exactly one primary evidence": "SELECT count(*) FROM commitments c WHERE (SELECT count(*) "
                                                        "FROM evidence e WHERE e.commitment_id = c.id "
                                                        "AND e.is_primary) <> 1",
    "duplicate evidence rows": "SELECT count(*) FROM (SELECT 1 FROM evidence GROUP BY commitment_id, document_id, "
                               "start, \"end\", is_primary HAVING count(*) > 1)",
}


def problems(db: Path) -> dict[str, int]:
    """What must never be seen, whenever a run was killed: orphans and duplicates, by kind (empty: none)."""
    conn = _connect(db)
    if conn is None:
        return {}
    with closing(conn):
        found = {name: conn.execute(sql).fetchone()[0] for name, sql in QUERIES.items()}
    return {name: n for name, n in found.items() if n}


def unreconciled(db: Path) -> int:
    """Commitments the reconciled ledger does not account for, once a run has finished (must be 0).

    Every itemised commitment belongs to an entry, every running total with a figure to a reported total.
    """
    conn = _connect(db)
    if conn is None:
        return 0
    with closing(conn):
        itemised = conn.execute("SELECT count(*) FROM commitments WHERE scope <> 'cumulative' AND id NOT IN "
                                "(SELECT commitment_id FROM entry_members)").fetchone()[0]
        reported = {cid for (ids,) in conn.execute("SELECT commitment_ids FROM reported_totals")
                    for cid in json.loads(ids)}
        running = [cid for (cid,) in conn.execute("SELECT id FROM commitments WHERE scope = 'cumulative' "
                                                  "AND amount IS NOT NULL")]
    return itemised + sum(cid not in reported for cid in running)
