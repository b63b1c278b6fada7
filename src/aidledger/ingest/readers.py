"""Readers for each input format; each yields `Document`s or raises `InputError`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from aidledger.errors import InputError
from aidledger.extract.dates import publication_date
from aidledger.ingest.html import html_to_document
from aidledger.records import Document

SUPPORTED = (".txt", ".html", ".htm", ".jsonl")
MAX_BYTES = 50 * 1024 * 1024  # a single article larger than this is not an article


def iter_documents(paths: list[str | Path]) -> Iterator[Document | InputError]:
    """Every document under `paths`, in a stable order; failures are yielded, not raised."""
    for path in _expand(paths):
        try:
            yield from read_path(path)
        except InputError as exc:
            yield exc
        except Exception as exc:  # one bad file never sinks a batch; name it and go on
            yield InputError(str(path), f"unexpected {type(exc).__name__}: {exc}", "report this as a bug")


def _expand(paths: list[str | Path]) -> Iterator[Path]:
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and _supported(p))
        else:
            yield path


def read_path(path: Path) -> Iterator[Document | InputError]:
    if not path.exists():
        raise InputError(str(path), "no such file or folder", "check the path")
    container = container_suffix(path.name)
    if container:  # many articles in one file, streamed (see containers.py)
        yield from CONTAINER_READERS[container](path)
        return
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise InputError(str(path), f"unsupported file type '{suffix}'", f"use one of {', '.join(SUPPORTED)}")
    raw = _read_bytes(path)
    if suffix == ".jsonl":
        yield from _jsonl(path, raw)
    elif suffix in (".html", ".htm"):
        yield html_to_document(_decode(path, raw), str(path))
    else:
        yield text_document(_decode(path, raw), str(path))


def _supported(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED or container_suffix(path.name) is not None


def read_text_file(path: Path) -> str:
    """The text of a file decoded as UTF-8 with newlines untranslated (the extract contract)."""
    return _decode(path, _read_bytes(path))


def text_document(text: str, source: str, **meta) -> Document:
    if not text.strip():
        raise InputError(source, "the document has no text", "remove the file or give it content")
    title = meta.pop("title", None) or _first_line(text)
    published = meta.pop("published", None) or publication_date(text)
    return Document(Document.content_id(text), text, source, title=title, published=published, **meta)


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(str(path), f"file is {size // 1_000_000} MB, over the {MAX_BYTES // 1_000_000} MB limit",
                             "split it into articles (JSONL, one per line)")
        return path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), f"cannot be read: {exc.strerror}", "check permissions") from exc


def _decode(path: Path, raw: bytes) -> str:
    if b"\x00" in raw[:4096] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(str(path), "looks like a binary file, not text", "pass .txt, .html or .jsonl articles")
    try:
        return raw.decode("utf-8-sig") if raw.startswith(b"\xef\xbb\xbf") else raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is None:
        raise InputError(str(path), "is not valid UTF-8 and its encoding cannot be detected",
                         "convert it to UTF-8 (e.g. iconv -f cp1251 -t utf-8)")
    return str(best)


def _jsonl(path: Path, raw: bytes) -> Iterator[Document | InputError]:
    """One document per line; a bad line is yielded as an error and the next line is read."""
    for number, line in enumerate(_decode(path, raw).splitlines(), start=1):
        if line.strip():
            try:
                yield _jsonl_record(line, f"{path}:{number}")
            except InputError as exc:
                yield exc


def _jsonl_record(line: str, source: str) -> Document:
    try:
        record = json.loads(line)
    except ValueError as exc:
        raise InputError(source, f"broken JSON line ({exc.msg})", "fix or drop that line") from exc
    if not isinstance(record, dict):
        raise InputError(source, "line is not a JSON object", "write one object per line")
    meta = {k: record.get(k) if isinstance(record.get(k), str) else None for k in ("title", "published", "url")}
    if isinstance(record.get("html"), str) and record["html"].strip():
        doc = html_to_document(record["html"], source)
        return Document(doc.id, doc.text, doc.source, title=meta["title"] or doc.title,
                        published=meta["published"] or doc.published, author=doc.author, url=meta["url"])
    if isinstance(record.get("text"), str) and record["text"].strip():
        return text_document(record["text"], source, **meta)
    raise InputError(source, "line has neither 'text' nor 'html'", "add the article text")


def _first_line(text: str) -> str | None:
    for line in text.splitlines():
        words = line.split()
        if len(words) >= 4 and not line.strip().startswith(("•", "*", "-")):
            return line.strip()[:300]
    return None


def read_document(path: Path) -> Document:
    """The single document in a .txt or .html file; raises `InputError`."""
    for item in read_path(Path(path)):
        if isinstance(item, InputError):
            raise item
        return item
    raise InputError(str(path), "contains no document", "pass an article file")


# Registered last: the container readers build on the helpers above (an import cycle otherwise).
from aidledger.ingest.containers import READERS as CONTAINER_READERS, container_suffix  # noqa: E402

SUPPORTED = SUPPORTED + tuple(CONTAINER_READERS)
