"""Write tokens, dashboard sessions and CSRF tokens.

A token is shown once when created; the database keeps only its SHA-256 (tokens are 256 random bits, so a
plain hash is enough). Checking a token hashes it and compares against every stored hash with
`hmac.compare_digest`, without stopping at the first match, so timing says nothing about which bytes matched.
The dashboard signs a reviewer in with a token and keeps a signed cookie naming the token row; forms carry a
CSRF value derived from a per-browser cookie with the service secret (double submit, signed).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from datetime import datetime, timezone

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from aidledger.errors import ConfigurationError
from aidledger.store.schema import api_tokens

TOKEN_PREFIX = "ald_"
SESSION_SECONDS = 12 * 3600


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(engine: Engine, name: str) -> str:
    """Store a new write token for reviewer `name` and return it; it cannot be shown again."""
    name = name.strip()
    if not name or len(name) > 64:
        raise ConfigurationError(f"token name {name!r} must be 1 to 64 characters (e.g. the reviewer's name)")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    try:
        with engine.begin() as conn:
            conn.execute(insert(api_tokens).values(name=name, token_hash=_hash(token),
                                                   created_at=datetime.now(timezone.utc).isoformat()))
    except IntegrityError:
        raise ConfigurationError(f"a token named {name!r} already exists "
                                 f"(revoke it with `aidledger token revoke {name}` or choose another name)") from None
    return token


def revoke_token(engine: Engine, name: str) -> bool:
    """Delete the token of `name`; False if there was none."""
    with engine.begin() as conn:
        return conn.execute(delete(api_tokens).where(api_tokens.c.name == name)).rowcount > 0


def list_tokens(engine: Engine) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(
            select(api_tokens.c.name, api_tokens.c.created_at).order_by(api_tokens.c.name))]


def verify_token(engine: Engine, token: str | None) -> tuple[int, str] | None:
    """(token id, reviewer name) of a valid token, else None."""
    if not token:
        return None
    presented = _hash(token)
    found = None
    with engine.connect() as conn:
        for row in conn.execute(select(api_tokens.c.id, api_tokens.c.name, api_tokens.c.token_hash)):
            if hmac.compare_digest(presented, row.token_hash) and found is None:
                found = (row.id, row.name)
    return found


def token_name(engine: Engine, token_id: int) -> str | None:
    with engine.connect() as conn:
        return conn.execute(select(api_tokens.c.name).where(api_tokens.c.id == token_id)).scalar()


# ---------------------------------------------------------------- signed values (sessions, CSRF)


def sign(secret: bytes, value: str) -> str:
    return hmac.new(secret, value.encode(), hashlib.sha256).hexdigest()


def session_cookie(secret: bytes, token_id: int) -> str:
    payload = f"{token_id}.{int(time.time()) + SESSION_SECONDS}"
    return f"{payload}.{sign(secret, 'session:' + payload)}"


def session_token_id(secret: bytes, cookie: str | None) -> int | None:
    """The token id a session cookie names, if its signature holds and it has not expired."""
    try:
        token_id, expires, signature = (cookie or "").split(".")
        good = hmac.compare_digest(signature, sign(secret, f"session:{token_id}.{expires}"))
        return int(token_id) if good and int(expires) > time.time() else None
    except ValueError:
        return None


def csrf_value(secret: bytes, browser_id: str) -> str:
    return sign(secret, "csrf:" + browser_id)


def csrf_ok(secret: bytes, browser_id: str | None, submitted: str | None) -> bool:
    if not browser_id or not submitted:
        return False
    return hmac.compare_digest(csrf_value(secret, browser_id), submitted)
