"""SQL injection payloads in every filter of every list, search, totals and export route, on SQLite and PostgreSQL.

Each payload goes into one parameter at a time. A response is either the service's error shape (400/404/422)
or rows that the filter really selects: an equality filter only returns rows holding exactly the payload (so
none), a full-text query only rows whose evidence holds every word of it, the same rows as the bare words
would give. No body ever carries a stack trace or SQL, and after every route the database has the same tables
with the same row counts.
"""

from __future__ import annotations

import csv
import functools
import io
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, inspect, select, table

import aidledger
from aidledger.serve import Settings, create_app
from aidledger.serve.auth import create_token
from aidledger.serve.limits import MAX_PARAM_CHARS, MAX_QUERY_CHARS
from aidledger.serve.queries import WORD

SAMPLE = Path(aidledger.__file__).parent / "sample"

PAYLOADS = [
    # quote breaking and comments
    "'", '"', "\\", "JPN'--", "JPN' /*", "JPN\\'; --", "`", "')", "%", "_",
    # boolean tautologies
    "' OR '1'='1", "' OR 1=1 --", '" OR ""="', "') OR ('a'='a", "JPN' OR donor LIKE '%", "1 OR 1=1",
    # UNION and stacked statements
    "' UNION SELECT name, sql FROM sqlite_master --",
    "' UNION SELECT NULL, table_name FROM information_schema.tables --",
    "'; DROP TABLE entries; --", "1; DROP TABLE documents", "JPN'; DELETE FROM commitments WHERE '1'='1",
    "'; SELECT pg_sleep(5); --", "'; ATTACH DATABASE '/tmp/x.db' AS x; --",
    # FTS5 query syntax
    '"demining', "NEAR(demining japan)", "demin*", "*", "demining OR NOT japan", "^japan", "evidence_fts:demining",
    "{sentence}: japan", "(", "AND",
    # PostgreSQL tsquery syntax
    "demining & !japan", "demining:*", "!!", "japan <-> ukraine", "a | b", "''::regconfig",
    # NUL bytes, odd characters and length
    "\x00", "JPN\x00' OR 1=1 --", "\u202e\ufeffJPN", "x" * MAX_PARAM_CHARS, "' OR 1=1 -- " * 400,
]
LEAKS = ("Traceback", 'File "/', "sqlite3", "psycopg", "sqlalchemy", "OperationalError", "ProgrammingError",
         "DataError", "IntegrityError", "syntax error", "[SQL:", "[parameters:")
EQUALS = ("donor", "recipient", "kind", "aid_type", "status", "scope", "channel")
REFUSED_ONLY = ("since", "until", "counted", "cursor", "limit")  # formats no payload above fits
EXPORT_FILTERS = (*EQUALS, "since", "until", "q", "counted")


def _targets() -> list[tuple[str, str, str]]:
    """(path, parameter, how its answer is judged) for every filter the service has."""
    out = []
    for resource in ("entries", "commitments"):
        out += [(f"/api/{resource}", name, "equals") for name in EQUALS]
        out += [(f"/api/{resource}", "q", "search")]
        out += [(f"/api/{resource}", name, "refused") for name in REFUSED_ONLY]
    out += [("/api/documents", "q", "search")] + [("/api/documents", n, "refused") for n in REFUSED_ONLY
                                                   if n != "counted"]
    out += [("/api/totals", "by", "refused"), ("/api/totals", "threshold", "refused"),
            ("/api/reported-totals", "donor", "equals")]
    for resource in ("entries", "commitments", "documents"):
        # documents take no equality filter: one is refused (400), like any parameter a route does not declare
        for name in EXPORT_FILTERS:
            judged = ("search" if name == "q" else "equals" if name in EQUALS and resource != "documents"
                      else "refused")
            out.append((f"/api/export/{resource}.json", name, judged))
        # CSV differs from JSON only in how rows are written: one filter of each kind is enough there.
        out += [(f"/api/export/{resource}.csv", "q", "search"), (f"/api/export/{resource}.csv", "donor",
                                                                 "equals" if resource != "documents" else "refused")]
    out += [(path, "{id}", "missing") for path in ("/api/entries/{id}", "/api/entries/{id}/audit",
                                                   "/api/commitments/{id}", "/api/documents/{id}")]
    out += [("/ledger", name, "page") for name in (*EQUALS, "since", "until", "q", "counted", "cursor")]
    out += [("/donors/{id}", "{id}", "page")]
    return out


