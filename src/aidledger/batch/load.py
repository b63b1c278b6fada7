"""Load a batch's Parquet output into the ledger, then reconcile the donors it touched.

Idempotent: documents are keyed by content hash, and a document already stored (from an earlier load,
another partition or `aidledger ingest`) is skipped with its commitments. Each partition is loaded in
one transaction, streamed in record batches, so memory stays bounded by a batch, not by the crawl.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from aidledger.batch.output import completed
from aidledger.errors import StoreError
from aidledger.store.entries import stale_donors
from aidledger.store.write import existing_ids

BATCH_ROWS = 500


@dataclass
class LoadReport:
    partitions: int = 0
    documents: int = 0  # new documents stored
    known: int = 0  # already in the ledger: no-ops
    commitments: int = 0
    donors: int = 0  # donors whose ledger entries were rebuilt


def load(out: str, ledger) -> LoadReport:
    """Merge every complete partition under `out` into `ledger` (an `aidledger.store.Ledger`)."""
    from sqlalchemy.exc import SQLAlchemyError

    report, touched = LoadReport(), set()
    for partition in sorted(completed(out)):
        try:
            with ledger.engine.begin() as conn:
                _load_partition(conn, out, partition, report, touched)
        except SQLAlchemyError as exc:
            raise StoreError(f"{out}: partition {partition} could not be loaded into {ledger.url} "
                             f"({type(exc).__name__}: {exc}); fix the database and load again") from exc
        report.partitions += 1
    touched |= stale_donors(ledger.engine)  # a load killed after its inserts, before reconciling
    if touched:
        ledger.reconcile(touched)
        report.donors = len(touched)
    return report


def _load_partition(conn, out: str, partition: str, report: LoadReport, touched: set) -> None:
    from sqlalchemy import insert

    from aidledger.store.schema import commitments, documents, evidence

    now = datetime.now(timezone.utc).isoformat()
    new: set[str] = set()
    for rows in _batches(out, "documents", partition):
        known = existing_ids(conn, [r["id"] for r in rows])
        fresh = [dict(r, ingested_at=now) for r in rows if r["id"] not in known and r["id"] not in new]
        report.known += len(rows) - len(fresh)
        new.update(r["id"] for r in fresh)
        if fresh:
            conn.execute(insert(documents), fresh)
            report.documents += len(fresh)
    for rows in _batches(out, "commitments", partition):
        fresh = [r for r in rows if r["document_id"] in new]
        if fresh:
            conn.execute(insert(commitments), fresh)
            report.commitments += len(fresh)
            touched.update(r["donor"] for r in fresh)
    for rows in _batches(out, "evidence", partition):
        fresh = [r for r in rows if r["document_id"] in new]
        if fresh:
            conn.execute(insert(evidence), fresh)


def _batches(out: str, table: str, partition: str):
    import fsspec
    import pyarrow.parquet as pq

    fs, root = fsspec.core.url_to_fs(out)
    with fs.open(f"{root}/{table}/{partition}.parquet", "rb") as f:
        for batch in pq.ParquetFile(f).iter_batches(batch_size=BATCH_ROWS):
            yield batch.to_pylist()

