"""The store's behaviour on both backends: the same migrations, schema, ingest, reconciliation and search.

`db_url` runs each test on a SQLite file and on a database of a real PostgreSQL server started for the session.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, text

import aidledger
from aidledger.store.ledger import migrate
from aidledger.store.schema import metadata

SAMPLE = Path(aidledger.__file__).parent / "sample"


def test_migrations_create_the_declared_schema(db_url):
    ledger = aidledger.open_ledger(db_url)
    sqlite = ledger.engine.dialect.name == "sqlite"
    declared = {name for name, t in metadata.tables.items() if sqlite or not t.info.get("sqlite_only")}
    found = set(inspect(ledger.engine).get_table_names()) - {"alembic_version"}
    assert found == declared
    for name in declared:
        assert {c["name"] for c in inspect(ledger.engine).get_columns(name)} == \
            {c.name for c in metadata.tables[name].columns}, name


def test_service_migration_goes_down_and_up_again(db_url):
    from alembic import command
    from alembic.config import Config
    from importlib import resources

    ledger = aidledger.open_ledger(db_url)
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("aidledger.store").joinpath("migrations")))
    with ledger.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0002")
    assert "audit_events" not in inspect(ledger.engine).get_table_names()
    migrate(ledger.engine)
    assert "audit_events" in inspect(ledger.engine).get_table_names()


def test_ingest_reconcile_totals_and_review_agree_across_backends(db_url, tmp_path):
    ledger = aidledger.open_ledger(db_url)
    first = ledger.ingest([SAMPLE])
    again = ledger.ingest([SAMPLE])
    assert first.read == 12 and not first.failed and (again.read, again.known) == (0, 12)
    reference = aidledger.open_ledger(f"sqlite:///{tmp_path / 'reference.db'}")
    reference.ingest([SAMPLE])
    assert sorted(e["id"] for e in ledger.entries()) == sorted(e["id"] for e in reference.entries())
    got, expected = ledger.totals("donor", "pledged"), reference.totals("donor", "pledged")
    assert [(t["key"], t["entries"], t["sources"]) for t in got] == \
        [(t["key"], t["entries"], t["sources"]) for t in expected]
    assert [t["total"] for t in got] == pytest.approx([t["total"] for t in expected])  # summation order differs
    assert ledger.reported_totals() == reference.reported_totals()
    target = next(e for e in ledger.entries(kind="money") if e["counts_toward_total"])
    members = [m["id"] for m in ledger.entry(target["id"])["members"]]
    ledger.review("reject", members, reviewer="ana")
    ledger.reconcile()
    assert ledger.entry(target["id"])["rejected"] is True
    assert target["id"] not in {e["id"] for e in ledger.entries(counted_only=True)}


def test_search_index_is_kept_in_step_with_writes(db_url, tmp_path):
    from aidledger.serve.queries import Filters, page

    ledger = aidledger.open_ledger(db_url)
    (tmp_path / "a.txt").write_text("Latvia pledged EUR 9 million for zebracrossing repairs in Ukraine on Monday.\n")
    ledger.ingest([tmp_path / "a.txt"])
    hits = page(ledger.engine, "commitments", Filters(q="zebracrossing"), None, 10).items
    assert hits and {h["donor"] for h in hits} == {"LVA"}
    with ledger.engine.begin() as conn:
        conn.execute(text("DELETE FROM documents"))
    assert page(ledger.engine, "commitments", Filters(q="zebracrossing"), None, 10).items == []
    assert page(ledger.engine, "documents", Filters(q="zebracrossing"), None, 10).items == []
