"""Reading the ledger for the service: filtered, keyset-paginated pages, full-text search, chunked export.

Pages are ordered newest first by (date, id) and continue from an opaque cursor holding the last row's key,
so page N costs the same as page 1 and rows written meanwhile never shift a page. Export walks the same
pages, so it holds one page in memory at a time.
"""

from __future__ import annotations

import base64
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, fields
from datetime import date, timedelta

import orjson
from sqlalchemy import (ARRAY, Select, String, Table, any_, bindparam, case, false, func, literal_column, select,
                        text, true, tuple_)
from sqlalchemy.engine import Connection, CursorResult, Engine

from aidledger.errors import ConfigurationError
from aidledger.serve.limits import MAX_PAGE_SIZE
from aidledger.store.cache import cached
from aidledger.store.schema import (ENTRY_JSON_COLUMNS, commitments, documents, entries, entry_members, entry_terms,
                                    evidence)
from aidledger.store.terms import ascii_terms

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
    with engine.connect() as conn:  # one transaction: a search's settings (PostgreSQL) hold for its page
        q, key = _listing(conn, res, filters, limit)
        if cursor:
            day, row_id = _decode_cursor(cursor)
            # The plain bound on the day repeats part of the row comparison so SQLite starts the page index at
            # the cursor instead of walking it down from the top past every earlier page.
            q = q.where(tuple_(*key) < tuple_(day, row_id), key[0] <= day)
        q = q.order_by(key[0].desc(), key[1].desc()).limit(limit + 1)
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


def _listing(conn: Connection, res: Resource, f: Filters, limit: int) -> tuple[Select, tuple]:
    """The rows matching `f`, and the (day, id) key their pages are ordered and continued on: the page index's,
    or for entries searched by words the postings' (`entry_terms`: a term's entries in page order)."""
    q, key, search = _base_select(res), _sort_key(res), []
    if f.q and f.q.strip():
        words = WORD.findall(f.q)
        terms = _entry_terms(conn, words) if words and res.name == "entries" else None
        if not words or terms == []:
            # Punctuation alone ("*", '"', "NEAR(") names no word, so it matches nothing rather than everything.
            search = [false()]
        elif terms:
            rarest = _rarest(conn, terms)
            q = q.join(entry_terms, entry_terms.c.entry_id == entries.c.id).where(
                entry_terms.c.term == rarest, *[_has_term(t) for t in terms if t != rarest])
            key = entry_terms.c.day, entry_terms.c.entry_id
            if len(terms) > 1:  # the entry holds every term (above, one key lookup each): in one sentence?
                search = [_in_one_sentence(conn, words)]
        else:
            search = [_search(conn, res, words, limit)]
    return q.where(*_conditions(res, f, key[0]), *search), key  # the search last: tested last


def _conditions(res: Resource, f: Filters, day) -> list:
    table, out = res.table, []
    for name in res.columns:
        value = getattr(f, name)
        if value not in (None, ""):
            out.append(table.c[name] == value)
    # ranges on the sort key itself, so the index a page walks serves both
    if f.since:
        out.append(day >= f.since)
    if f.until:
        out.extend([day < _after(f.until), day > ""])  # '' is an undated row: outside any range
    if f.counted is not None and res.name == "entries":
        out.append(table.c.counts_toward_total == f.counted)
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
#
# Entries: the postings (aidledger.store.terms) list a term's entries in page order, so a page reads its rows
# and stops, at any frequency of the word. A query of several terms walks the postings of its rarest term and
# tests each entry there for a sentence holding every word (the evidence's full-text index, one probe per
# sentence). Words the postings do not hold (SQLite: characters other than ASCII letters and digits) go
# through the evidence's full-text index alone, as commitments do.
#
# Commitments (and those words) are read one of two ways, chosen per query by how many evidence sentences match:
# - list: the matching rows are found through the full-text index, then read and sorted: cost ~ matches;
# - walk: the page index is walked in page order, each row tested by a probe of the full-text index per
#   sentence, until a page is full: cost ~ rows walked, about (limit + 1) * sentences / matches.
# Listing costs LIST per matching sentence and walking WALK per row walked, so walking is cheaper past
# sqrt(WALK / LIST * (limit + 1) * sentences) matches, the bound the count stops at (measured on the
# 1M-commitment benchmark ledger, see benchmarks/README.md).
WALK_OVER_LIST = {"sqlite": 4.0, "postgresql": 2.0}
LIST_GUARD = 4  # PostgreSQL lists up to this many times the bound when its estimate said the bound
SEARCH_IDS = 5000  # documents: up to this many matches are resolved to ids before a page is read (PostgreSQL)
RAREST_COUNT = 10_000  # a term's postings are counted up to this many to find a query's rarest term
# The evidence sentences of a row that match, listed (SQLite: an FTS5 subquery, the list built by SQLite) or
# probed for the row at hand (FTS5 seeks one rowid)
FTS_LISTED = "SELECT rowid FROM evidence_fts WHERE evidence_fts MATCH :fts"
FTS_PROBE = "EXISTS (SELECT 1 FROM evidence_fts WHERE evidence_fts MATCH :fts AND rowid = e.id)"
SQLITE_PROBE = {
    "entries": "EXISTS (SELECT 1 FROM entry_members m JOIN evidence e ON e.commitment_id = m.commitment_id "
               f"WHERE m.entry_id = entries.id AND {FTS_PROBE})",
    "commitments": f"EXISTS (SELECT 1 FROM evidence e WHERE e.commitment_id = commitments.id AND {FTS_PROBE})",
}


