from __future__ import annotations

import json
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
