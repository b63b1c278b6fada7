"""Raw records of containers (WARC responses, JSONL lines, feed entries, URLs) and the one call that
turns a record into a `Document`.

Readers of containers yield cheap `RawRecord`s (bytes found, nothing parsed); `to_document` does the
expensive part (trafilatura, decoding, fetching). Single-machine ingest and batch workers call the same
`to_document`, so a page gives the same document, and the same commitments, either way.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aidledger.errors import InputError
from aidledger.ingest.html import html_to_document
from aidledger.ingest.readers import _decode, _jsonl_record, text_document
from aidledger.records import Document

if TYPE_CHECKING:
    from aidledger.ingest.fetch import Fetcher

KINDS = ("html", "text", "jsonl", "url")
PAGE_KINDS = {"text/html": "html", "application/xhtml+xml": "html", "text/plain": "text"}  # media type -> kind


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One article as found in a container, before parsing.

    `kind` says how `body` is read: ``html`` and ``text`` are page bytes (``charset`` from the HTTP
    header when known), ``jsonl`` is one JSON line, ``url`` is an address still to be fetched.
    """

    source: str  # container:position, e.g. crawl.warc.gz:1234 (byte offset) or list.urls:7 (line)
    kind: str
    body: bytes | str
    url: str | None = None
    charset: str | None = None
    published: str | None = None  # YYYY-MM-DD when the container says (a feed entry's date)


def to_document(record: RawRecord, fetcher: "Fetcher | None" = None) -> Document:
    """The `Document` of one raw record; raises `InputError` with the record's source."""
    if record.kind == "url":
        return _fetched_document(record, fetcher)
    if record.kind == "jsonl":
        return _jsonl_record(_as_text(record), record.source)
    if record.kind == "html":
        doc = html_to_document(_as_text(record), record.source)
        return dataclasses.replace(doc, url=doc.url or record.url, published=doc.published or record.published)
    if record.kind == "text":
        return text_document(_as_text(record), record.source, url=record.url, published=record.published)
    raise InputError(record.source, f"unknown record kind {record.kind!r}", f"use one of {', '.join(KINDS)}")


def _fetched_document(record: RawRecord, fetcher: "Fetcher | None") -> Document:
    if fetcher is None:
        raise InputError(record.source, "is a URL and fetching is off", "pass a Fetcher (or --fetch) to read URLs")
    page = fetcher.get(str(record.body))
    kind = PAGE_KINDS.get(page.content_type)
    if kind is None:
        raise InputError(page.url, f"is not an article page (content type {page.content_type or 'missing'})",
                         "list HTML article URLs only")
    fetched = RawRecord(record.source, kind, page.body, url=page.url, charset=page.charset,
                        published=record.published)
    return to_document(fetched, fetcher)


def _as_text(record: RawRecord) -> str:
    """Page bytes as text: the declared charset, else UTF-8, else detected (as for files)."""
    if isinstance(record.body, str):
        return record.body
    if record.charset:
        try:
            return record.body.decode(record.charset)
        except (LookupError, UnicodeDecodeError):
            pass  # servers often declare the wrong charset; fall through to detection
    return _decode(record.source, record.body)


def documents(records: Iterable[RawRecord | InputError], fetcher: "Fetcher | None" = None
              ) -> Iterator[Document | InputError]:
    """`to_document` over a reader's records; failures are yielded, not raised (single-machine ingest)."""
    for item in records:
        if isinstance(item, InputError):
            yield item
            continue
        try:
            yield to_document(item, fetcher)
        except InputError as exc:
            yield exc
