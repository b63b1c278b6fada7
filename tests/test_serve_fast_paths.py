"""The service's fast paths answer what the slow ones did: list pages written without re-validation, full-text
search in one statement on SQLite, and `aidledger serve --workers N`."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pgserver import free_port
from test_serve_api import everything

import aidledger
from aidledger.errors import ConfigurationError
from aidledger.serve import Settings, create_app, models
from aidledger.serve.app import SETTINGS_ENV, app_from_environment, worker_environment
from aidledger.serve.auth import create_token

SAMPLE = Path(aidledger.__file__).parent / "sample"
MODELS = {"entries": models.Entry, "commitments": models.Commitment, "documents": models.Document}


@pytest.fixture
def service(db_url):
    ledger = aidledger.open_ledger(db_url)
    ledger.ingest([SAMPLE])
    return TestClient(create_app(Settings(url=db_url)), raise_server_exceptions=False), ledger


@pytest.mark.parametrize("resource", sorted(MODELS))
def test_list_pages_are_exactly_what_their_declared_model_gives(service, resource):
    """Pages are written straight from the rows; the model in the OpenAPI spec must still describe them to the
    letter: the same keys in the same order, the same types, nothing dropped or coerced."""
    client, _ = service
    response = client.get(f"/api/{resource}", params={"limit": 500})
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["items"]
    model = models.Page[MODELS[resource]]
    assert model.model_validate(body).model_dump(mode="json") == body
    assert [list(item) for item in body["items"]] == [list(MODELS[resource].model_fields)] * len(body["items"])
    if resource == "entries":  # stored as JSON text, served as lists
        assert all(isinstance(e["stage_history"], list) and isinstance(e["conflicts"], list) for e in body["items"])
        assert any(e["stage_history"] for e in body["items"])


def _sentences(ledger) -> dict[str, list[set[str]]]:
    """Brute force: entry id -> the words of each of its members' evidence sentences, lower-cased."""
    return {entry["id"]: [{w.lower() for w in re.findall(r"\w+", e["sentence"])}
                          for m in ledger.entry(entry["id"])["members"] for e in m["evidence"]]
            for entry in ledger.entries()}


def _matching(sentences: dict[str, list[set[str]]], query: str) -> set[str]:
    """Entries with a sentence holding every word of `query`."""
    words = {w.lower() for w in query.split()}
    return {eid for eid, each in sentences.items() if any(words <= have for have in each)}


def test_full_text_search_finds_exactly_the_entries_whose_evidence_holds_every_word(service):
    client, ledger = service
    sentences = _sentences(ledger)
    for query in ("demining", "million", "Japan", "military aid", "JAPAN million", "zzzunseen"):
        wanted = _matching(sentences, query)
        found = everything(client, "/api/entries", limit=3, q=query)
        assert [e["id"] for e in found] == [e["id"] for e in sorted(
            found, key=lambda e: (e["date"] or "", e["id"]), reverse=True)], query  # newest first, as any page
        assert {e["id"] for e in found} == wanted, query
        assert len(found) == len(wanted), query  # each entry once, however many of its members match
    assert _matching(sentences, "million") and _matching(sentences, "military aid")  # the check checks something


def test_search_answers_the_same_when_too_many_rows_match_to_list_their_ids(service, monkeypatch):
    """Past SEARCH_IDS matches PostgreSQL keeps the search a subquery and walks the page index instead."""
    from aidledger.serve import queries

    client, ledger = service
    listed = everything(client, "/api/entries", limit=4, q="million")
    monkeypatch.setattr(queries, "SEARCH_IDS", 1)
    assert everything(client, "/api/entries", limit=4, q="million") == listed
    assert {e["id"] for e in listed} == _matching(_sentences(ledger), "million")


def test_search_combines_with_filters_and_pages_through_the_cursor(service):
    client, ledger = service
    hits = _matching(_sentences(ledger), "million")
    rows = {e["id"]: e for e in ledger.entries()}
    for donor in sorted({e["donor"] for e in rows.values() if e["donor"]}):
        wanted = {eid for eid in hits if rows[eid]["donor"] == donor}
        assert {e["id"] for e in everything(client, "/api/entries", limit=2, q="million", donor=donor)} == wanted


# ---------------------------------------------------------------- aidledger serve --workers


def test_workers_share_one_signing_key(db_url, monkeypatch):
    """A session signed by one worker is valid in another: every worker's app reads the same key."""
    ledger = aidledger.open_ledger(db_url)
    ledger.ingest([SAMPLE])
    token = create_token(ledger.engine, "ana")
    monkeypatch.delenv("AIDLEDGER_SECRET", raising=False)
    for key, value in worker_environment(Settings(url=db_url, public_reads=False)).items():
        monkeypatch.setenv(key, value)
    one, other = (TestClient(app_from_environment(), raise_server_exceptions=False) for _ in range(2))
    assert one.get("/api/entries").status_code == 401  # --private came through
    csrf = re.search(r'name="csrf" value="([^"]+)"', one.get("/login").text).group(1)
    assert one.post("/login", data={"token": token, "csrf": csrf}, follow_redirects=False).status_code == 303
    other.cookies = one.cookies
    assert other.get("/api/entries").status_code == 200


def test_workers_keep_a_configured_signing_key(monkeypatch):
    monkeypatch.setenv("AIDLEDGER_SECRET", "configured")
    assert worker_environment(Settings(url="sqlite:///x.db"))["AIDLEDGER_SECRET"] == "configured"


def test_a_worker_without_its_settings_says_how_to_start_it(monkeypatch):
    monkeypatch.delenv(SETTINGS_ENV, raising=False)
    with pytest.raises(ConfigurationError, match="--workers"):
        app_from_environment()


def test_serve_with_two_workers_answers_like_one_process(tmp_path):
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    aidledger.open_ledger(url).ingest([SAMPLE])
    expected = TestClient(create_app(Settings(url=url))).get("/api/entries", params={"q": "million"}).json()
    port = free_port()
    proc = subprocess.Popen([str(Path(sys.executable).parent / "aidledger"), "serve", "--db", url, "--port",
                             str(port), "--workers", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={k: v for k, v in os.environ.items() if k != "AIDLEDGER_SECRET"})
    try:
        answers = [_get(port, "/api/entries?q=million") for _ in range(6)]  # a new connection each
        assert all(status == 200 and body == expected for status, body in answers)
        assert _get(port, "/api/entries?donr=JPN")[1]["error"]["status"] == 400  # the one error shape
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    assert proc.returncode == 0, proc.stderr.read().decode()[-2000:]


def _get(port: int, path: str, wait: float = 60) -> tuple[int, dict]:
    deadline = time.time() + wait
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", path)
            response = conn.getresponse()
            return response.status, json.loads(response.read())
        except OSError:
            if time.time() > deadline:
                raise
            time.sleep(0.2)


def test_serve_documents_workers():
    from typer.testing import CliRunner

    from aidledger.cli import app

    result = CliRunner().invoke(app, ["serve", "--help"], env={"COLUMNS": "200"})
    assert "--workers" in result.output
