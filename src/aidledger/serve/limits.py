"""The service's input limits, in one place, and the middleware that enforces the request-level ones.

Parameters beyond a limit are refused, never truncated, so a reader never gets a silently different answer:

- page size: `limit` above MAX_PAGE_SIZE is a 422 from the API (the library's `queries.page` clamps instead,
  for callers that ask for "as many as allowed");
- text parameters: a filter, id or cursor longer than MAX_PARAM_CHARS and a full-text query longer than
  MAX_QUERY_CHARS are a 422;
- request bodies: more than MAX_BODY_BYTES is a 413, whether the client declares its length or streams the
  body chunked without one;
- NUL characters anywhere in the path or the query are a 400 (PostgreSQL cannot store or compare them, and
  no legitimate filter holds one).

Every refusal has the service's usual error shape: JSON under /api, an HTML page on the dashboard.
"""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_PAGE_SIZE = 500  # rows per page of a list, and per chunk of an export
MAX_PARAM_CHARS = 200  # an equality filter, a path id, a cursor
MAX_QUERY_CHARS = 500  # the full-text query `q`
MAX_BODY_BYTES = 64 * 1024  # a review or sign-in form is a few hundred bytes

TOO_LARGE = (f"the request body is larger than {MAX_BODY_BYTES} bytes "
             "(a review or sign-in needs only a few hundred; send the fields it needs)")
HAS_NUL = "the address contains a NUL character (%00); remove it from the path and the query"


class RequestLimits:
    """ASGI middleware: refuses bodies over MAX_BODY_BYTES (413) and addresses holding NUL (400).

    A declared Content-Length over the limit is refused before the body is read; a body without one
    (chunked) is counted as it arrives and refused as soon as it passes the limit.
    """

    def __init__(self, app: ASGIApp, max_body: int = MAX_BODY_BYTES) -> None:
        self.app, self.max_body = app, max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self._refusal(scope)
        if refusal is not None:
            await _error(scope, *refusal)(scope, receive, send)
            return
        await self.app(scope, self._counted(receive), send)

    def _refusal(self, scope: Scope) -> tuple[int, str] | None:
        if b"\x00" in unquote_to_bytes(scope.get("query_string", b"")) or "\x00" in scope.get("path", ""):
            return 400, HAS_NUL
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and not declared.isdigit():
            return 400, f"Content-Length {declared[:40].decode('latin-1')!r} is not a number of bytes"
        if declared is not None and int(declared) > self.max_body:
            return 413, TOO_LARGE
        return None

    def _counted(self, receive: Receive) -> Receive:
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_body:
                # Raised inside the route's body read, so the app's own handler answers in its error shape.
                raise HTTPException(413, TOO_LARGE)
            return message

        return counted


def _error(scope: Scope, status: int, message: str):
    from aidledger.serve.app import respond

    return respond(Request(scope), status, message)
