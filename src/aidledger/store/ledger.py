"""The Ledger: a database of documents, commitments and their evidence.

    ledger = open_ledger("sqlite:///aidledger.db")
    report = ledger.ingest(["articles/"])
    rows = ledger.commitments(donor="JPN", since="2023-01")

Each document is written in the same transaction as its commitments and evidence
(many documents per transaction when ingesting), so a crash never leaves half a
document, and a batch that fails is retried one document at a time, so a bad
document fails alone. Ingesting the same content twice is a no-op, reported as
"known".
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path

from sqlalchemy import create_engine, event, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from aidledger.errors import ConfigurationError, InputError, StoreError
from aidledger.extract import extract
from aidledger.ingest import iter_documents
from aidledger.records import Commitment, Document
from aidledger.store import audit, entries
from aidledger.store.schema import commitments, documents, evidence, filtered
from aidledger.store.write import write_documents

DEFAULT_URL = "sqlite:///aidledger.db"
# Documents per write transaction in `ingest`: one commit and one multi-row insert per table for many
# documents instead of one each (SQLite's per-transaction cost was ~0.5 ms a document); a crash loses at
# most the uncommitted batch, whole documents, which a re-run stores
BATCH_DOCUMENTS = 100
BATCH_SECONDS = 2.0
SQLITE_MMAP_BYTES = 1 << 30  # an upper bound: SQLite maps at most the file's size
# A writer waits this long for the write lock: a reconciliation holds it throughout (138 s for the whole
# 100k-article benchmark ledger), and a reviewer saving meanwhile must wait, not fail with "database is locked"
SQLITE_BUSY_MS = 300_000


@dataclass
class IngestReport:
    read: int = 0
    known: int = 0
    commitments: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)


def default_url() -> str:
    return os.environ.get("AIDLEDGER_DB") or DEFAULT_URL


def open_ledger(url: str | None = None) -> "Ledger":
    """Open (and create or migrate) the ledger database at `url`."""
    return Ledger(url or default_url())


class Ledger:
    def __init__(self, url: str, mapped: bool = False) -> None:
        """`mapped=True` (the service) memory-maps a SQLite file for fast random reads; batch writers
        leave it off, so their resident memory does not grow with the size of the ledger file."""
        try:
            self.engine = _engine(url, mapped)
            migrate(self.engine)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot open the database {url}: {exc.__class__.__name__}: {exc}") from exc
        except ValueError as exc:
            raise ConfigurationError(f"bad database URL {url!r}: {exc} (e.g. sqlite:///aidledger.db)") from exc
        self.url = url

    # ------------------------------------------------------------ writing

    def ingest(self, paths: Iterable[str | Path], progress: Callable[[str, str], None] | None = None) -> IngestReport:
        """Read, extract and store every document under `paths`; failures are counted, never fatal."""
        return self.ingest_documents(iter_documents(list(paths)), progress)

    def ingest_documents(self, items: Iterable[Document | InputError],
                         progress: Callable[[str, str], None] | None = None) -> IngestReport:
        """Extract and store `items` (documents, or the errors of the inputs that gave none), then reconcile
        the donors they touched. Documents are stored in batches of up to `BATCH_DOCUMENTS`, one transaction
        each; a batch whose first document waited `BATCH_SECONDS` is written when the next arrives, so a
        slow source (fetching) does not hold many back."""
        report = IngestReport()
        touched: set[str | None] = set()
        batch: list[tuple[Document, list[Commitment]]] = []
        started = 0.0
        for item in items:
            if isinstance(item, InputError):
                report.failed.append((item.source, f"{item.problem} ({item.fix})"))
                _notify(progress, item.source, "failed")
                continue
            if not batch:
                started = time.monotonic()
            batch.append((item, extract(item.text, published=item.published, doc_id=item.id)))
            if len(batch) >= BATCH_DOCUMENTS or time.monotonic() - started >= BATCH_SECONDS:
                self._store(batch, touched, report, progress)
                batch = []
        self._store(batch, touched, report, progress)
        touched |= entries.stale_donors(self.engine)  # and any a killed run stored but never reconciled
        if touched:
            self.reconcile(touched)  # incremental: only the donors the new articles speak of, once per run
        return report

    def add_document(self, doc: Document, touched: set | None = None) -> int | None:
        """Store one document with its commitments in one transaction; None if already known.

        The donors of its commitments are added to `touched` so the caller can reconcile them.
        """
        [outcome] = self.add_documents([doc], touched)
        if isinstance(outcome, StoreError):
            raise outcome
        return outcome

    def add_documents(self, docs: list[Document], touched: set | None = None) -> list[int | StoreError | None]:
        """Extract and store `docs` in one transaction (each alone if that fails). Per document: the number
        of commitments stored, None if it was already known, or the `StoreError` that kept it out."""
        return self._write([(doc, extract(doc.text, published=doc.published, doc_id=doc.id)) for doc in docs],
                           touched)

    def _store(self, batch: list[tuple[Document, list[Commitment]]], touched: set, report: IngestReport,
               progress) -> None:
        for (doc, _), outcome in zip(batch, self._write(batch, touched) if batch else []):
            if isinstance(outcome, StoreError):
                report.failed.append((doc.source, str(outcome)))
                _notify(progress, doc.source, "failed")
            elif outcome is None:
                report.known += 1
                _notify(progress, doc.source, "known")
            else:
                report.read += 1
                report.commitments += outcome
                _notify(progress, doc.source, "read")

    def _write(self, items: list[tuple[Document, list[Commitment]]], touched: set | None
               ) -> list[int | StoreError | None]:
        """All of `items` in one transaction; if it fails, each in its own, so only a bad document fails
        (and none is ever half-written: its rows go in the transaction that writes it)."""
        try:
            with self.engine.begin() as conn:
                outcomes: list = write_documents(conn, items, datetime.now(timezone.utc).isoformat())
        except SQLAlchemyError as exc:
            if len(items) > 1:
                return [self._write([item], touched)[0] for item in items]
            error = StoreError(f"{items[0][0].source}: could not be stored ({exc.__class__.__name__})")
            error.__cause__ = exc
            return [error]
        if touched is not None:
            for (_, records), outcome in zip(items, outcomes):
                if outcome is not None:
                    touched.update(r.donor for r in records)
        return outcomes

    # ------------------------------------------------------------ reading

    def commitments(self, donor: str | None = None, since: str | None = None, until: str | None = None,
                    status: str | None = None, kind: str | None = None, scope: str | None = None,
                    limit: int | None = None) -> list[dict]:
        """Stored commitments as dictionaries, newest first, filtered."""
        q = select(commitments, documents.c.title, documents.c.source).join(
            documents, documents.c.id == commitments.c.document_id)
        q = filtered(q, commitments, since, until, limit, donor=donor, status=status, kind=kind, scope=scope)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]

    def commitment(self, commitment_id: str) -> dict | None:
        """One commitment with its evidence rows and the text of its document."""
        with self.engine.connect() as conn:
            # autoescape: a '%' or '_' in the id is a character, not a wildcard matching any commitment
            row = conn.execute(select(commitments).where(
                commitments.c.id.startswith(commitment_id, autoescape=True))).first()
            if row is None:
                return None
            out = dict(row._mapping)
            out["evidence"] = [dict(e._mapping) for e in conn.execute(
                select(evidence).where(evidence.c.commitment_id == out["id"]).order_by(
                    evidence.c.is_primary.desc(), evidence.c.start))]
            doc = conn.execute(select(documents).where(documents.c.id == out["document_id"])).first()
            out["document"] = dict(doc._mapping) if doc else None
            return out

    # ------------------------------------------------------------ the reconciled ledger

    def reconcile(self, donors: set[str | None] | None = None) -> int:
        """Rebuild the entries of `donors` (all when None) from their commitments and reviewer decisions."""
        return entries.rebuild(self.engine, donors)

    def entries(self, **filters) -> list[dict]:
        """Reconciled entries (see `aidledger.store.entries.list_entries` for the filters)."""
        return entries.list_entries(self.engine, **filters)

    def entry(self, entry_id: str) -> dict | None:
        return entries.get_entry(self.engine, entry_id)

    def totals(self, by: str = "donor", threshold: str = "announced") -> list[dict]:
        return entries.totals(self.engine, by, threshold)

    def reported_totals(self, donor: str | None = None) -> list[dict]:
        return entries.reported_series(self.engine, donor)

    def conflicts(self) -> list[dict]:
        return [e for e in self.entries() if e["conflicts"]]

    def review(self, action: str, commitment_ids: list[str], reviewer: str, values: dict | None = None,
               note: str | None = None) -> int:
        """Record a reviewer decision, re-reconcile the donors it touches and audit it; returns the decision id.

        The decision, the rebuilt entries and the audit event (`audited_review`) are one transaction: if any
        part fails, none of them is stored."""
        return self.audited_review(action, commitment_ids, reviewer, values, note)["decision_id"]

    def audited_review(self, action: str, commitment_ids: list[str], reviewer: str, values: dict | None = None,
                       note: str | None = None) -> dict:
        """As `review`, returning the audit event written with the decision (see `aidledger.store.audit`)."""
        return audit.review(self.engine, action, commitment_ids, reviewer, values, note)

    def documents(self) -> list[dict]:
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(
                select(documents.c.id, documents.c.source, documents.c.title, documents.c.published))]


def _notify(progress, source: str, outcome: str) -> None:
    if progress is not None:
        progress(source, outcome)


def _engine(url: str, mapped: bool = False) -> Engine:
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # WAL: readers never block the writer
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            # Reads map the file instead of copying each page through read() into a 2 MB page cache: on a
            # large ledger a full-text search's thousands of random lookups take half the time
            if mapped:
                cur.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
            cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
            cur.close()
            # pysqlite commits DDL on its own; we issue BEGIN ourselves so a migration killed half-way
            # rolls back whole instead of leaving tables without their version stamp
            dbapi_conn.isolation_level = None

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            conn.exec_driver_sql("BEGIN")
    return engine


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("aidledger.store").joinpath("migrations")))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
