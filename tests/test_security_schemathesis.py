"""Schemathesis against the service's own OpenAPI spec, in-process (ASGI), over a real SQLite ledger of the sample.

Every operation gets up to EXAMPLES generated requests, valid and invalid, with a write token sent along.
Checked on each: no 5xx, status codes and bodies conform to the spec, every error has the one error shape and
no body carries a stack trace or SQL. Valid requests must be accepted, except for the refusals the spec cannot
express: a date that matches YYYY-MM-DD but does not exist, and a cursor this service never issued.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

import aidledger
from aidledger.serve import Settings, create_app
from aidledger.serve.auth import create_token

SAMPLE = Path(aidledger.__file__).parent / "sample"
EXAMPLES = 40  # per operation, positive and negative together; keeps the whole file well under a minute
LEAKS = ("Traceback", 'File "/', "sqlite3", "psycopg", "sqlalchemy", "OperationalError", "ProgrammingError",
         "[SQL:", "syntax error")
# The spec is the same whatever the database holds: load it from an app over an empty in-memory ledger.
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(Settings(url="sqlite://")))


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    """The real app over the sample corpus on a SQLite file, and a write token."""
    url = f"sqlite:///{tmp_path_factory.mktemp('schemathesis') / 'ledger.db'}"
    ledger = aidledger.open_ledger(url)
    ledger.ingest([SAMPLE])
    return create_app(Settings(url=url)), create_token(ledger.engine, "fuzz")


@schemathesis.check
def one_error_shape(ctx, response, case) -> bool | None:
    """Every error answer is {"error": {status, code, message, details}} with the response's status."""
    if response.status_code < 400:
        return None
    body = json.loads(response.content)
    assert set(body) == {"error"}, f"not the error shape: {body}"
    assert set(body["error"]) == {"status", "code", "message", "details"}, f"not the error shape: {body}"
    assert body["error"]["status"] == response.status_code, f"status {response.status_code} but body says {body}"
    return None


@schemathesis.check
def nothing_leaks(ctx, response, case) -> bool | None:
    text = response.content.decode("utf-8", "replace")
    leaked = [marker for marker in LEAKS if marker in text]
    assert not leaked, f"the body shows {leaked}: {text[:300]}"
    return None


SEMANTIC_REFUSALS = ("is not a date", "is not one this service issued")


@schemathesis.check
def valid_requests_are_accepted(ctx, response, case) -> bool | None:
    """Schemathesis' positive_data_acceptance, except for the documented refusals no schema can express."""
    if response.status_code == 400 and any(s in json.loads(response.content)["error"]["message"]
                                           for s in SEMANTIC_REFUSALS):
        return None
    return positive_data_acceptance(ctx, response, case)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
def test_api_conforms_to_its_spec(case, service):
    app, token = service
    case.call_and_validate(app=app, headers={"Authorization": f"Bearer {token}"},
                           additional_checks=[one_error_shape, nothing_leaks, valid_requests_are_accepted],
                           excluded_checks=[positive_data_acceptance])
