"""The store on a real SQLite file: migrations, idempotent ingest, one transaction per document."""

from sqlalchemy import inspect, text

from aidledger import open_ledger
from aidledger.store.schema import metadata


def article(tmp_path, name, body):
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def test_migrations_create_exactly_the_schema(tmp_path):
    ledger = open_ledger(f"sqlite:///{tmp_path / 'a.db'}")
    tables = set(inspect(ledger.engine).get_table_names()) - {"alembic_version"}
    assert tables == set(metadata.tables)
    for name, table in metadata.tables.items():
        columns = {c["name"] for c in inspect(ledger.engine).get_columns(name)}
        assert columns == {c.name for c in table.columns}, name


def test_same_content_twice_is_a_no_op(tmp_path):
    body = "Germany will send 10 generators to Ukraine, Berlin said on Monday.\n"
    a = article(tmp_path, "a.txt", body)
    b = article(tmp_path, "b.txt", body)
    ledger = open_ledger(f"sqlite:///{tmp_path / 'a.db'}")
    first = ledger.ingest([a])
    second = ledger.ingest([b])
    assert (first.read, second.read, second.known) == (1, 0, 1)
    assert len(ledger.commitments()) == 1


def test_reconciles_across_documents_on_ingest(tmp_path):
    one = article(tmp_path, "one.txt", "Title one\nBy A\nMarch 4, 2024\nJapan pledged $37 million to Ukraine on "
                                       "Monday, the foreign ministry said.\n")
    two = article(tmp_path, "two.txt", "Title two\nBy B\nMarch 6, 2024\nTokyo has promised to provide $37 million "
                                       "in aid to Ukraine, officials said.\n")
    ledger = open_ledger(f"sqlite:///{tmp_path / 'a.db'}")
    ledger.ingest([one, two])
    [entry] = ledger.entries(kind="money")
    assert entry["sources"] == 2
    detail = ledger.entry(entry["id"])
    assert len(detail["members"]) == 2
    assert ledger.totals()[0]["total"] == 37e6


def test_failed_write_leaves_no_partial_document(tmp_path):
    ledger = open_ledger(f"sqlite:///{tmp_path / 'a.db'}")
    path = article(tmp_path, "a.txt", "Canada will give C$20 million to Ukraine, Ottawa said on Friday.\n")
    with ledger.engine.begin() as conn:  # sabotage: evidence rows cannot be written
        conn.execute(text("CREATE TRIGGER no_evidence BEFORE INSERT ON evidence BEGIN "
                          "SELECT RAISE(ABORT, 'disk full'); END"))
    report = ledger.ingest([path])
    assert report.read == 0 and len(report.failed) == 1
    with ledger.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM documents")).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM commitments")).scalar() == 0


def test_review_decisions_survive_reconciliation(tmp_path):
    path = article(tmp_path, "a.txt", "Norway pledged NOK 500 million in humanitarian aid to Ukraine on Tuesday.\n")
    ledger = open_ledger(f"sqlite:///{tmp_path / 'a.db'}")
    ledger.ingest([path])
    [c] = ledger.commitments()
    ledger.review("reject", [c["id"]], reviewer="ana")
    ledger.reconcile()
    assert ledger.entries()[0]["rejected"] is True
    assert ledger.totals() == []