def _entry_terms(conn: Connection, words: list[str]) -> list[str] | None:
    """The distinct terms of `words` as the postings hold them; None if they cannot hold one of them."""
    if conn.dialect.name == "postgresql":
        lexemes = func.tsvector_to_array(func.to_tsvector(literal_column("'simple'::regconfig"), " ".join(words)))
        return conn.execute(select(lexemes)).scalar()
    terms = ascii_terms(" ".join(words))
    return sorted(set(terms)) if terms is not None else None


def _rarest(conn: Connection, terms: list[str]) -> str:
    if len(terms) == 1:
        return terms[0]
    counts = {t: conn.execute(select(func.count()).select_from(select(entry_terms.c.entry_id).where(
        entry_terms.c.term == t).limit(RAREST_COUNT).subquery())).scalar() for t in terms}
    return min(terms, key=lambda t: (counts[t], -len(t)))


def _has_term(term: str):
    """Whether the entry at hand holds `term` too: one lookup of the postings' key."""
    other = entry_terms.alias()
    return select(other.c.term).where(other.c.term == term, other.c.day == entry_terms.c.day,
                                      other.c.entry_id == entry_terms.c.entry_id).exists()


def _in_one_sentence(conn: Connection, words: list[str]):
    """Whether one evidence sentence of the entry at hand holds every word."""
    if conn.dialect.name == "sqlite":
        return text(SQLITE_PROBE["entries"]).bindparams(fts=_fts5_query(words))
    # The test reads the one entry's sentences. Left to choose, PostgreSQL may answer it from the GIN index,
    # which gives a bitmap of every matching sentence in the ledger, per entry: 134 against 39 ms (before the
    # postings) for a rare and a common word. GIN has no other kind of scan, so no bitmaps for this page.
    conn.execute(select(func.set_config("enable_bitmapscan", "off", True)))
    return _postgres_probe(RESOURCES["entries"], words)


def list_limit(conn: Connection, res: Resource, limit: int) -> int:
    """Past this many matching sentences a search page walks the page index instead of listing the matches."""
    # counted once per ledger version (the cache's), however many searches: an estimate is all this needs
    sentences = cached(conn.engine, "rows:evidence",
                       lambda c: c.execute(select(func.count()).select_from(evidence)).scalar())
    return max(limit + 1, int(math.sqrt(WALK_OVER_LIST[conn.dialect.name] * (limit + 1) * sentences)))


