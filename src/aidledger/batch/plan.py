"""Batch planning: inputs -> partitions, the units of work a worker takes and resume skips.

A large WARC or JSONL file is split by byte ranges, so one big crawl still spreads over every worker: a
per-record gzipped WARC (the usual WARC.gz) by size alone, its workers finding the record boundaries, so
no worker reads the whole file before the others can start; other WARC and JSONL files at record
boundaries found by one scan; gzipped JSONL and feeds cannot be split and are one partition
each. Single-article files (.txt, .html) are grouped. A URL list is grouped by host, never splitting a
host, so the per-host rate limit of one task is the rate limit for the whole cluster.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import os
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from aidledger.errors import InputError
from aidledger.ingest.containers import container_suffix

KINDS = {".warc": "warc", ".warc.gz": "warc", ".jsonl": "jsonl", ".jsonl.gz": "jsonl.gz", ".rss": "feed",
         ".atom": "feed", ".urls": "urls", ".feeds": "feeds", ".txt": "files", ".html": "files", ".htm": "files"}
SPLITTABLE = ("warc", "jsonl")
SAMPLE_ARTICLES = 100  # read from the start of a WARC.gz for its bytes per article
SAMPLE_BYTES = 4 << 20
TAIL_PIECES = 4  # the last partition of each worker is cut in this many, so workers finish together


@dataclass(frozen=True, slots=True)
class Partition:
    id: str
    input: str  # the file (local path or fsspec URL) it reads; for "files", the folder
    kind: str  # warc | jsonl | jsonl.gz | feed | urls | feeds | files
    start: int = 0  # byte range, for warc and jsonl
    length: int | None = None  # None: to the end of the file
    aligned: bool = True  # False: the range was cut by size; its worker moves both ends to record starts
    first_line: int = 1
    items: tuple = ()  # files of a "files" partition; (line, text) of a "urls" partition
    records: int = 0  # articles expected, for progress (0: unknown)


def kind_of(name: str) -> str | None:
    suffix = container_suffix(name) or os.path.splitext(name)[1].lower()
    return KINDS.get(suffix)


def expand(inputs: list[str]) -> list[tuple[str, str]]:
    """(file, kind) of every supported file under `inputs`, folders recursively, in a stable order."""
    import fsspec

    found = []
    for raw in inputs:
        fs, root = fsspec.core.url_to_fs(raw)
        if not fs.exists(root):
            raise InputError(raw, "no such file or folder", "check the path or URL")
        names = sorted(fs.find(root)) if fs.isdir(root) else [root]
        for name in names:
            kind = kind_of(name)
            if kind is not None or not fs.isdir(root):
                found.append((_full(fs, name, raw), kind or "unsupported"))
    return found


def plan(files: list[tuple[str, str]], per: int) -> list[Partition]:
    """Partitions of the files that need no scan (groups, lists, unsplittable streams)."""
    out, singles = [], [f for f, k in files if k == "files"]
    for i in range(0, len(singles), max(per, 1) if per else len(singles) or 1):
        group = tuple(singles[i:i + per] if per else singles)
        out.append(_partition(os.path.dirname(group[0]), "files", len(out), items=group, records=len(group)))
    for path, kind in files:
        if kind == "urls":
            out.extend(plan_url_list(path, per))
        elif kind not in ("files",) and (kind not in SPLITTABLE or not per):
            out.append(_partition(path, kind, 0))
    return out


def plan_split(path: str, kind: str, per: int, workers: int = 1) -> list[Partition]:
    """Byte-range partitions of a WARC or JSONL file of about `per` articles each (runs on a worker).

    A per-record gzipped WARC is cut by size after reading its first articles for their mean size; the
    ranges left for the last round (`workers` partitions' worth) are cut in `TAIL_PIECES`, so no worker
    waits on another's last full partition. Other files are read once for their record boundaries.
    """
    import fsspec

    with fsspec.open(path, "rb") as stream:
        ranges = _warc_ranges(stream, per, workers) if kind == "warc" else None
        if ranges is not None:
            return [_partition(path, kind, n, start=start, length=end - start, aligned=False, records=count)
                    for n, (start, end, count) in enumerate(ranges)]
        stream.seek(0)
        bounds = _warc_bounds(stream, per) if kind == "warc" else _jsonl_bounds(stream, per)
    return [_partition(path, kind, n, start=start, length=length, first_line=line, records=count)
            for n, (start, length, line, count) in enumerate(bounds)]


def _warc_ranges(stream, per: int, workers: int) -> list[tuple[int, int, int]] | None:
    """(start, end, articles expected) of size-cut ranges of a per-record gzipped WARC; None for any other
    file (uncompressed, or gzipped whole), or when its first records cannot be read."""
    from aidledger.ingest.warc import next_record_start

    size = stream.seek(0, os.SEEK_END)
    stream.seek(0)
    if stream.read(2) != b"\x1f\x8b":
        return None
    try:
        sampled, articles, records = _sample(stream)
    except Exception:  # bad data at the start: the scan reports it as before
        return None
    if records > 1 and next_record_start(stream, 1) >= size:
        return None  # one gzip stream for the whole file: it cannot be cut
    per_bytes = max(per * sampled / max(articles, 1), 1.0)
    cuts = _cuts(size, per_bytes, max(workers, 1))
    return [(a, b, round((b - a) * articles / sampled)) for a, b in itertools.pairwise(cuts)]


def _sample(stream) -> tuple[int, int, int]:
    """Bytes, articles and records read from the start until SAMPLE_ARTICLES articles or SAMPLE_BYTES."""
    from warcio.archiveiterator import ArchiveIterator

    from aidledger.ingest.warc import article_kind

    stream.seek(0)
    iterator = ArchiveIterator(stream)
    end = articles = records = 0
    for record in iterator:
        articles += article_kind(record) is not None
        records += 1
        iterator.read_to_end(record)
        end = iterator.get_record_offset() + iterator.get_record_length()
        if articles >= SAMPLE_ARTICLES or end >= SAMPLE_BYTES:
            break
    return max(end, 1), articles, records


def _cuts(size: int, piece: float, workers: int) -> list[int]:
    """Offsets cutting `size` bytes into pieces of about `piece`, the last `workers` pieces' worth in
    TAIL_PIECES each."""
    n = max(1, math.ceil(size / piece))
    if n <= workers:
        return [round(size * i / n) for i in range(n + 1)]
    tail = round(size * workers / n)
    bulk = [round((size - tail) * i / (n - workers)) for i in range(n - workers)]
    pieces = workers * TAIL_PIECES
    return bulk + [size - tail + round(tail * i / pieces) for i in range(pieces + 1)]


def plan_url_list(path: str, per: int) -> list[Partition]:
    import fsspec

    with fsspec.open(path, "rt", encoding="utf-8") as f:
        lines = [(n, line.strip()) for n, line in enumerate(f, start=1) if line.strip()]
    by_host: dict[str, list] = {}
    for n, line in lines:
        if not line.startswith("#"):
            by_host.setdefault(urlsplit(line).hostname or "", []).append((n, line))
    groups: list[list] = [[]]
    for host in sorted(by_host):
        if groups[-1] and per and len(groups[-1]) + len(by_host[host]) > per:
            groups.append([])
        groups[-1].extend(by_host[host])
    return [_partition(path, "urls", n, items=tuple(g), records=len(g)) for n, g in enumerate(groups) if g]


def _warc_bounds(stream, per: int) -> list[tuple[int, int | None, int, int]]:
    """(start, length, 1, articles) of each chunk of `per` articles; a corrupt tail is the last chunk,
    read to the end so its worker reports the corruption."""
    from aidledger.ingest.warc import record_offsets

    bounds, start, count, offset = [], 0, 0, 0
    try:
        for offset, article in record_offsets(stream):
            if count >= per:
                bounds.append((start, offset - start, 1, count))
                start, count = offset, 0
            count += article
    except Exception:  # the scan stops where the data is bad; the worker names the error
        bounds.append((start, None, 1, count))
        return bounds
    if count or not bounds:
        bounds.append((start, offset - start, 1, count))
    return bounds


def _jsonl_bounds(stream, per: int) -> list[tuple[int, int | None, int, int]]:
    bounds, start, pos, count, first = [], 0, 0, 0, 1
    for number, line in enumerate(stream, start=1):
        if count >= per:
            bounds.append((start, pos - start, first, count))
            start, count, first = pos, 0, number
        pos += len(line)
        count += bool(line.strip())
    bounds.append((start, pos - start, first, count))
    return bounds


def _partition(path: str, kind: str, n: int, **fields) -> Partition:
    key = repr((path, kind, n, sorted(fields.items())))
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", os.path.basename(path.rstrip("/")) or "input")[:40]
    digest = hashlib.sha1(key.encode()).hexdigest()[:10]
    return Partition(f"{slug}-{kind.replace('.', '_')}-{n:05d}-{digest}", path, kind, **fields)


def _full(fs, name: str, raw: str) -> str:
    """A name every worker can open: absolute local paths, or the URL with its protocol."""
    protocol = fs.protocol if isinstance(fs.protocol, str) else fs.protocol[0]
    return os.path.abspath(name) if protocol in ("file", "local") else fs.unstrip_protocol(name)
