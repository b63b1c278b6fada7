"""Input limits (page size, parameter and query length, body size, NUL) and what a forced internal error shows.

Each limit is probed at the limit (accepted) and one past it (refused in the service's error shape). Bodies
are refused whether their length is declared or streamed chunked without one, in-process and through a real
uvicorn server on loopback.
"""

from __future__ import annotations

import http.client
import json
import logging
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text

import aidledger
from aidledger.serve import Settings, create_app
from aidledger.serve.auth import create_token
from aidledger.serve.limits import MAX_BODY_BYTES, MAX_PAGE_SIZE, MAX_PARAM_CHARS, MAX_QUERY_CHARS
from aidledger.store.schema import audit_events

SAMPLE = Path(aidledger.__file__).parent / "sample"


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('limits') / 'ledger.db'}"
    ledger = aidledger.open_ledger(url)
    ledger.ingest([SAMPLE])
    token = create_token(ledger.engine, "ana")
    app = create_app(Settings(url=url))
    return TestClient(app, raise_server_exceptions=False), ledger, token, app


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"status", "code", "message", "details"}
    assert body["error"]["status"] == status
    return body["error"]


def audit_count(ledger) -> int:
    with ledger.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(audit_events)).scalar_one()


def test_page_size_is_refused_past_the_maximum_not_clamped(service):
    client, ledger, _, _ = service
    assert len(client.get("/api/entries", params={"limit": MAX_PAGE_SIZE}).json()["items"]) == len(ledger.entries())
    for path in ("/api/entries", "/api/commitments", "/api/documents"):
        error = error_of(client.get(path, params={"limit": MAX_PAGE_SIZE + 1}), 422)
        assert "limit" in error["message"] and str(MAX_PAGE_SIZE) in error["message"]
        error_of(client.get(path, params={"limit": 0}), 422)


@pytest.mark.parametrize("path,name,most", [
    ("/api/entries", "donor", MAX_PARAM_CHARS), ("/api/commitments", "channel", MAX_PARAM_CHARS),
    ("/api/entries", "q", MAX_QUERY_CHARS), ("/api/documents", "q", MAX_QUERY_CHARS),
    ("/api/export/entries.json", "recipient", MAX_PARAM_CHARS), ("/api/reported-totals", "donor", MAX_PARAM_CHARS),
])
def test_parameter_length_is_limited(service, path, name, most):
    client, _, _, _ = service
    assert client.get(path, params={name: "z" * most}).status_code == 200
    error = error_of(client.get(path, params={name: "z" * (most + 1)}), 422)
    assert name in error["message"] and str(most) in error["message"]


def test_cursor_and_id_length_are_limited(service):
    client, _, _, _ = service
    error_of(client.get("/api/entries", params={"cursor": "A" * (MAX_PARAM_CHARS + 1)}), 422)
    error_of(client.get("/api/entries", params={"cursor": "A" * MAX_PARAM_CHARS}), 400)  # fits, but not issued
    error_of(client.get("/api/entries/" + "e" * (MAX_PARAM_CHARS + 1)), 422)
    error_of(client.get("/api/entries/" + "e" * MAX_PARAM_CHARS), 404)


@pytest.mark.parametrize("path", ["/api/entries?donor=JPN%00", "/api/entries/e%00", "/api/documents?q=a%00b",
                                  "/api/totals?by=donor%00"])
def test_nul_in_the_address_is_a_clean_400(service, path):
    client, _, _, _ = service
    assert "NUL" in error_of(client.get(path), 400)["message"]


def review_body(note_bytes: int) -> bytes:
    return json.dumps({"action": "accept", "note": "n" * note_bytes}).encode()