def _search(conn: Connection, res: Resource, words: list[str], limit: int):
    """A condition keeping rows with an evidence sentence holding every word (documents: title and text)."""
    if res.name == "documents":
        return _document_search(conn, words)
    bound = list_limit(conn, res, limit)
    if conn.dialect.name == "sqlite":
        fts = _fts5_query(words)
        matching = conn.execute(text(f"SELECT count(*) FROM ({FTS_LISTED} LIMIT :n)"), {"fts": fts, "n": bound + 1}
                                ).scalar()
        if matching > bound:
            return text(SQLITE_PROBE[res.name]).bindparams(fts=fts)
        return res.table.c.id.in_(_evidence_owners(res, evidence.c.id.in_(text(FTS_LISTED).bindparams(fts=fts))))
    # PostgreSQL estimates the matches from its statistics (a tsvector's most common elements), with no scan:
    # counting them as SQLite does reads a heap row per match
    hits = _evidence_owners(res, _tsmatch(evidence.c.sentence, words))
    if _estimated_rows(conn, hits) <= bound:
        # The ids, unless far more match than estimated (statistics not yet analysed after a large ingest)
        listed = hits.limit(LIST_GUARD * bound + 1).subquery()
        matching, ids = conn.execute(select(func.count(), case((func.count() <= LIST_GUARD * bound, func.array_agg(
            listed.c[0].distinct())))).add_columns(*SEARCH_SETTINGS)).first()[:2]
        if matching <= LIST_GUARD * bound:
            return res.table.c.id == any_(bindparam("search_ids", ids or [], type_=ARRAY(String)))
    # walk the page index, never sort every matching row
    conn.execute(select(*SEARCH_SETTINGS, func.set_config("enable_sort", "off", True)))
    return _postgres_probe(res, words)


def _evidence_owners(res: Resource, matching) -> Select:
    """The ids of the `res` rows owning the evidence rows `matching` keeps (entries: once per sentence)."""
    if res.name == "commitments":
        return select(evidence.c.commitment_id).where(matching)
    return select(entry_members.c.entry_id).join(
        evidence, evidence.c.commitment_id == entry_members.c.commitment_id).where(matching)


def _estimated_rows(conn: Connection, q: Select) -> float:
    compiled = q.compile(dialect=conn.dialect)
    [plan] = conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {compiled}", compiled.params).scalar()
    return plan["Plan"]["Plan Rows"]


# PostgreSQL, for the search's transaction (set by its first statement): one process (a search's few thousand
# index hits are read faster by this process alone than by a gather of workers started for the one query), no
# JIT compilation (the walk's cost estimate, every row, triggers it: 137 ms to compile a 1 ms query), and
# plans made for the actual words, never a generic plan of a prepared statement.
SEARCH_SETTINGS = [func.set_config(name, value, True) for name, value in (
    ("max_parallel_workers_per_gather", "0"), ("jit", "off"), ("plan_cache_mode", "force_custom_plan"))]


def _postgres_probe(res: Resource, words: list[str]):
    """Whether the row at hand has a sentence holding every word: a scalar subquery, evaluated for that row,
    never turned into a join over every match."""
    owned = select(true()).where(_tsmatch(evidence.c.sentence, words))
    if res.name == "entries":
        owned = owned.select_from(entry_members).join(
            evidence, evidence.c.commitment_id == entry_members.c.commitment_id).where(
            entry_members.c.entry_id == entries.c.id)
    else:
        owned = owned.where(evidence.c.commitment_id == commitments.c.id)
    return owned.limit(1).scalar_subquery().is_not(None)


def _fts5_query(words: list[str]) -> str:
    return " ".join('"' + w.replace('"', '""') + '"' for w in words)  # quoted: no FTS5 operator syntax leaks in


def _document_search(conn: Connection, words: list[str]):
    """Documents: SQLite turns the subquery into a list of ids by itself. PostgreSQL, left to itself, walks the
    page index even for rare words, testing every row's text: it is given the ids, unless more than SEARCH_IDS
    rows match, when the condition stays a subquery and walking the page index is the right plan."""
    if conn.dialect.name == "sqlite":
        fts = text("SELECT doc_id FROM documents_fts WHERE documents_fts MATCH :fts").bindparams(
            fts=_fts5_query(words))
        return documents.c.id.in_(fts)
    # Literal '' and ' ' keep the expression identical to the GIN index's (migration 0004).
    body = func.coalesce(documents.c.title, literal_column("''")).op("||")(literal_column("' '")).op("||")(
        documents.c.text)
    hits = select(documents.c.id).where(_tsmatch(body, words))
    conn.exec_driver_sql("SET LOCAL max_parallel_workers_per_gather = 0")
    found = list(conn.execute(hits.limit(SEARCH_IDS + 1)).scalars())
    return documents.c.id.in_(found if len(found) <= SEARCH_IDS else hits)


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
