"""Reading the ledger for the service: filtered, keyset-paginated pages, full-text search, chunked export.

Pages are ordered newest first by (date, id) and continue from an opaque cursor holding the last row's key,
so page N costs the same as page 1 and rows written meanwhile never shift a page. Export walks the same
pages, so it holds one page in memory at a time.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, fields
from datetime import date, timedelta

import orjson
from sqlalchemy import Select, Table, false, func, literal_column, select, text, tuple_
from sqlalchemy.engine import CursorResult, Engine

from aidledger.errors import ConfigurationError
from aidledger.serve.limits import MAX_PAGE_SIZE
from aidledger.store.schema import (ENTRY_JSON_COLUMNS, commitments, documents, entries, entry_members,
                                    evidence)

SEARCH_IDS = 5000  # up to this many full-text matches are resolved to ids before a page is read
WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Filters:
    """What a reader may narrow a list by; None means any. Dates are YYYY, YYYY-MM or YYYY-MM-DD."""
    donor: str | None = None
    recipient: str | None = None
    kind: str | None = None
    aid_type: str | None = None
    status: str | None = None
    scope: str | None = None
    channel: str | None = None
    since: str | None = None
    until: str | None = None
    q: str | None = None
    counted: bool | None = None  # entries only: counts toward totals

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) not in (None, "")}


@dataclass(frozen=True)
class Page:
    items: list[dict]
    next_cursor: str | None


@dataclass(frozen=True)
class Resource:
    """A listable table: its select, its date column and how full-text search narrows it."""
    name: str
    table: Table
    date_column: str
    columns: tuple[str, ...]  # the equality filters it supports

    @property
    def filters(self) -> set[str]:
        """Every filter that narrows this resource; any other is refused rather than silently ignored."""
        return {*self.columns, "since", "until", "q", *(("counted",) if self.name == "entries" else ())}


RESOURCES = {
    "entries": Resource("entries", entries, "date",
                        ("donor", "recipient", "kind", "aid_type", "status", "scope", "channel")),
    "commitments": Resource("commitments", commitments, "date",
                            ("donor", "recipient", "kind", "aid_type", "status", "scope", "channel")),
    "documents": Resource("documents", documents, "published", ()),
}


def page(engine: Engine, resource: str, filters: Filters, cursor: str | None = None, limit: int = 50) -> Page:
    """One page of `resource` rows matching `filters`, after `cursor`; next_cursor is None on the last page."""
    res = check_filters(resource, filters)
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    key = _sort_key(res)
    q = _base_select(res).where(*_conditions(engine, res, filters))
    if cursor:
        day, row_id = _decode_cursor(cursor)
        # The plain bound on the day repeats part of the row comparison so SQLite starts the page index at
        # the cursor instead of walking it down from the top past every earlier page.
        q = q.where(tuple_(*key) < tuple_(day, row_id), key[0] <= day)
    q = q.order_by(key[0].desc(), key[1].desc()).limit(limit + 1)
    with engine.connect() as conn:
        rows = as_dicts(conn.execute(q))
    more = len(rows) > limit
    rows = rows[:limit]
    last = rows[-1] if rows and more else None
    return Page(rows, _encode_cursor(last.get(res.date_column) or "", last["id"]) if last else None)


def as_dicts(result: CursorResult) -> list[dict]:
    """Every row of `result` as a plain dictionary, its JSON list columns (an entry's conflicts and stage
    history) decoded.

    Keys are looked up once per result rather than once per row, and orjson decodes a page's lists in a
    fraction of json's time: on a page of 50 entries these two were most of the Python time of a request.
    """
    keys = [str(k) for k in result.keys()]  # plain str: orjson writes no str subclass as a key
    decode = [i for i, k in enumerate(keys) if k in ENTRY_JSON_COLUMNS]
    out = []
    for row in result:
        values = list(row)
        for i in decode:
            if isinstance(values[i], str):
                values[i] = _loads(values[i])
        out.append(dict(zip(keys, values)))
    return out


def _loads(text: str):
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:  # what json accepts beyond the standard (NaN, huge integers)
        return json.loads(text)


def check_filters(resource: str, filters: Filters) -> Resource:
    """The resource, once every filter set in `filters` is one it supports (a ConfigurationError otherwise)."""
    res = RESOURCES[resource]
    unsupported = sorted(set(filters.as_dict()) - res.filters)
    if unsupported:
        raise ConfigurationError(f"{resource} cannot be filtered by {', '.join(unsupported)} "
                                 f"(use {', '.join(sorted(res.filters))})")
    return res


def iter_rows(engine: Engine, resource: str, filters: Filters, chunk: int = MAX_PAGE_SIZE) -> Iterator[dict]:
    """Every matching row, fetched one page at a time (bulk export without holding the result in memory).

    The filters are checked on the call, before the first row, so a streamed response never fails half-way
    for a bad filter.
    """
    check_filters(resource, filters)
    return _rows(engine, resource, filters, chunk)


def _rows(engine: Engine, resource: str, filters: Filters, chunk: int) -> Iterator[dict]:
    cursor = None
    while True:
        result = page(engine, resource, filters, cursor, chunk)
        yield from result.items
        if result.next_cursor is None:
            return
        cursor = result.next_cursor


def _base_select(res: Resource) -> Select:
    if res.name == "commitments":
        return select(commitments, documents.c.title, documents.c.source, documents.c.published).join(
            documents, documents.c.id == commitments.c.document_id)
    if res.name == "documents":  # the article text is fetched one document at a time, never in lists
        return select(*[c for c in documents.columns if c.name != "text"])
    return select(res.table)


def _sort_key(res: Resource) -> tuple:
    # The literal '' (not a bound parameter) keeps the expression identical to the page indexes' (migration 0005).
    return func.coalesce(res.table.c[res.date_column], literal_column("''")), res.table.c.id


def _conditions(engine: Engine, res: Resource, f: Filters) -> list:
    table, out = res.table, []
    for name in res.columns:
        value = getattr(f, name)
        if value not in (None, ""):
            out.append(table.c[name] == value)
    day = _sort_key(res)[0]  # ranges on the sort key itself, so a page index serves both
    if f.since:
        out.append(day >= f.since)
    if f.until:
        out.extend([day < _after(f.until), day > ""])  # '' is an undated row: outside any range
    if f.counted is not None and res.name == "entries":
        out.append(table.c.counts_toward_total == f.counted)
    if f.q and f.q.strip():
        # Punctuation alone ("*", '"', "NEAR(") names no word, so it matches nothing rather than everything.
        out.append(_search(engine, res, f.q) if WORD.search(f.q) else false())
    return out


def _after(until: str) -> str:
    """The first date string past the period `until` names, compared as text under any collation."""
    parts = [int(p) for p in until.split("-")]
    if len(parts) == 1:
        return f"{parts[0] + 1:04d}"
    if len(parts) == 2:
        year, month = parts[0] + parts[1] // 12, parts[1] % 12 + 1
        return f"{year:04d}-{month:02d}"
    return (date(*parts) + timedelta(days=1)).isoformat()


def check_period(value: str | None, name: str) -> str | None:
    """`value` if it is YYYY, YYYY-MM or YYYY-MM-DD and a real date; a ConfigurationError otherwise."""
    if value in (None, ""):
        return None
    try:
        parts = [int(p) for p in value.split("-")]
        if not 1 <= len(parts) <= 3 or len(value.split("-")[0]) != 4:
            raise ValueError
        date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        raise ConfigurationError(f"{name}={value!r} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)") from None
    return value


# ---------------------------------------------------------------- full-text search


def _search(engine: Engine, res: Resource, query: str):
    """A condition keeping rows whose evidence sentences (documents: title and text) contain every word.

    Rare words are resolved to ids through the full-text index first, so a page sorts a few rows. SQLite does
    that by itself: it turns the subquery into a list once and reads the listed rows by id, so the subquery goes
    to it as it is (fetching the ids into Python first, as before, cost a third to a half of a search's time).
    PostgreSQL, left to itself, walks the page index even for rare words, testing every row's text: it is given
    the ids, unless more than SEARCH_IDS rows match, when the condition stays a subquery and walking the page
    index is the right plan.
    """
    hits = _hits(engine, res, WORD.findall(query))
    if engine.dialect.name == "sqlite":
        return res.table.c.id.in_(hits)
    with engine.connect() as conn:
        # A rare word's few thousand index hits are read faster by this process alone than by a gather of
        # parallel workers started for the one query (a page: 27 against 30 ms, median of 50 words, interleaved)
        conn.exec_driver_sql("SET LOCAL max_parallel_workers_per_gather = 0")
        found = list(conn.execute(hits.limit(SEARCH_IDS + 1)).scalars())
    if len(found) <= SEARCH_IDS:
        return res.table.c.id.in_(sorted(set(found)))
    return res.table.c.id.in_(hits)


def _hits(engine: Engine, res: Resource, words: list[str]) -> Select:
    """The ids of `res` rows matching every word (entries: repeated once per matching member)."""
    if res.name == "documents":
        return _document_matches(engine, words)
    matching = evidence.c.id.in_(_evidence_matches(words)) if engine.dialect.name == "sqlite" else \
        _tsmatch(evidence.c.sentence, words)
    if res.name == "commitments":
        return select(evidence.c.commitment_id).where(matching)
    return select(entry_members.c.entry_id).join(
        evidence, evidence.c.commitment_id == entry_members.c.commitment_id).where(matching)


def _fts5_query(words: list[str]) -> str:
    return " ".join('"' + w.replace('"', '""') + '"' for w in words)  # quoted: no FTS5 operator syntax leaks in


def _evidence_matches(words: list[str]):
    return text("SELECT rowid FROM evidence_fts WHERE evidence_fts MATCH :fts").bindparams(fts=_fts5_query(words))


def _document_matches(engine: Engine, words: list[str]) -> Select:
    if engine.dialect.name == "sqlite":
        fts = text("SELECT doc_id FROM documents_fts WHERE documents_fts MATCH :fts").bindparams(
            fts=_fts5_query(words))
        return select(documents.c.id).where(documents.c.id.in_(fts))
    # Literal '' and ' ' keep the expression identical to the GIN index's (migration 0004).
    body = func.coalesce(documents.c.title, literal_column("''")).op("||")(literal_column("' '")).op("||")(
        documents.c.text)
    return select(documents.c.id).where(_tsmatch(body, words))


def _tsmatch(column, words: list[str]):
    # The literal configuration makes the expression identical to the GIN index's, so the index is used.
    config = literal_column("'simple'::regconfig")
    return func.to_tsvector(config, column).op("@@")(func.plainto_tsquery(config, " ".join(words)))


# ---------------------------------------------------------------- cursors


def _encode_cursor(day: str, row_id: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([day, row_id]).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[str, str]:
    try:
        day, row_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(day, str) or not isinstance(row_id, str):
            raise ValueError
        return day, row_id
    except (ValueError, TypeError):
        raise ConfigurationError(f"cursor {cursor!r} is not one this service issued "
                                 "(pass the next_cursor of the previous page unchanged)") from None


def entry_ids_of(engine: Engine, commitment_ids: list[str]) -> list[str]:
    """The entries that now hold any of `commitment_ids`."""
    with engine.connect() as conn:
        return list(conn.execute(select(entry_members.c.entry_id).distinct().where(
            entry_members.c.commitment_id.in_(commitment_ids))).scalars())


def entry_rows(engine: Engine, entry_ids: list[str]) -> list[dict]:
    """Entry rows (without members) by id, in id order."""
    with engine.connect() as conn:
        return as_dicts(conn.execute(select(entries).where(entries.c.id.in_(entry_ids)).order_by(entries.c.id)))


def member_ids(engine: Engine, entry_id: str) -> list[str]:
    """The commitment ids of an entry, in a stable order."""
    with engine.connect() as conn:
        return list(conn.execute(select(entry_members.c.commitment_id).where(
            entry_members.c.entry_id == entry_id).order_by(entry_members.c.commitment_id)).scalars())
