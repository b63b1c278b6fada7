"""The JSON API, driven in-process, on a real SQLite file and on a real PostgreSQL server (fixture `db_url`)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, text
from typer.testing import CliRunner

import aidledger
from aidledger.serve import Settings, create_app
from aidledger.serve.auth import create_token

SAMPLE = Path(aidledger.__file__).parent / "sample"


@pytest.fixture
def service(db_url):
    """A service over the shipped sample corpus, a client, and a write token for 'ana'."""
    ledger = aidledger.open_ledger(db_url)
    ledger.ingest([SAMPLE])
    token = create_token(ledger.engine, "ana")
    client = TestClient(create_app(Settings(url=db_url)), raise_server_exceptions=False)
    return client, ledger, token


def everything(client, path: str, limit: int = 3, **params) -> list[dict]:
    """Every item of a paginated list, following next_cursor."""
    items, cursor = [], None
    while True:
        page = client.get(path, params={**params, "limit": limit, **({"cursor": cursor} if cursor else {})}).json()
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items


def test_cursor_pagination_visits_every_entry_once_newest_first(service):
    client, ledger, _ = service
    items = everything(client, "/api/entries", limit=4)
    ids = [e["id"] for e in items]
    assert len(ids) == len(set(ids)) == len(ledger.entries())
    keys = [(e["date"] or "", e["id"]) for e in items]
    assert keys == sorted(keys, reverse=True)


@pytest.mark.parametrize("name,value", [("donor", "JPN"), ("kind", "money"), ("aid_type", "military"),
                                        ("status", "pledged"), ("scope", "new"), ("recipient", "UKR")])
def test_equality_filters(service, name, value):
    client, ledger, _ = service
    got = everything(client, "/api/entries", **{name: value})
    expected = [e for e in ledger.entries() if e[name] == value]
    assert got and {e["id"] for e in got} == {e["id"] for e in expected}


def test_date_range_is_inclusive_at_month_precision(service):
    client, ledger, _ = service
    got = everything(client, "/api/commitments", since="2024-06", until="2024-07")
    expected = [c for c in ledger.commitments() if c["date"] and "2024-06" <= c["date"][:7] <= "2024-07"]
    assert got and {c["id"] for c in got} == {c["id"] for c in expected}


def test_full_text_search_on_evidence_entries_and_documents(service):
    client, ledger, _ = service
    hits = everything(client, "/api/commitments", q="demining")
    assert hits
    for c in hits:
        detail = client.get(f"/api/commitments/{c['id']}").json()
        assert any("demining" in e["sentence"].lower() for e in detail["evidence"])
    entries = everything(client, "/api/entries", q="demining")
    members = {m["id"] for e in entries for m in ledger.entry(e["id"])["members"]}
    assert {c["id"] for c in hits} <= members
    docs = everything(client, "/api/documents", q="Bushmaster")
    assert docs and all("bushmaster" in client.get(f"/api/documents/{d['id']}").json()["text"].lower() for d in docs)
    assert client.get("/api/commitments", params={"q": "zzzunseenword"}).json()["items"] == []


def test_search_index_follows_new_documents(service, tmp_path):
    client, ledger, _ = service
    (tmp_path / "new.txt").write_text("Estonia pledged EUR 12 million for quokkaproof shelters in Ukraine on "
                                      "Monday, the government said.\n", encoding="utf-8")
    assert client.get("/api/documents", params={"q": "quokkaproof"}).json()["items"] == []
    ledger.ingest([tmp_path / "new.txt"])
    assert len(client.get("/api/documents", params={"q": "quokkaproof"}).json()["items"]) == 1


def test_totals_are_the_ledgers_and_never_double_count(service, tmp_path):
    client, ledger, _ = service
    for by in ("donor", "type", "status", "month", "channel", "recipient", "kind"):
        got = client.get("/api/totals", params={"by": by, "threshold": "pledged"}).json()
        assert got == json.loads(json.dumps(ledger.totals(by, "pledged")))
    before = {r["key"]: r["total"] for r in ledger.totals("donor")}
    (tmp_path / "a.txt").write_text("Title\nMarch 4, 2025\nFinland pledged $41 million to Ukraine on Monday.\n")
    (tmp_path / "b.txt").write_text("Other\nMarch 6, 2025\nHelsinki has promised to provide $41 million in aid "
                                    "to Ukraine, officials said.\n")
    ledger.ingest([tmp_path])
    after = {r["key"]: r for r in client.get("/api/totals").json()}
    assert after["FIN"]["total"] == 41e6 and after["FIN"]["entries"] == 1 and after["FIN"]["sources"] == 2
    assert {k: v["total"] for k, v in after.items() if k != "FIN"} == before


def test_reported_totals_series(service):
    client, ledger, _ = service
    got = client.get("/api/reported-totals").json()
    assert got and got == json.loads(json.dumps(ledger.reported_totals()))
    donor = got[0]["donor"]
    assert {p["donor"] for p in client.get("/api/reported-totals", params={"donor": donor}).json()} == {donor}


def test_entry_sources_carry_exact_evidence_spans(service):
    client, ledger, _ = service
    entry = max(ledger.entries(), key=lambda e: e["sources"])
    detail = client.get(f"/api/entries/{entry['id']}").json()
    assert len(detail["members"]) >= 2
    for member in detail["members"]:
        body = client.get(f"/api/documents/{member['document_id']}").json()["text"]
        for ev in member["evidence"]:
            assert body[ev["start"]:ev["end"]] == ev["sentence"]
            if ev["amount_start"] is not None:
                assert ev["start"] <= ev["amount_start"] < ev["amount_end"] <= ev["end"]


def test_bulk_export_is_complete_and_streamed_page_by_page(service):
    client, ledger, _ = service
    rows = list(csv.DictReader(io.StringIO(client.get("/api/export/entries.csv").text)))
    assert sorted(r["id"] for r in rows) == sorted(e["id"] for e in ledger.entries())
    as_json = client.get("/api/export/commitments.json", params={"donor": "JPN"}).json()
    assert sorted(c["id"] for c in as_json) == sorted(c["id"] for c in ledger.commitments(donor="JPN"))
    # Streaming: the first bytes leave before the later pages are read from the database.
    pages = []
    listener = lambda *args: pages.append(args[2]) if "FROM entries" in args[2] else None  # noqa: E731
    event.listen(client.app.state.ledger.engine, "before_cursor_execute", listener)
    try:
        from aidledger.serve import queries
        stream = queries.iter_rows(client.app.state.ledger.engine, "entries", queries.Filters(), chunk=5)
        next(stream)
        assert len(pages) == 1
        assert len(list(stream)) == len(ledger.entries()) - 1
        # each page reads one row past its end to know whether another follows: no trailing empty page
        assert len(pages) == -(-len(ledger.entries()) // 5)
    finally:
        event.remove(client.app.state.ledger.engine, "before_cursor_execute", listener)


def assert_error(response, status: int) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"status", "code", "message", "details"}
    assert body["error"]["status"] == status and body["error"]["message"]
    return body["error"]


@pytest.mark.parametrize("method,path,status", [
    ("get", "/api/nothing-here", 404), ("get", "/api/entries/e000000000000", 404),
    ("get", "/api/commitments/ffffffffffffffff", 404), ("get", "/api/documents/nope", 404),
    ("get", "/api/entries/e000000000000/audit", 404), ("get", "/api/entries?limit=0", 422),
    ("get", "/api/entries?since=2024-02-30", 400), ("get", "/api/entries?until=20x4", 422),
    ("get", "/api/entries?cursor=notacursor", 400), ("get", "/api/totals?by=colour", 422),
    ("get", "/api/totals?threshold=dreamt", 422), ("get", "/api/export/entries.xml", 422),
    ("get", "/api/export/people.csv", 404), ("get", "/api/entries?doner=JPN", 400), ("delete", "/api/entries", 405),
    ("post", "/api/entries/e000000000000/review", 401),
])
def test_one_error_shape_for_every_error(service, method, path, status):
    client, _, _ = service
    assert_error(getattr(client, method)(path), status)


def test_errors_of_writes_and_of_bugs_have_the_same_shape(service):
    client, ledger, token = service
    entry = ledger.entries()[0]["id"]
    auth = {"Authorization": f"Bearer {token}"}
    assert_error(client.post(f"/api/entries/{entry}/review", json={"action": "edit"},
                             headers={"Authorization": "Bearer wrong"}), 401)
    assert_error(client.post(f"/api/entries/{entry}/review", json={"action": "explode"}, headers=auth), 422)
    assert_error(client.post(f"/api/entries/{entry}/review", json={"action": "edit", "values": {"donor": "X"}},
                             headers=auth), 400)
    assert_error(client.post(f"/api/entries/{entry}/review", content="{not json", headers=auth), 422)
    with ledger.engine.begin() as conn:  # a real failure inside a route: the table it reads is gone
        conn.execute(text("DROP TABLE reported_totals"))
    error = assert_error(client.get("/api/reported-totals"), 500)
    assert error["code"] == "internal_error"


def test_reads_can_require_a_token(db_url):
    ledger = aidledger.open_ledger(db_url)
    token = create_token(ledger.engine, "ana")
    client = TestClient(create_app(Settings(url=db_url, public_reads=False)), raise_server_exceptions=False)
    assert_error(client.get("/api/entries"), 401)
    assert client.get("/api/entries", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def review(client, token, entry_id, **body):
    response = client.post(f"/api/entries/{entry_id}/review", json=body, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201, response.text
    return response.json()


def test_review_edit_reject_accept_are_audited_and_survive_reconciliation(service):
    client, ledger, token = service
    entry = next(e for e in ledger.entries(kind="money") if e["counts_toward_total"] and e["currency"] == "USD")
    event = review(client, token, entry["id"], action="edit", values={"amount": 123456789, "status": "disbursed"},
                   note="ministry figure")
    assert (event["actor"], event["action"], event["note"]) == ("ana", "edit", "ministry figure")
    assert event["before"][0]["amount"] == entry["amount"] and event["after"][0]["amount"] == 123456789
    assert client.get(f"/api/entries/{entry['id']}").json()["status"] == "disbursed"
    review(client, token, entry["id"], action="reject")
    assert entry["id"] not in {e["id"] for e in everything(client, "/api/entries", counted=True)}
    review(client, token, entry["id"], action="accept")
    ledger.reconcile()  # decisions are keyed on commitment ids: a full rebuild keeps them
    again = client.get(f"/api/entries/{entry['id']}").json()
    assert (again["amount"], again["status"], again["rejected"]) == (123456789, "disbursed", False)
    trail = client.get(f"/api/entries/{entry['id']}/audit").json()
    assert [e["action"] for e in trail] == ["edit", "reject", "accept"]
    assert all(e["actor"] == "ana" and e["at"] for e in trail)


def test_review_merge_and_split(service):
    client, ledger, token = service
    by_donor: dict = {}
    for e in ledger.entries(kind="money"):
        by_donor.setdefault(e["donor"], []).append(e)
    a, b = next(group for group in by_donor.values() if len(group) >= 2)[:2]
    merged = review(client, token, a["id"], action="merge", other_entry_id=b["id"])
    assert client.get(f"/api/entries/{b['id']}").status_code == 404
    members = client.get(f"/api/entries/{a['id']}").json()["members"]
    assert len(members) == a["mentions"] + b["mentions"]
    moved = next(m["id"] for m in members if m["reason"] == "merged by a reviewer")
    review(client, token, a["id"], action="split", commitment_id=moved)
    assert len(client.get(f"/api/entries/{a['id']}").json()["members"]) == a["mentions"]
    trail = client.get(f"/api/entries/{a['id']}/audit").json()
    assert [e["action"] for e in trail] == ["merge", "split"] and trail[0]["id"] == merged["id"]


def test_token_cli_prints_once_and_stores_only_a_hash(db_url):
    from aidledger.cli import app

    result = CliRunner().invoke(app, ["token", "create", "bea", "--db", db_url])
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    ledger = aidledger.open_ledger(db_url)
    with ledger.engine.connect() as conn:
        stored = conn.execute(text("SELECT name, token_hash FROM api_tokens")).all()
    assert [r.name for r in stored] == ["bea"] and token not in stored[0].token_hash
    again = CliRunner().invoke(app, ["token", "create", "bea", "--db", db_url])
    assert again.exit_code == 1 and "already exists" in again.output
    assert "bea" in CliRunner().invoke(app, ["token", "list", "--db", db_url]).output
    assert CliRunner().invoke(app, ["token", "revoke", "bea", "--db", db_url]).exit_code == 0
    client = TestClient(create_app(Settings(url=db_url)), raise_server_exceptions=False)
    assert_error(client.post("/api/entries/x/review", json={"action": "accept"},
                             headers={"Authorization": f"Bearer {token}"}), 401)


def test_api_docs_are_served_from_the_package(service):
    client, _, _ = service
    page = client.get("/docs").text
    assert "/api-assets/swagger-ui-bundle.js" in page and "cdn" not in page.lower()
    assert client.get("/api-assets/swagger-ui-bundle.js").status_code == 200
    assert "/api-assets/redoc.standalone.js" in client.get("/redoc").text
    spec = client.get("/openapi.json").json()
    assert {"/api/entries", "/api/totals", "/api/export/entries.{fmt}",
            "/api/export/documents.{fmt}"} <= set(spec["paths"])