def test_declared_body_over_the_limit_is_refused_before_it_is_read(service):
    client, ledger, token, _ = service
    entry = ledger.entries()[0]["id"]
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    before = audit_count(ledger)
    error = error_of(client.post(f"/api/entries/{entry}/review", content=review_body(MAX_BODY_BYTES), headers=auth),
                     413)
    assert error["code"] == "body_too_large" and str(MAX_BODY_BYTES) in error["message"]
    assert audit_count(ledger) == before
    fits = client.post(f"/api/entries/{entry}/review", content=review_body(MAX_BODY_BYTES - 100), headers=auth)
    assert fits.status_code == 201 and audit_count(ledger) == before + 1
    error_of(client.post(f"/api/entries/{entry}/review", content=b"{}",
                         headers={**auth, "Content-Length": "lots"}), 400)


def test_chunked_body_without_a_length_is_counted_and_refused(service):
    client, ledger, token, _ = service
    entry = ledger.entries()[0]["id"]
    before = audit_count(ledger)
    body = review_body(MAX_BODY_BYTES)
    response = client.post(f"/api/entries/{entry}/review", content=(body[i:i + 4096] for i in range(0, len(body), 4096)),
                           headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    assert "content-length" not in {k.lower() for k in response.request.headers}
    error_of(response, 413)
    assert audit_count(ledger) == before


def test_dashboard_forms_over_the_limit_get_an_error_page(service):
    client, _, _, _ = service
    response = client.post("/login", data={"token": "t" * MAX_BODY_BYTES, "csrf": "x"})
    assert response.status_code == 413 and "<h1>Error 413</h1>" in response.text


def chunked_post(base: str, path: str, chunks: list[bytes], headers: dict) -> tuple[int, dict]:
    """POST with Transfer-Encoding: chunked over a real socket (no Content-Length at all)."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.request("POST", path, body=iter(chunks), headers=headers, encode_chunked=True)
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        conn.close()


def test_real_server_refuses_oversized_chunked_and_declared_bodies(service):
    from liveserver import live_server

    _, ledger, token, app = service
    entry = ledger.entries()[0]["id"]
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    body = review_body(4 * MAX_BODY_BYTES)
    before = audit_count(ledger)
    with live_server(app) as base:
        status, answer = chunked_post(base, f"/api/entries/{entry}/review",
                                      [body[i:i + 8192] for i in range(0, len(body), 8192)], headers)
        assert status == 413 and answer["error"]["code"] == "body_too_large"
        small = review_body(10)
        status, answer = chunked_post(base, f"/api/entries/{entry}/review", [small[:5], small[5:]], headers)
        assert status == 201 and answer["action"] == "accept"
        parts = urlsplit(base)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        conn.request("POST", f"/api/entries/{entry}/review", body=body, headers=headers)
        response = conn.getresponse()
        assert response.status == 413 and json.loads(response.read())["error"]["status"] == 413
        conn.close()
    assert audit_count(ledger) == before + 1


LEAKS = ("Traceback", 'File "/', "SELECT", "FROM ", "reported_totals", "sqlite3", "psycopg", "sqlalchemy",
         "OperationalError", "ProgrammingError", "UndefinedTable", "[SQL:", ".py")


def test_a_forced_internal_error_shows_no_stack_or_sql(db_url, caplog):
    ledger = aidledger.open_ledger(db_url)
    ledger.ingest([SAMPLE / "s02_japan_demining.txt"])
    client = TestClient(create_app(Settings(url=db_url)), raise_server_exceptions=False)
    with ledger.engine.begin() as conn:  # a real failure inside the routes: tables they read are gone
        conn.execute(text("DROP TABLE reported_totals"))
    with caplog.at_level(logging.ERROR, logger="aidledger.serve"):
        api = client.get("/api/reported-totals")
        page = client.get(f"/donors/{ledger.entries()[0]['donor']}")
    error = error_of(api, 500)
    assert error["code"] == "internal_error" and "reference" in error["message"]
    assert page.status_code == 500 and "<h1>Error 500</h1>" in page.text
    for body in (api.text, page.text):
        assert not [marker for marker in LEAKS if marker in body], body
    reference = error["message"].split("reference ")[1].split(")")[0]
    logged = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    assert reference in logged and "reported_totals" in caplog.text  # the details are in the log instead
