"""Results derived from the reconciled ledger, computed once per ledger version and shared by every process.

Triggers (migration 0007) bump `ledger_version` in the same transaction as any change to `entries` or
`reported_totals`. A result is stored with the version it was computed at and served only while that is
still the version: the lookup joins the two tables in one statement, so it reads both from one snapshot,
and a result of an older version is never returned, whichever process wrote the ledger.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import contextmanager

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from aidledger.store.schema import ledger_cache, ledger_version

INSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


def cached(engine: Engine, key: str, compute: Callable[[Connection], object]) -> object:
    """The value `compute(conn)` gives for the ledger as it is now, from the cache when it is current."""
    with engine.connect() as conn:
        hit = conn.execute(select(ledger_cache.c.value).join(
            ledger_version, ledger_version.c.version == ledger_cache.c.version).where(
            ledger_cache.c.key == key)).scalar()
        if hit is not None:
            return json.loads(hit)
        # The version is read before computing. If a write lands meanwhile and the value sees it (PostgreSQL
        # reads each statement at a new snapshot), the version has moved past the one the value is kept
        # under, so it is never served: a kept value can only be newer than its version, never older.
        version = conn.execute(select(ledger_version.c.version)).scalar_one()
        value = compute(conn)
    _store(engine, key, version, json.dumps(value))
    return value


def _store(engine: Engine, key: str, version: int, value: str) -> None:
    """Keep `value` for `key` unless a newer version's is already there; skipped if the database is busy."""
    insert = INSERTS[engine.dialect.name](ledger_cache).values(key=key, version=version, value=value)
    upsert = insert.on_conflict_do_update(
        index_elements=[ledger_cache.c.key], set_={"version": version, "value": value},
        where=ledger_cache.c.version < version)
    try:
        with engine.connect() as conn, _without_waiting(conn):
            conn.execute(upsert)
            conn.commit()
    except SQLAlchemyError:
        pass  # the cache only saves time: a reader that cannot write it (locked, read-only) still answered


@contextmanager
def _without_waiting(conn: Connection):
    """SQLite: fail at once instead of waiting for a writer's lock (a rebuild can hold it for minutes)."""
    if conn.dialect.name != "sqlite":
        yield
        return
    raw = conn.connection.driver_connection
    old = raw.execute("PRAGMA busy_timeout").fetchone()[0]
    raw.execute("PRAGMA busy_timeout = 0")
    try:
        yield
    finally:
        raw.execute(f"PRAGMA busy_timeout = {int(old)}")
