"""The batch job: a base that owns record iteration, counters and output, and one per-record function.

As in Common Crawl's cc-pyspark, a job overrides `process_record` only; `run_partition` (what a worker
runs for one partition) reads the partition's records, calls `process_record` on each, counts bad records
with their reason (never fatal) and streams the rows to Parquet. The default `process_record` is the
single-machine path: `aidledger.ingest.raw.to_document` then `aidledger.extract.extract`, the same calls
`Ledger.ingest` makes, so a batch gives the same documents and commitments as `aidledger ingest`.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from aidledger.batch.output import PartitionResult, PartitionWriter
from aidledger.batch.plan import Partition
from aidledger.errors import InputError
from aidledger.extract import extract
from aidledger.ingest.fetch import Fetcher, FetchPolicy
from aidledger.ingest.raw import RawRecord, to_document
from aidledger.records import Commitment, Document
from aidledger.store.write import rows_of

FETCHING = ("urls", "feeds", "feed")  # partition kinds whose records may need the network
WARM_TEXT = "Japan pledged $37 million in military aid to Ukraine through a NATO fund, the minister said."
WARM_PAGE = f"<html><head><title>Aid</title></head><body><article><p>{WARM_TEXT}</p></article></body></html>"


@dataclass
class BatchJob:
    """Override `process_record` for another per-record computation; everything else is the base's."""

    fetch: FetchPolicy = field(default_factory=FetchPolicy)
    fetcher: Fetcher | None = field(default=None, repr=False)

    def process_record(self, record: RawRecord) -> tuple[Document, list[Commitment]]:
        """One record -> its document and commitments; raises `InputError` for a bad record."""
        doc = to_document(record, self.fetcher)
        return doc, extract(doc.text, published=doc.published, doc_id=doc.id)

    def warm(self) -> None:
        """Load what `process_record` needs (HTML extraction, lexicons, compiled patterns) once.

        The driver calls it before starting local workers, which are forked from it and so begin warm.
        """
        from aidledger.ingest.html import html_to_document

        html_to_document(WARM_PAGE, "warm.html")
        extract(WARM_TEXT, published="2024-01-10")

    def run_partition(self, partition: Partition, out: str) -> PartitionResult:
        """Process every record of `partition` and write its output atomically (runs on a worker)."""
        started = time.perf_counter()
        result = PartitionResult(partition=partition.id, input=partition.input)
        writer = PartitionWriter(out, partition.id)
        task = copy.copy(self)  # a worker may run several partitions of one job at once, in threads
        task.fetcher = Fetcher(self.fetch) if partition.kind in FETCHING else None
        try:
            task._process_all(partition, result, writer)
            result.seconds = time.perf_counter() - started
            writer.commit(result)
        except BaseException:
            writer.abort()
            raise
        finally:
            if task.fetcher is not None:
                task.fetcher.close()
        return result

    def _process_all(self, partition: Partition, result: PartitionResult, writer: PartitionWriter) -> None:
        seen: set[str] = set()  # document ids within this partition (bounded by its size)
        for item in iter_records(partition, self.fetcher):
            result.records += 1
            if isinstance(item, InputError):
                result.bad(item.source, item.problem)
                continue
            try:
                doc, records = self.process_record(item)
            except InputError as exc:
                result.bad(exc.source, exc.problem)
                continue
            except Exception as exc:  # one bad record never sinks a partition; name it and go on
                result.bad(item.source, f"unexpected {type(exc).__name__}: {exc}")
                continue
            if doc.id in seen:
                result.duplicates += 1
                continue
            seen.add(doc.id)
            writer.add(rows_of(doc, records))
            result.documents += 1
            result.commitments += len(records)


def iter_records(partition: Partition, fetcher: Fetcher | None = None) -> Iterator[RawRecord | InputError]:
    """The raw records of one partition, opened through fsspec (local paths or object-store URLs)."""
    import fsspec

    from aidledger.ingest.containers import iter_jsonl
    from aidledger.ingest.feeds import iter_feed, iter_feed_list, iter_url_list
    from aidledger.ingest.warc import iter_warc

    p = partition
    if p.kind == "files":
        yield from _file_records(p.items)
    elif p.kind == "urls":
        for line, url in p.items:
            yield from iter_url_list([url], p.input, first_line=line)
    elif p.kind in ("warc", "jsonl", "jsonl.gz", "feed", "feeds"):
        try:
            with fsspec.open(p.input, "rb", compression="gzip" if p.kind == "jsonl.gz" else None) as stream:
                if p.kind == "warc":
                    start, length = _record_range(stream, p)
                    stream.seek(start)
                    yield from iter_warc(stream, p.input, start, length)
                elif p.kind in ("jsonl", "jsonl.gz"):
                    stream.seek(p.start)
                    yield from iter_jsonl(stream, p.input, p.first_line, p.length)
                elif p.kind == "feed":
                    yield from iter_feed(_capped_read(stream, p.input), p.input)
                else:
                    lines = _capped_read(stream, p.input).decode("utf-8", "replace").splitlines()
                    yield from iter_feed_list(lines, p.input, fetcher)
        except OSError as exc:
            yield InputError(p.input, f"cannot be read ({exc})", "check the path and the workers' access to it")
        except InputError as exc:
            yield exc
    else:
        yield InputError(p.input, "unsupported file type", "pass WARC, JSONL(.gz), feeds, URL lists or folders")


def _record_range(stream, p: Partition) -> tuple[int, int | None]:
    """A WARC partition's byte range, its ends moved to record starts if it was cut by size (the first
    stays at 0, so damage at the very start of the file is reported, not skipped)."""
    if p.aligned:
        return p.start, p.length
    from aidledger.ingest.warc import next_record_start

    start = next_record_start(stream, p.start) if p.start else 0
    end = next_record_start(stream, p.start + p.length)
    return start, max(end - start, 0)


def _file_records(paths: tuple[str, ...]) -> Iterator[RawRecord | InputError]:
    import fsspec

    for path in paths:
        try:
            with fsspec.open(path, "rb") as f:
                body = _capped_read(f, path)
        except (OSError, InputError) as exc:
            yield exc if isinstance(exc, InputError) else InputError(path, f"cannot be read ({exc})", "check it")
            continue
        yield RawRecord(path, "text" if path.lower().endswith(".txt") else "html", body)


def _capped_read(stream, name: str) -> bytes:
    from aidledger.ingest.readers import MAX_BYTES

    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise InputError(name, f"is over the {MAX_BYTES // 1_000_000} MB limit", "split it into smaller files")
    return data
