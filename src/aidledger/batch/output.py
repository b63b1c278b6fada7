"""Batch output: one Parquet file per table per partition, and a manifest that marks it complete.

    OUT/documents/<partition>.parquet     the columns of the `documents` table (less ingested_at)
    OUT/commitments/<partition>.parquet   the columns of `commitments`
    OUT/evidence/<partition>.parquet      the columns of `evidence` (less its row id)
    OUT/_done/<partition>.json            counters and bad records with reasons, written last

Every file is written under a temporary name and renamed, and the manifest goes last, so a partition
is either complete or absent: a re-run skips those with a manifest and redoes the rest. Paths go through
fsspec, so OUT may be a shared folder or an object-store URL (s3://...).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, field


TABLES = ("documents", "commitments", "evidence")
DONE = "_done"
ROW_GROUP = 256  # rows buffered before a write: a partition's memory stays small whatever its size
MAX_SAMPLES = 100  # bad records kept with their reason per partition (all are counted)


@dataclass(kw_only=True)
class Counters:
    """What a batch counts, per partition and for the whole run."""

    records: int = 0
    documents: int = 0
    duplicates: int = 0
    commitments: int = 0
    errors: int = 0
    samples: list[tuple[str, str]] = field(default_factory=list)  # the first bad records, with reasons
    reasons: dict[str, int] = field(default_factory=dict)  # bad records counted by reason

    def bad(self, source: str, problem: str) -> None:
        self.errors += 1
        if len(self.samples) < MAX_SAMPLES:
            self.samples.append((source, problem))
        key = problem if problem in self.reasons or len(self.reasons) < 50 else "other"
        self.reasons[key] = self.reasons.get(key, 0) + 1

    def merge(self, other: "Counters") -> None:
        for name in ("records", "documents", "duplicates", "commitments", "errors"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.samples.extend(other.samples[:max(0, MAX_SAMPLES - len(self.samples))])
        for reason, n in other.reasons.items():
            self.reasons[reason] = self.reasons.get(reason, 0) + n


@dataclass(kw_only=True)
class PartitionResult(Counters):
    """Counters of one partition (what its manifest holds)."""

    partition: str
    input: str
    seconds: float = 0.0


def arrow_schemas() -> dict:
    """The Parquet schema of each table, derived from the database schema so the two never drift."""
    import pyarrow as pa
    from sqlalchemy import Boolean, Float, Integer

    from aidledger.store.schema import commitments, documents, evidence

    def of(table, skip: set[str]):
        def arrow_type(column):
            if isinstance(column.type, Boolean):
                return pa.bool_()
            if isinstance(column.type, Integer):
                return pa.int64()
            return pa.float64() if isinstance(column.type, Float) else pa.string()

        return pa.schema([pa.field(c.name, arrow_type(c)) for c in table.columns if c.name not in skip])

    return {"documents": of(documents, {"ingested_at"}), "commitments": of(commitments, set()),
            "evidence": of(evidence, {"id"})}


class PartitionWriter:
    """Streams one partition's rows to temporary Parquet files; `commit` renames them into place."""

    def __init__(self, out: str, partition: str) -> None:
        import fsspec

        self.fs, self.root = fsspec.core.url_to_fs(out)
        self.partition = partition
        self.schemas = arrow_schemas()
        self.token = uuid.uuid4().hex[:8]
        self.buffers: dict[str, list[dict]] = {t: [] for t in TABLES}
        self.writers: dict = {}
        self.files: dict = {}

    def add(self, rows: dict[str, list[dict]]) -> None:
        for table, table_rows in rows.items():
            self.buffers[table].extend(table_rows)
            if len(self.buffers[table]) >= ROW_GROUP:
                self._flush(table)

    def commit(self, result: PartitionResult) -> None:
        """Write what is buffered, rename every file into place, then the manifest."""
        for table in TABLES:
            self._flush(table)
            self._close(table)
            self.fs.mv(self._path(table, temporary=True), self._path(table))
        manifest = self._path(DONE, suffix=".json")
        self.fs.makedirs(f"{self.root}/{DONE}", exist_ok=True)
        with self.fs.open(manifest + f".tmp-{self.token}", "w") as f:
            json.dump(asdict(result), f, ensure_ascii=False)
        self.fs.mv(manifest + f".tmp-{self.token}", manifest)

    def abort(self) -> None:
        """Remove this attempt's temporary files (a re-run redoes the partition)."""
        for table in list(self.writers):
            self._close(table)
            if self.fs.exists(self._path(table, temporary=True)):
                self.fs.rm(self._path(table, temporary=True))

    def _close(self, table: str) -> None:
        if table not in self.writers:  # nothing was ever buffered: still write an empty file
            self._flush(table)
        self.writers.pop(table).close()
        self.files.pop(table).close()

    def _flush(self, table: str) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        rows = self.buffers[table]
        if table not in self.writers:
            self.fs.makedirs(f"{self.root}/{table}", exist_ok=True)
            self.files[table] = self.fs.open(self._path(table, temporary=True), "wb")
            self.writers[table] = pq.ParquetWriter(self.files[table], self.schemas[table], compression="zstd")
        if rows:
            self.writers[table].write_table(pa.Table.from_pylist(rows, schema=self.schemas[table]))
        self.buffers[table] = []

    def _path(self, table: str, temporary: bool = False, suffix: str = ".parquet") -> str:
        name = f"{self.root}/{table}/{self.partition}{suffix}"
        return f"{name}.tmp-{self.token}" if temporary else name


def completed(out: str) -> dict[str, dict]:
    """Manifests of the partitions already complete under `out`, by partition id."""
    import fsspec

    fs, root = fsspec.core.url_to_fs(out)
    if not fs.exists(f"{root}/{DONE}"):
        return {}
    done = {}
    for path in fs.glob(f"{root}/{DONE}/*.json"):
        with fs.open(path, "r") as f:
            manifest = json.load(f)
        done[manifest["partition"]] = manifest
    return done