TARGETS = _targets()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def service(request, tmp_path_factory):
    """The sample corpus on a real SQLite file or a real PostgreSQL database, and a client of the service."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('sql') / 'ledger.db'}"
    else:
        url = request.getfixturevalue("pg_server").new_database()
    ledger = aidledger.open_ledger(url)
    ledger.ingest([SAMPLE])
    create_token(ledger.engine, "ana")
    client = TestClient(create_app(Settings(url=url)), raise_server_exceptions=False)
    return client, ledger


CACHES = {"ledger_cache"}  # reads fill it (computed totals): its row count may change, its presence may not


def snapshot(ledger) -> dict[str, int | None]:
    """Every table of the database with its row count (caches: present, count not compared)."""
    with ledger.engine.connect() as conn:
        return {name: None if name in CACHES else conn.execute(select(func.count()).select_from(table(name))
                                                               ).scalar_one()
                for name in sorted(inspect(conn).get_table_names())}


def send(client, path: str, name: str, payload: str):
    if name == "{id}":
        return client.get(path.replace("{id}", quote(payload, safe="")))
    return client.get(path, params={name: payload})


@pytest.mark.parametrize("path,name,judged", TARGETS, ids=[f"{p}?{n}" for p, n, _ in TARGETS])
def test_payloads_never_break_or_widen_a_filter(service, path, name, judged):
    client, ledger = service
    tables = snapshot(ledger)
    problems = []
    for payload in PAYLOADS:
        response = send(client, path, name, payload)
        problem = judge(ledger, client, path, name, judged, payload, response)
        if problem:
            problems.append(f"{payload[:60]!r}: {problem}")
    assert not problems, "\n".join(problems)
    assert snapshot(ledger) == tables


def judge(ledger, client, path, name, judged, payload, response) -> str | None:
    """What is wrong with the response to `payload` in `name`, or None."""
    body = response.text
    leaked = [marker for marker in LEAKS if marker in body]
    if leaked:
        return f"body leaks {leaked}: {body[:300]}"
    status = response.status_code
    if status >= 500:
        return f"status {status}: {body[:300]}"
    allowed = {"equals": {200, 400, 422}, "search": {200, 400, 422}, "refused": {400, 422},
               "missing": {400, 404, 422}, "page": {200, 400, 404, 422}}[judged]
    if status not in allowed:
        return f"status {status} (expected one of {sorted(allowed)}): {body[:200]}"
    if judged == "page":
        return None if status == 200 or f"<h1>Error {status}</h1>" in body else f"no error page: {body[:200]}"
    if status != 200:
        return error_shape_problem(response)
    if too_long(name, payload) or "\x00" in payload:
        return f"accepted a value the limits refuse ({len(payload)} characters)"
    rows = rows_of(path, response)
    if judged == "equals":
        wrong = [r for r in rows if str(r[name]) != payload]
        return f"{len(wrong)} row(s) whose {name} is not the payload" if wrong else None
    return search_problem(ledger, client, path, payload, rows)


def too_long(name: str, payload: str) -> bool:
    return len(payload) > (MAX_QUERY_CHARS if name == "q" else MAX_PARAM_CHARS)


def error_shape_problem(response) -> str | None:
    body = response.json()
    if set(body) != {"error"} or set(body["error"]) != {"status", "code", "message", "details"}:
        return f"not the error shape: {body}"
    return None if body["error"]["status"] == response.status_code else f"status mismatch: {body}"


def rows_of(path: str, response) -> list[dict]:
    if path.endswith(".csv"):
        return list(csv.DictReader(io.StringIO(response.text)))
    body = response.json()
    return body["items"] if isinstance(body, dict) else body


def search_problem(ledger, client, path, payload, rows) -> str | None:
    """Rows found for `payload` must be the rows its bare words find, each holding every word."""
    words = [w.lower() for w in WORD.findall(payload)]
    ids = sorted(str(r["id"]) for r in rows)
    if not payload.strip():
        return None
    if not words:
        return f"{len(ids)} row(s) for a query without words" if ids else None
    plain = sorted(str(r["id"]) for r in rows_of(path, client.get(path, params={"q": " ".join(words)})))
    if ids != plain:
        return f"rows differ from the bare words' ({len(ids)} vs {len(plain)})"
    resource = next(r for r in ("entries", "commitments", "documents") if f"/{r}" in path)
    unjustified = [i for i in ids if not any(set(words) <= tokens(t) for t in searched_texts(ledger, resource, i))]
    return f"rows without every word: {unjustified}" if unjustified else None


def tokens(text: str) -> set[str]:
    return set(WORD.findall(text.lower()))


@functools.lru_cache(maxsize=None)
def searched_texts(ledger, resource: str, row_id: str) -> list[str]:
    """The texts full-text search looks at for one row: its evidence sentences, or a document's title and text."""
    if resource == "documents":
        document = client_document(ledger, row_id)
        return [f"{document['title'] or ''} {document['text']}"]
    if resource == "commitments":
        return [e["sentence"] for e in ledger.commitment(row_id)["evidence"]]
    return [e["sentence"] for m in ledger.entry(row_id)["members"] for e in m["evidence"]]


def client_document(ledger, document_id: str) -> dict:
    from aidledger.store.schema import documents

    with ledger.engine.connect() as conn:
        return dict(conn.execute(select(documents).where(documents.c.id == document_id)).one()._mapping)


WRITES = ["' OR '1'='1", "'; DROP TABLE entries; --", "' UNION SELECT token_hash FROM api_tokens --",
          '"demining', "demining & !japan", "\x00", "<script>x</script>"]


@pytest.mark.parametrize("number,payload", list(enumerate(WRITES)), ids=range(len(WRITES)))
def test_payloads_in_review_writes_are_stored_verbatim_or_refused(service, number, payload):
    """A reviewer's note and an edited text field hold the payload exactly, never run it; NUL is a clean 400."""
    client, ledger = service
    token = create_token(ledger.engine, f"writer{number}")
    tables = snapshot(ledger)
    entry = ledger.entries(kind="money")[0]
    response = client.post(f"/api/entries/{entry['id']}/review", headers={"Authorization": f"Bearer {token}"},
                           json={"action": "edit", "values": {"channel": payload}, "note": payload})
    assert not [m for m in LEAKS if m in response.text], response.text
    if "\x00" in payload:
        assert response.status_code == 400 and error_shape_problem(response) is None, response.text
    else:
        assert response.status_code == 201, response.text
        assert response.json()["note"] == payload
        assert ledger.entry(entry["id"])["channel"] == payload
    after = snapshot(ledger)
    assert set(after) == set(tables)
    assert {k: after[k] for k in CORPUS_TABLES} == {k: tables[k] for k in CORPUS_TABLES}


CORPUS_TABLES = ("documents", "commitments", "evidence", "api_tokens")
