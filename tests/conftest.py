from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
SEED_GOLD = SHARED / "gold" / "seeds.json"
DEV = ROOT / "corpus" / "dev"


@pytest.fixture(scope="session")
def seed_gold() -> dict:
    if not SEED_GOLD.exists():
        pytest.skip("../shared/gold/seeds.json is absent (run from a checkout with shared/ beside it)")
    return json.loads(SEED_GOLD.read_text("utf-8"))


# ---------------------------------------------------------------- PostgreSQL (serve, store on both backends)

@pytest.fixture(scope="session")
def pg_server():
    """A real PostgreSQL cluster started for this test session, or a skip when its programs are absent."""
    from pgserver import PostgresServer, find_bindir

    bindir = find_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL server programs (initdb, pg_ctl) are not installed: apt-get install postgresql")
    server = PostgresServer(bindir).start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    """An empty database URL, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ledger.db'}"
    return request.getfixturevalue("pg_server").new_database()


# ---------------------------------------------------------------- Chromium (the browser tests)

CHROMIUM = os.environ.get("AIDLEDGER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright, or a skip when it is not installed."""
    executable = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    if executable is None:
        pytest.skip(f"no Chromium at {CHROMIUM} nor on PATH: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
