"""The store on a real SQLite file: migrations, idempotent ingest, one transaction per document."""

import pytest
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


def test_a_review_whose_rebuild_fails_leaves_no_decision_behind(tmp_path, monkeypatch):
    """A decision stands only with its rebuild: a failure leaves neither, so nothing escapes the audit trail."""
    from aidledger.store import rebuild as rebuild_module

    path = article(tmp_path, "a.txt", "Norway pledged NOK 500 million in humanitarian aid to Ukraine on Tuesday.\n")
    ledger = open_ledger(f"sqlite:///{tmp_path / 'a.db'}")
    ledger.ingest([path])
    [c] = ledger.commitments()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(rebuild_module, "_rebuild_donor", broken)
    with pytest.raises(RuntimeError):
        ledger.review("reject", [c["id"]], reviewer="ana")
    monkeypatch.undo()
    with ledger.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM decisions")).scalar() == 0
    ledger.reconcile()
    assert ledger.entries()[0]["rejected"] is False
    assert ledger.review("reject", [c["id"]], reviewer="ana") > 0
    assert ledger.entries()[0]["rejected"] is True


def _docs(tmp_path, n):
    folder = tmp_path / "docs"
    folder.mkdir()
    for i in range(n):
        article(folder, f"a{i:03d}.txt", f"Headline {i}\nMarch {1 + i % 27}, 2024\nJapan will provide ${i + 1} million "
                                         f"to Ukraine, Tokyo said on Monday. Canada will send {i + 2} generators.\n")
    return folder


def test_a_bad_document_in_a_batch_fails_alone_and_whole(tmp_path):
    folder = _docs(tmp_path, 30)
    ledger = open_ledger(f"sqlite:///{tmp_path / 'a.db'}")
    with ledger.engine.begin() as conn:  # sabotage one document's evidence, after its commitments went in
        conn.execute(text("CREATE TRIGGER no_evidence BEFORE INSERT ON evidence WHEN NEW.sentence LIKE '%$17 million%' "
                          "BEGIN SELECT RAISE(ABORT, 'disk full'); END"))
    report = ledger.ingest([folder])
    assert (report.read, report.known) == (29, 0)
    assert [source for source, _ in report.failed] == [str(folder / "a016.txt")]
    with ledger.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM documents")).scalar() == 29
        assert conn.execute(text("SELECT count(*) FROM documents WHERE source LIKE '%a016.txt'")).scalar() == 0
        per_doc = {r[0] for r in conn.execute(text("SELECT count(*) FROM commitments GROUP BY document_id"))}
        assert per_doc == {2}  # every stored document has all of its commitments
        orphans = text("SELECT count(*) FROM commitments c LEFT JOIN documents d ON d.id = c.document_id "
                       "WHERE d.id IS NULL")
        assert conn.execute(orphans).scalar() == 0
    assert ledger.entries()  # the batch was reconciled


def test_ingest_writes_many_documents_per_transaction_and_repeats_are_known(tmp_path, monkeypatch):
    from sqlalchemy import event

    from aidledger.store import ledger as store

    monkeypatch.setattr(store, "BATCH_DOCUMENTS", 10)
    folder = _docs(tmp_path, 25)
    article(folder, "a003b.txt", (folder / "a003.txt").read_text("utf-8"))  # same content, same batch
    ledger = open_ledger(f"sqlite:///{tmp_path / 'a.db'}")
    inserts = []
    event.listen(ledger.engine, "before_execute",
                 lambda conn, clause, *args: inserts.append(clause) if getattr(clause, "table", None) is not None
                 and clause.table.name == "documents" and clause.is_insert else None)
    report = ledger.ingest([folder])
    assert (report.read, report.known, report.failed) == (25, 1, [])
    assert len(inserts) == 3  # 26 documents, 10 a transaction
    again = ledger.ingest([folder])
    assert (again.read, again.known) == (0, 26)
