"""WARC and WARC.gz crawls (warcio): HTML responses -> `RawRecord`s, streamed.

Only successful HTML ``response`` records (and HTML or plain-text ``resource`` records) are articles;
requests, metadata, images, robots.txt and redirects are skipped silently. A record that cannot be read
is yielded as an `InputError` and the next one is read; corrupt compression ends the file with one
error naming the byte offset, because nothing after it can be trusted. A batch splits one large WARC.gz
into independent byte ranges without reading it first: each gzip member is one record, and a worker finds
the first record at or after any byte offset by itself (`next_record_start`).
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from aidledger.errors import InputError
from aidledger.ingest.fetch import parse_content_type
from aidledger.ingest.raw import PAGE_KINDS, RawRecord, documents
from aidledger.ingest.readers import MAX_BYTES
from aidledger.records import Document

GZIP_MEMBER = b"\x1f\x8b\x08"  # the magic and method (deflate) every gzip member starts with
SCAN_BLOCK = 1 << 16

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


def next_record_start(stream: BinaryIO, offset: int) -> int:
    """The offset of the first record of a per-record gzipped WARC at or after `offset` (the file's end if
    none). The same offset always gives the same answer, so byte ranges cut anywhere are resolved by
    neighbours to the same record boundary, and every record falls in exactly one range.

    A record start is a gzip member that inflates to a WARC header and is followed by another or by the
    end of the file. Bytes that merely look like a gzip header, and a gzip file or a one-record WARC.gz
    stored inside a record, fail that test; a WARC.gz of several records stored inside a record would not.
    """
    pos = offset
    while True:
        stream.seek(pos)
        block = stream.read(SCAN_BLOCK)
        found = block.find(GZIP_MEMBER)
        while found != -1:
            if _opens_record(stream, pos + found):
                return pos + found
            found = block.find(GZIP_MEMBER, found + 1)
        if len(block) < SCAN_BLOCK:
            return pos + len(block)
        pos += len(block) - len(GZIP_MEMBER) + 1  # a magic cut by the block's end is found in the next


def _opens_record(stream: BinaryIO, offset: int) -> bool:
    end = _record_member_end(stream, offset)
    if end is None:
        return False
    stream.seek(end)
    return not stream.read(1) or _record_member_end(stream, end, whole=False) is not None


def _record_member_end(stream: BinaryIO, offset: int, whole: bool = True) -> int | None:
    """Where the gzip member at `offset` ends if it inflates to a WARC header, else None (with
    `whole=False`, `offset` once the header is seen, without inflating the rest)."""
    stream.seek(offset)
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
    head, pending, read = b"", b"", 0
    try:
        while not inflater.eof:
            if not pending:
                pending = stream.read(SCAN_BLOCK)
                if not pending:
                    return None  # cut short: not a whole member
                read += len(pending)
            out = inflater.decompress(pending, SCAN_BLOCK)
            pending = inflater.unconsumed_tail
            if len(head) < 5:
                head += out[:5]
                if len(head) >= 5 and not head.startswith(b"WARC/"):
                    return None
                if len(head) >= 5 and not whole:
                    return offset
    except zlib.error:
        return None
    return offset + read - len(inflater.unused_data) if head.startswith(b"WARC/") else None


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
