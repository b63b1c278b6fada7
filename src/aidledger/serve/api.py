"""The JSON API: thin routes over the Ledger and the service's queries."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import replace
from typing import Annotated, Literal

import orjson
from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response, StreamingResponse
from sqlalchemy import select

from aidledger.serve import models, queries, review
from aidledger.serve.app import ServiceError
from aidledger.serve.auth import session_token_id, token_name, verify_token
from aidledger.serve.limits import MAX_PAGE_SIZE, MAX_PARAM_CHARS, MAX_QUERY_CHARS
from aidledger.store.entries import STAGES, TOTAL_DIMENSIONS
from aidledger.store.ledger import Ledger
from aidledger.store.schema import documents

# Empty means no bound (HTML forms submit empty fields); a real date is checked by queries.check_period.
PERIOD = r"^(\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?)?$"
ERRORS = {code: {"model": models.Error} for code in (400, 401, 403, 404, 422, 500)}


def get_ledger(request: Request) -> Ledger:
    return request.app.state.ledger


def reviewer(request: Request) -> str | None:
    """The reviewer a request speaks for: a bearer token, or a signed-in dashboard session."""
    engine = request.app.state.ledger.engine
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        found = verify_token(engine, header[7:].strip())
        if found is None:
            raise ServiceError(401, "the bearer token is not valid (create one with `aidledger token create NAME`)")
        return found[1]
    token_id = session_token_id(request.app.state.secret, request.cookies.get("aidledger_session"))
    return token_name(engine, token_id) if token_id is not None else None


def require_reader(request: Request) -> None:
    if not request.app.state.settings.public_reads and reviewer(request) is None:
        raise ServiceError(401, "reads need a token on this service: send 'Authorization: Bearer TOKEN'")


def require_writer(request: Request) -> str:
    name = reviewer(request)
    if name is None:
        raise ServiceError(401, "writes need a token: send 'Authorization: Bearer TOKEN' "
                             "(create one with `aidledger token create NAME`)")
    return name


def refuse_unknown_parameters(request: Request) -> None:
    """A misspelt or unsupported filter must not silently widen a result: query parameters a route does not
    declare in the OpenAPI spec are a 400 naming the ones it takes."""
    route = request.scope["route"]
    operation = request.app.openapi()["paths"][route.path_format][request.method.lower()]
    known = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        raise ServiceError(400, f"{request.url.path} takes no parameter {', '.join(map(repr, unknown))} "
                                f"(it takes: {', '.join(sorted(known)) or 'none'})")


router = APIRouter(prefix="/api", dependencies=[Depends(require_reader), Depends(refuse_unknown_parameters)],
                   responses=ERRORS)


# Annotated, not shared defaults: FastAPI names a shared Query object after the first parameter that uses it.
# NO_NUL tells clients what limits.RequestLimits refuses anyway (PostgreSQL cannot compare a NUL).
NO_NUL = r"^[^\x00]*$"
Filter = Annotated[str | None, Query(max_length=MAX_PARAM_CHARS, pattern=NO_NUL, description="equal to this value")]
Period = Annotated[str | None, Query(pattern=PERIOD, description="YYYY, YYYY-MM or YYYY-MM-DD, inclusive")]
Search = Annotated[str | None, Query(max_length=MAX_QUERY_CHARS, pattern=NO_NUL, description=(
    "full-text search: every word must appear in the evidence (punctuation alone matches nothing; "
    "operators are not supported)"))]
Cursor = Annotated[str | None, Query(max_length=MAX_PARAM_CHARS, pattern=NO_NUL,
                                     description="the next_cursor of the previous page, unchanged")]
Id = Annotated[str, Path(max_length=MAX_PARAM_CHARS, pattern=NO_NUL)]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description=f"rows per page, at most {MAX_PAGE_SIZE} "
                                                                 "(more is refused, not clamped)")]


def commitment_filters(donor: Filter = None, recipient: Filter = None, kind: Filter = None,
                       aid_type: Filter = None, status: Filter = None, scope: Filter = None, channel: Filter = None,
                       since: Period = None, until: Period = None, q: Search = None) -> queries.Filters:
    return queries.Filters(donor, recipient, kind, aid_type, status, scope, channel,
                           queries.check_period(since, "since"), queries.check_period(until, "until"), q)


def filters(f: queries.Filters = Depends(commitment_filters),
            counted: Annotated[str | None, Query(pattern="^(true|false)?$", description=(
                "true: only entries that count toward totals; false: only those that do not"))] = None
            ) -> queries.Filters:
    """The filters of entries: those of commitments, and whether an entry counts toward totals."""
    return replace(f, counted={"true": True, "false": False}.get(counted or ""))


def document_filters(q: Search = None, since: Period = None, until: Period = None) -> queries.Filters:
    return queries.Filters(since=queries.check_period(since, "since"), until=queries.check_period(until, "until"),
                           q=q)


FILTERS = {"entries": filters, "commitments": commitment_filters, "documents": document_filters}


def _page(ledger: Ledger, resource: str, f: queries.Filters, cursor: str | None, limit: int) -> Response:
    """A page as JSON. Its rows are the table's columns, which the route's model is derived from, so the model
    documents the answer without validating every row again (the answer is written by orjson in one pass)."""
    result = queries.page(ledger.engine, resource, f, cursor, limit)
    return Response(orjson.dumps({"items": result.items, "next_cursor": result.next_cursor}),
                    media_type="application/json")


def _found(value, what: str, key: str):
    """`value`, or a 404 naming what was looked for and where to find valid ids."""
    if value is None:
        raise ServiceError(404, f"no {what} {key!r} (list them at /api/{what.replace('entry', 'entrie')}s)")
    return value


def _lister(resource: str):
    def list_rows(f: queries.Filters = Depends(FILTERS[resource]), cursor: Cursor = None, limit: Limit = 50,
                  ledger: Ledger = Depends(get_ledger)):
        return _page(ledger, resource, f, cursor, limit)
    return list_rows


for _resource, _model, _summary in (("entries", models.Entry, "Reconciled ledger entries"),
                                    ("commitments", models.Commitment,
                                     "Commitments as extracted, before reconciliation"),
                                    ("documents", models.Document, "Ingested documents")):
    router.add_api_route(f"/{_resource}", _lister(_resource), methods=["GET"], response_model=models.Page[_model],
                         summary=_summary, name=f"list_{_resource}")


@router.get("/entries/{entry_id}", response_model=models.EntryDetail,
            summary="One entry with every source, its reason for joining and its evidence spans")
def get_entry(entry_id: Id, ledger: Ledger = Depends(get_ledger)):
    return _found(ledger.entry(entry_id), "entry", entry_id)


@router.get("/entries/{entry_id}/audit", response_model=list[review.AuditEvent],
            summary="Every reviewer change touching the entry's commitments, oldest first")
def entry_audit(entry_id: Id, ledger: Ledger = Depends(get_ledger)):
    return review.history(ledger, _found(ledger.entry(entry_id), "entry", entry_id)["id"])


@router.post("/entries/{entry_id}/review", response_model=review.AuditEvent, status_code=201,
             summary="Accept, reject, edit, merge or split an entry (needs a bearer token)")
def review_entry(entry_id: Id, body: models.ReviewRequest, name: str = Depends(require_writer),
                 ledger: Ledger = Depends(get_ledger)):
    _found(ledger.entry(entry_id), "entry", entry_id)
    return review.review_entry(ledger, entry_id, body.action, name, body.values, body.note, body.other_entry_id,
                               body.commitment_id)


@router.get("/commitments/{commitment_id}", response_model=models.CommitmentDetail,
            summary="One commitment with its evidence spans and its document's metadata")
def get_commitment(commitment_id: Id, ledger: Ledger = Depends(get_ledger)):
    found = _found(ledger.commitment(commitment_id), "commitment", commitment_id)
    if found.get("document"):
        found["document"] = {k: v for k, v in found["document"].items() if k != "text"}
    return found


@router.get("/documents/{document_id}", response_model=models.DocumentDetail, summary="One document with its text")
def get_document(document_id: Id, ledger: Ledger = Depends(get_ledger)):
    with ledger.engine.connect() as conn:
        row = conn.execute(select(documents).where(documents.c.id == document_id)).first()
    return dict(_found(row, "document", document_id)._mapping)


@router.get("/totals", response_model=list[models.Total],
            summary="Sums of counted entries at or past a stage, by a dimension (no double counting)")
def totals(by: Literal[tuple(["month", *TOTAL_DIMENSIONS])] = "donor",  # type: ignore[valid-type]
           threshold: Literal[tuple(STAGES)] = "announced",  # type: ignore[valid-type]
           ledger: Ledger = Depends(get_ledger)):
    return ledger.totals(by, threshold)


@router.get("/reported-totals", response_model=list[models.ReportedTotal],
            summary="Reported running totals per donor, against the itemised sum up to each date")
def reported_totals(donor: Filter = None, ledger: Ledger = Depends(get_ledger)):
    return ledger.reported_totals(donor)


def _exporter(resource: str):
    def export(fmt: Literal["csv", "json"], f: queries.Filters = Depends(FILTERS[resource]),
               ledger: Ledger = Depends(get_ledger)):
        rows = queries.iter_rows(ledger.engine, resource, f)
        body = _csv(rows) if fmt == "csv" else _json_array(rows)
        media = "text/csv; charset=utf-8" if fmt == "csv" else "application/json"
        return StreamingResponse(body, media_type=media,
                                 headers={"Content-Disposition": f'attachment; filename="{resource}.{fmt}"'})
    return export


for _resource in FILTERS:
    router.add_api_route(f"/export/{_resource}.{{fmt}}", _exporter(_resource), methods=["GET"],
                         response_class=StreamingResponse, name=f"export_{_resource}",
                         summary=f"Every matching row of {_resource} as CSV or a JSON array, streamed page by page")


def _batched(lines: Iterator[str], size: int = 200) -> Iterator[str]:
    batch: list[str] = []
    for line in lines:
        batch.append(line)
        if len(batch) >= size:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)


def _csv(rows: Iterator[dict]) -> Iterator[str]:
    def lines() -> Iterator[str]:
        header = None
        for row in rows:
            if header is None:
                header = list(row)
                yield _csv_line(header)
            yield _csv_line([json.dumps(row[k]) if isinstance(row[k], (list, dict)) else row[k] for k in header])
    return _batched(lines())


def _csv_line(values: list) -> str:
    out = io.StringIO()
    csv.writer(out).writerow(values)
    return out.getvalue()


def _json_array(rows: Iterator[dict]) -> Iterator[str]:
    def lines() -> Iterator[str]:
        yield "["
        for i, row in enumerate(rows):
            yield ("," if i else "") + "\n" + json.dumps(row, ensure_ascii=False, default=str)
        yield "\n]\n"
    return _batched(lines())
