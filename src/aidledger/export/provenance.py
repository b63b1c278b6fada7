"""JSON Lines and Parquet with full provenance: one record per entry, everything needed to rebuild it.

A record carries the entry's figures, stage history and conflicts, every member commitment with its
document (text included, so `aidledger import` can recreate it), evidence spans and sentences, and the
reviewer decisions that name any of its commitments. Reported running totals follow the entries as
records of their own (`"record": "reported_total"`), so a moved ledger keeps them too.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from aidledger.errors import ConfigurationError, InputError
from aidledger.export.stream import CHUNK, DOCUMENT_FIELDS, ExportReport, Filters, binary_sink, iter_records
from aidledger.store.schema import commitments, entries

PARQUET_MAGIC = b"PAR1"
TOTAL_FIELDS = ["as_of"]  # the one field of a reported total that an entry does not have


def export_json(source, out: str | os.PathLike | BinaryIO, filters: Filters | None = None) -> ExportReport:
    """Write JSON Lines: one provenance record per line, entries first, then reported totals."""
    counts = {"entry": 0, "reported_total": 0}
    with binary_sink(out) as stream:
        for record in iter_records(source, filters):
            stream.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n")
            counts[record["record"]] += 1
    return ExportReport("json", counts["entry"], counts["reported_total"])


def export_parquet(source, out: str | os.PathLike | BinaryIO, filters: Filters | None = None,
                   row_group: int = CHUNK) -> ExportReport:
    """Write Parquet with the same nested records, one row group per `row_group` records."""
    pa, pq = _pyarrow()
    schema = parquet_schema()
    counts = {"entry": 0, "reported_total": 0}
    batch: list[dict] = []
    with binary_sink(out) as stream, pq.ParquetWriter(stream, schema) as writer:
        for record in iter_records(source, filters):
            batch.append(_flat_decisions(record))
            counts[record["record"]] += 1
            if len(batch) == row_group:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                batch = []
        if batch or not any(counts.values()):
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
    return ExportReport("parquet", counts["entry"], counts["reported_total"])


def _pyarrow():
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise ConfigurationError("Parquet needs pyarrow: pip install 'aidledger[export]'") from exc
    return pa, pq


def _flat_decisions(record: dict) -> dict:
    """Parquet has no free-form maps: an edit decision's values travel as a JSON string."""
    return {**record, "decisions": [{**d, "values": json.dumps(d["values"], sort_keys=True)}
                                    for d in record["decisions"]]}


def parquet_schema():
    """The Parquet schema of a provenance record, typed from the SQL schema's columns."""
    pa, _ = _pyarrow()
    text = pa.string()

    def typed(column):
        return {float: pa.float64(), int: pa.int64(), bool: pa.bool_()}.get(column.type.python_type, text)

    evidence = pa.struct([("document_id", text), ("start", pa.int64()), ("end", pa.int64()), ("sentence", text),
                          ("amount_start", pa.int64()), ("amount_end", pa.int64()), ("is_primary", pa.bool_())])
    document = pa.struct([(name, text) for name in DOCUMENT_FIELDS + ["text"]])
    member = pa.struct([(c.name, typed(c)) for c in commitments.columns] +
                       [("reason", text), ("document", document), ("evidence", pa.list_(evidence))])
    decision = pa.struct([("action", text), ("commitment_ids", pa.list_(text)), ("values", text),
                          ("reviewer", text), ("note", text), ("created_at", text)])
    nested = {"conflicts": pa.list_(pa.struct([("field", text), ("values", pa.list_(text))])),
              "stage_history": pa.list_(pa.struct([("stage", text), ("date", text), ("sources", pa.list_(text))]))}
    fields = [("record", text)] + [(c.name, nested.get(c.name) or typed(c)) for c in entries.columns]
    fields += [(name, text) for name in TOTAL_FIELDS]
    return pa.schema(fields + [("members", pa.list_(member)), ("decisions", pa.list_(decision))])


# ---------------------------------------------------------------- reading an export back


def read_records(path: str | os.PathLike) -> Iterator[dict]:
    """The records of a JSON Lines or Parquet export, one at a time."""
    path = Path(path)
    try:
        with open(path, "rb") as f:
            magic = f.read(4)
    except OSError as exc:
        raise InputError(str(path), f"cannot be read ({exc.strerror})", "check the path") from exc
    reader = _parquet_records if magic == PARQUET_MAGIC else _json_records
    for n, record in reader(path):
        if not isinstance(record, dict) or record.get("record") not in ("entry", "reported_total") \
                or not isinstance(record.get("members"), list):
            raise InputError(f"{path}:{n}", "is not an aidledger provenance record",
                             "import files written by `aidledger export --format json` or `--format parquet`")
        yield record


def _json_records(path: Path) -> Iterator[tuple[int, dict]]:
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                yield n, json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{n}", f"is not JSON ({exc.msg})",
                                 "use a JSON Lines export: one record per line") from exc


def _parquet_records(path: Path) -> Iterator[tuple[int, dict]]:
    _, pq = _pyarrow()
    n = 0
    for batch in pq.ParquetFile(path).iter_batches(batch_size=CHUNK):
        for record in batch.to_pylist():
            n += 1
            for d in record.get("decisions") or []:
                d["values"] = json.loads(d["values"]) if d.get("values") else {}
            yield n, record

