"""Containers of many articles, registered with the file readers by their full suffix.

WARC crawls, gzipped JSONL, feeds and URL lists are streamed record by record: a 10 GB crawl is read
with the memory of one article. ``.jsonl`` itself keeps its whole-file reader (with encoding detection).
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from aidledger.errors import InputError
from aidledger.ingest.feeds import read_feed, read_feed_list, read_url_list
from aidledger.ingest.raw import RawRecord, documents
from aidledger.ingest.warc import read_warc
from aidledger.records import Document


def read_jsonl_gz(path: Path) -> Iterator[Document | InputError]:
    with gzip.open(path, "rb") as stream:
        yield from documents(iter_jsonl(stream, str(path)))


def iter_jsonl(stream: BinaryIO, name: str, first_line: int = 1, length: int | None = None
               ) -> Iterator[RawRecord | InputError]:
    """One record per non-blank line; a corrupt gzip stream ends the file with one error."""
    number, read = first_line - 1, 0
    try:
        for number, line in enumerate(stream, start=first_line):
            if length is not None and read >= length:
                return
            read += len(line)
            if line.strip():
                yield _line_record(line, f"{name}:{number}")
    except (OSError, EOFError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError
        yield InputError(f"{name}:{number + 1}", f"corrupt compressed data ({type(exc).__name__}: {exc})",
                         "the rest of the file is skipped; re-create it")


def _line_record(line: bytes, source: str) -> RawRecord | InputError:
    try:
        return RawRecord(source, "jsonl", line.decode("utf-8"))
    except UnicodeDecodeError:
        return InputError(source, "line is not UTF-8", "write JSONL as UTF-8 (RFC 8259)")


READERS: dict[str, Callable[[Path], Iterator[Document | InputError]]] = {
    ".warc": read_warc,
    ".warc.gz": read_warc,
    ".jsonl.gz": read_jsonl_gz,
    ".rss": read_feed,
    ".atom": read_feed,
    ".urls": read_url_list,
    ".feeds": read_feed_list,
}


def container_suffix(name: str) -> str | None:
    """The registered suffix `name` ends with (``.warc.gz`` before ``.gz``), or None."""
    lower = name.lower()
    return next((s for s in sorted(READERS, key=len, reverse=True) if lower.endswith(s)), None)
