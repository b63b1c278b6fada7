"""WARC and WARC.gz crawls (warcio): HTML responses -> `RawRecord`s, streamed.

Only successful HTML ``response`` records (and HTML or plain-text ``resource`` records) are articles;
requests, metadata, images, robots.txt and redirects are skipped silently. A record that cannot be read
is yielded as an `InputError` and the next one is read; corrupt compression ends the file with one
error naming the byte offset, because nothing after it can be trusted. Record offsets let a batch split
one large WARC.gz into independent byte ranges (each gzip member is one record).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from aidledger.errors import InputError
from aidledger.ingest.fetch import parse_content_type
from aidledger.ingest.raw import PAGE_KINDS, RawRecord, documents
from aidledger.ingest.readers import MAX_BYTES
from aidledger.records import Document



def read_warc(path: Path) -> Iterator[Document | InputError]:
    """Every article of a local WARC file as a `Document` (single-machine ingest)."""
    with open(path, "rb") as stream:
        yield from documents(iter_warc(stream, str(path)))


def iter_warc(stream: BinaryIO, name: str, base_offset: int = 0, length: int | None = None
              ) -> Iterator[RawRecord | InputError]:
    """Article records of `stream` (positioned at a record start), reading at most `length` bytes."""
    from warcio.archiveiterator import ArchiveIterator

    records = ArchiveIterator(_Window(stream, length) if length is not None else stream)
    offset = base_offset
    try:
        for record in records:
            kind = article_kind(record)
            if kind is None:
                continue
            body = _payload(record)  # before the offset: warcio finds the offset by reading to the end
            offset = base_offset + records.get_record_offset()
            yield _raw(record, kind, body, f"{name}:{offset}")
    except Exception as exc:  # zlib, EOF and warcio parse errors: the stream cannot be resynchronised
        yield InputError(f"{name}:{offset}", f"corrupt WARC data after this record ({type(exc).__name__}: {exc})",
                         "the rest of the file is skipped; fetch or rebuild it")


def record_offsets(stream: BinaryIO) -> Iterator[tuple[int, bool]]:
    """(byte offset, is an article) of each record, then (end offset, False); raises `InputError`."""
    from warcio.archiveiterator import ArchiveIterator

    records = ArchiveIterator(stream)
    end = 0
    for record in records:
        article = article_kind(record) is not None
        yield records.get_record_offset(), article
        records.read_to_end(record)
        end = records.get_record_offset() + records.get_record_length()
    yield end, False


def article_kind(record) -> str | None:
    """'html' or 'text' for an article record, None for anything to skip."""
    if record.rec_type == "response":
        headers = record.http_headers
        if headers is None or headers.get_statuscode() != "200":
            return None
        kind = PAGE_KINDS.get(parse_content_type(headers.get_header("Content-Type") or "")[0])
        return kind if kind == "html" else None  # crawled text/plain is robots.txt, ads.txt...: not news
    if record.rec_type == "resource":  # archived documents (warcio's resource records) may be plain text
        return PAGE_KINDS.get(parse_content_type(record.rec_headers.get_header("Content-Type") or "")[0])
    return None


def _payload(record) -> bytes | Exception:
    try:
        return _read_capped(record.content_stream())
    except Exception as exc:  # a truncated or badly encoded payload spoils this record only
        return exc


def _raw(record, kind: str, body: bytes | Exception, source: str) -> RawRecord | InputError:
    url = record.rec_headers.get_header("WARC-Target-URI")
    if isinstance(body, Exception):
        return InputError(source, f"payload cannot be read ({type(body).__name__}: {body})", "skip or re-fetch it")
    if len(body) > MAX_BYTES:
        return InputError(source, f"payload is over the {MAX_BYTES // 1_000_000} MB limit", "not an article")
    headers = record.http_headers or record.rec_headers
    charset = parse_content_type(headers.get_header("Content-Type") or "")[1]
    return RawRecord(source, kind, body, url=url, charset=charset)


def _read_capped(stream) -> bytes:
    """Up to MAX_BYTES + 1 bytes, in blocks (warcio's readers return nothing for one huge read)."""
    chunks, size = [], 0
    while size <= MAX_BYTES:
        chunk = stream.read(65536)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


class _Window(io.RawIOBase):
    """At most `length` bytes of `stream` from its current position: one partition's byte range."""

    def __init__(self, stream: BinaryIO, length: int) -> None:
        self._stream, self._left = stream, length

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = min(len(buffer), self._left)
        if n <= 0:
            return 0
        data = self._stream.read(n)
        buffer[:len(data)] = data
        self._left -= len(data)
        return len(data)
