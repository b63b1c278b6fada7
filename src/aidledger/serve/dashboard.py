"""The dashboard: server-rendered pages over the same queries as the API, and the reviewers' forms.

Templates autoescape everything; article text reaches a page only through `render.highlight`. Every form
carries a CSRF value bound to a per-browser cookie, and reviews need a signed-in token.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from aidledger.errors import AidledgerError
from aidledger.records import AidType, Kind, Scope, Status
from aidledger.serve import queries, render, review
from aidledger.serve.api import Cursor, filters, require_reader, require_writer, reviewer
from aidledger.serve.app import HERE, ServiceError
from aidledger.serve.auth import csrf_ok, csrf_value, session_cookie, verify_token
from aidledger.store.entries import STAGES

BROWSER_COOKIE, SESSION_COOKIE = "aidledger_browser", "aidledger_session"
templates = Jinja2Templates(directory=str(HERE / "templates"))
templates.env.globals.update(money=render.money, share=render.share, chart=render, stages=STAGES,
                             kinds=[k.value for k in Kind], aid_types=[a.value for a in AidType],
                             scopes=[s.value for s in Scope], statuses=[s.value for s in Status])

router = APIRouter(include_in_schema=False)
pages = APIRouter(include_in_schema=False, dependencies=[Depends(require_reader)])


def page(request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
    """Render `template`, giving it the CSRF value of this browser (and the browser a cookie if it had none)."""
    browser = request.cookies.get(BROWSER_COOKIE) or secrets.token_urlsafe(24)
    context.update(request=request, csrf=csrf_value(request.app.state.secret, browser), user=_user(request))
    response = templates.TemplateResponse(request, template, context, status_code=status)
    if BROWSER_COOKIE not in request.cookies:
        response.set_cookie(BROWSER_COOKIE, browser, httponly=True, samesite="strict")
    return response


def _user(request: Request) -> str | None:
    try:
        return reviewer(request)
    except ServiceError:
        return None


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    return page(request, "error.html", status=status, status_code=status, message=message)


def check_csrf(request: Request, submitted: str | None) -> None:
    if not csrf_ok(request.app.state.secret, request.cookies.get(BROWSER_COOKIE), submitted):
        raise ServiceError(403, "the form's CSRF check failed (reload the page and submit the form again)")


# ---------------------------------------------------------------- reading


@pages.get("/", response_class=HTMLResponse)
def overview(request: Request, threshold: str = "announced"):
    ledger = request.app.state.ledger
    by = {name: ledger.totals(name, threshold) for name in ("donor", "type", "status", "month")}
    return page(request, "overview.html", threshold=threshold, donors=by["donor"], types=by["type"],
                stages_total=by["status"], bars=render.timeline(by["month"]),
                grand=sum(r["total"] or 0 for r in by["donor"]))


@pages.get("/ledger", response_class=HTMLResponse)
def ledger_table(request: Request, f: queries.Filters = Depends(filters), cursor: Cursor = None):
    result = queries.page(request.app.state.ledger.engine, "entries", f, cursor, 50)
    query = {k: str(v).lower() if isinstance(v, bool) else v for k, v in f.as_dict().items()}  # counted=true
    more = "/ledger?" + urlencode({**query, "cursor": result.next_cursor}) if result.next_cursor else None
    return page(request, "ledger.html", rows=result.items, f=f, query=urlencode(query), next_url=more)


@pages.get("/entries/{entry_id}", response_class=HTMLResponse)
def entry_page(request: Request, entry_id: str):
    ledger = request.app.state.ledger
    entry = ledger.entry(entry_id)
    if entry is None:
        raise ServiceError(404, f"no ledger entry {entry_id!r} (find entries on the ledger page)")
    sources = [_source(ledger, m) for m in entry["members"]]
    return page(request, "entry.html", entry=entry, sources=sources, events=review.history(ledger, entry["id"]),
                editable=sorted(review.EDITABLE))


def _source(ledger, member: dict) -> dict:
    """One member with its article text highlighted at every evidence span of this commitment."""
    detail = ledger.commitment(member["id"]) or {}
    text = (detail.get("document") or {}).get("text") or ""
    return {**member, "highlighted": render.highlight(text, member["evidence"])}


@pages.get("/donors/{donor}", response_class=HTMLResponse)
def donor_page(request: Request, donor: str):
    ledger = request.app.state.ledger
    points = ledger.reported_totals(donor)
    counted = queries.page(ledger.engine, "entries", queries.Filters(donor=donor, counted=True, kind="money"),
                           None, 1).items
    if not points and not counted:
        raise ServiceError(404, f"no entries or reported totals for donor {donor!r} (see the overview)")
    top = max([p["amount_usd"] or 0 for p in points] + [p["itemised_usd"] for p in points] + [0])
    return page(request, "donor.html", donor=donor, points=points, top=top,
                totals=[t for t in ledger.totals("donor") if t["key"] == donor])


# ---------------------------------------------------------------- signing in and reviewing


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/"):
    return page(request, "login.html", next=_local(next), failed=False)


@router.post("/login")
def login(request: Request, token: str = Form(...), csrf: str = Form(""), next: str = Form("/")):
    check_csrf(request, csrf)
    found = verify_token(request.app.state.ledger.engine, token.strip())
    if found is None:
        return page(request, "login.html", status=401, next=_local(next), failed=True)
    response = RedirectResponse(_local(next), status_code=303)
    response.set_cookie(SESSION_COOKIE, session_cookie(request.app.state.secret, found[0]), httponly=True,
                        samesite="strict")
    return response


@router.post("/logout")
def logout(request: Request, csrf: str = Form("")):
    check_csrf(request, csrf)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


def _local(target: str) -> str:
    """Only same-site paths: a crafted ?next= must not send a reviewer elsewhere."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


@router.post("/entries/{entry_id}/review")
async def review_form(request: Request, entry_id: str):
    form = await request.form()  # the edit form's fields are whichever of review.EDITABLE it has
    return await run_in_threadpool(_apply_form, request, entry_id, form)


def _apply_form(request: Request, entry_id: str, form) -> RedirectResponse:
    check_csrf(request, form.get("csrf"))
    name = require_writer(request)
    ledger = request.app.state.ledger
    values = {k: form[k] for k in review.EDITABLE if form.get(k, "") != ""}
    try:
        event = review.review_entry(ledger, entry_id, str(form.get("action", "")), name, values or None,
                                    form.get("note") or None, form.get("other_entry_id") or None,
                                    form.get("commitment_id") or None)
    except AidledgerError as exc:
        raise ServiceError(400, str(exc)) from exc
    target = event.entry_id if ledger.entry(event.entry_id) else (event.after[0]["id"] if event.after else "")
    return RedirectResponse(f"/entries/{target}#audit", status_code=303)


router.include_router(pages)
