"""The service's fast paths answer what the slow ones did: list pages written without re-validation, full-text
search (entries through per-word postings in ledger order; commitments, and words the postings do not hold,
by listing the matches or walking the ledger in page order, whichever is cheaper), and `aidledger serve
--workers N`."""

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
from sqlalchemy import text
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


# Every way of reading a search page must give the same pages: entries through the postings (a term's entries in
# page order), or, as commitments always are, through the evidence's full-text index, listing the matches or
# walking the page index (each forced here, and left to choose)
MODES = {"postings": {}, "listed": {"_entry_terms": lambda *_: None, "list_limit": lambda *_: 10 ** 6},
         "walked": {"_entry_terms": lambda *_: None, "list_limit": lambda *_: 0}}


def _read_search(monkeypatch, mode: str) -> None:
    from aidledger.serve import queries

    for name, replacement in MODES[mode].items():
        monkeypatch.setattr(queries, name, replacement)


# "the": in most entries' sentences (the benchmark's "pledged"); several words: one sentence must hold them all
QUERIES = ("the", "THE and", "million", "Ukraine million", "to the", "military aid", "demining", "zzzunseen")


def _commitment_sentences(ledger) -> dict[str, list[set[str]]]:
    """Brute force: commitment id -> the words of each of its evidence sentences, lower-cased."""
    return {c["id"]: [{w.lower() for w in re.findall(r"\w+", e["sentence"])}
                      for e in ledger.commitment(c["id"])["evidence"]] for c in ledger.commitments()}


def _newest_first(rows: list[dict]) -> bool:
    return [r["id"] for r in rows] == [r["id"] for r in sorted(
        rows, key=lambda r: (r["date"] or "", r["id"]), reverse=True)]


@pytest.mark.parametrize("mode", sorted(MODES))
def test_search_pages_list_or_walk_to_the_same_answer_as_brute_force(service, monkeypatch, mode):
    """Every page of every query, followed through the cursor two or three rows at a time, on entries and on
    commitments: each matching row once, newest first, nothing else."""
    client, ledger = service
    _read_search(monkeypatch, mode)
    brute = {"entries": _sentences(ledger), "commitments": _commitment_sentences(ledger)}
    assert len(_matching(brute["entries"], "the")) > len(brute["entries"]) / 2  # a word in most of them
    for resource, sentences in brute.items():
        for query in QUERIES:
            for limit in (2, 3):
                found = everything(client, f"/api/{resource}", limit=limit, q=query)
                assert _newest_first(found), (resource, query)
                assert sorted(r["id"] for r in found) == sorted(_matching(sentences, query)), (resource, query)


def test_search_walks_when_far_more_rows_match_than_estimated(service, monkeypatch):
    """PostgreSQL decides from its statistics; stale ones (a large ingest not yet analysed) must not cost the
    answer, only the time: past a guard on the listed ids the page index is walked."""
    from aidledger.serve import queries

    client, ledger = service
    expected = everything(client, "/api/commitments", limit=4, q="the")
    monkeypatch.setattr(queries, "list_limit", lambda *_: 1)
    monkeypatch.setattr(queries, "_estimated_rows", lambda *_: 0)
    assert everything(client, "/api/commitments", limit=4, q="the") == expected
    assert {c["id"] for c in expected} == _matching(_commitment_sentences(ledger), "the")


def test_postings_hold_each_entrys_words_as_the_full_text_index_reads_them(service):
    """Each entry is in the postings of exactly the terms of its evidence sentences, as the backend's full-text
    search reads them (PostgreSQL: to_tsvector's lexemes; SQLite: FTS5's tokens, ASCII ones only, the others
    being left to FTS5), under its page sort key and its donor: after ingest, after a rebuild of the whole
    ledger (which rewrites nothing that did not change) and after a donor's only document is gone."""
    from aidledger.serve.queries import _entry_terms

    _, ledger = service
    with ledger.engine.connect() as conn:
        assert _entry_terms(conn, ["Japan", "s"]) == ["japan", "s"]
        if ledger.engine.dialect.name == "sqlite":
            assert _entry_terms(conn, ["Kyïv"]) is None
    assert _postings(ledger) == _expected_postings(ledger)
    ledger.reconcile()
    assert _postings(ledger) == _expected_postings(ledger)
    gone = next(e for e in ledger.entries() if e["donor"] == "KOR")  # one report, one document
    with ledger.engine.begin() as conn:
        conn.execute(text("DELETE FROM documents WHERE id = :d"), {"d": ledger.entry(gone["id"])["members"][0][
            "document_id"]})
    ledger.reconcile()
    assert "KOR" not in {p[3] for p in _postings(ledger)} and _postings(ledger) == _expected_postings(ledger)


def _postings(ledger) -> set[tuple]:
    with ledger.engine.connect() as conn:
        return {tuple(r) for r in conn.execute(text("SELECT term, day, entry_id, donor FROM entry_terms"))}


def _expected_postings(ledger) -> set[tuple]:
    with ledger.engine.connect() as conn:
        if ledger.engine.dialect.name == "sqlite":
            def terms(sentence):
                return {w.lower() for w in re.findall(r"[^\W_]+", sentence) if w.isascii()}
        else:
            def terms(sentence):
                return set(conn.execute(text("SELECT tsvector_to_array(to_tsvector('simple', :s))"),
                                        {"s": sentence}).scalar())
        return {(t, e["date"] or "", e["id"], e["donor"]) for e in ledger.entries()
                for m in ledger.entry(e["id"])["members"] for ev in m["evidence"] for t in terms(ev["sentence"])}


@pytest.mark.parametrize("mode", sorted(MODES))
def test_search_follows_reviews_and_new_reports(service, tmp_path, monkeypatch, mode):
    """The postings follow the entries: a merge, a split and an ingest that rebuilds a donor leave every query
    answering as brute force does, however a page is read."""
    from aidledger.serve.review import review_entry

    client, ledger = service
    _read_search(monkeypatch, mode)
    a, b = ledger.entries(donor="CAN", kind="money")[:2]
    review_entry(ledger, a["id"], "merge", "ana", other_entry_id=b["id"])
    moved = next(m["id"] for m in ledger.entry(a["id"])["members"] if m["reason"] == "merged by a reviewer")
    review_entry(ledger, a["id"], "split", "ana", commitment_id=moved)
    (tmp_path / "new.txt").write_text("Canada pledged CAD 5 million for zebracrossing repairs in Ukraine on Monday.\n")
    ledger.ingest([tmp_path / "new.txt"])  # rebuilds Canada's entries
    sentences = _sentences(ledger)
    assert _matching(sentences, "zebracrossing")
    for query in ("zebracrossing", "the", "million Ukraine"):
        assert {e["id"] for e in everything(client, "/api/entries", limit=3, q=query)} == \
            _matching(sentences, query), query


@pytest.mark.parametrize("mode", sorted(MODES))
def test_search_combines_with_filters_and_pages_through_the_cursor(service, monkeypatch, mode):
    client, ledger = service
    _read_search(monkeypatch, mode)
    rows = {e["id"]: e for e in ledger.entries()}
    for query in ("million", "the"):
        hits = _matching(_sentences(ledger), query)
        for donor in sorted({e["donor"] for e in rows.values() if e["donor"]}):
            wanted = {eid for eid in hits if rows[eid]["donor"] == donor}
            found = everything(client, "/api/entries", limit=2, q=query, donor=donor, since="2022")
            assert {e["id"] for e in found} == {eid for eid in wanted if (rows[eid]["date"] or "") >= "2022"}


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
