"""Export: the ledger in the formats analysts use (CSV/XLSX tracker layout, Parquet/JSON, IATI XML).

    from aidledger import open_ledger
    from aidledger.export import Filters, export, import_ledger

    ledger = open_ledger("sqlite:///aidledger.db")
    export("xlsx", ledger, "ledger.xlsx", Filters(donor="JPN", since="2024"))
    import_ledger("ledger.jsonl", open_ledger("sqlite:///other.db"))

Every writer streams: entries are read in chunks and written as they come. JSON Lines and Parquet
carry full provenance (documents with their text, evidence, decisions) and can be imported back.
"""

from __future__ import annotations

import os
from typing import BinaryIO

from aidledger.errors import ConfigurationError
from aidledger.export.iati import export_iati, validate_iati
from aidledger.export.importer import ImportReport, import_ledger
from aidledger.export.provenance import export_json, export_parquet, read_records
from aidledger.export.stream import ExportReport, Filters, iter_records
from aidledger.export.tracker import export_csv, export_xlsx

WRITERS = {"csv": export_csv, "xlsx": export_xlsx, "parquet": export_parquet, "json": export_json,
           "iati": export_iati}
EXTENSIONS = {"csv": "csv", "xlsx": "xlsx", "parquet": "parquet", "json": "jsonl", "iati": "xml"}


def export(format: str, source, out: str | os.PathLike | BinaryIO, filters: Filters | None = None) -> ExportReport:
    """Write the ledger of `source` (a Ledger or an Engine) to `out` (a path or a binary stream) in `format`."""
    writer = WRITERS.get(format)
    if writer is None:
        raise ConfigurationError(f"unknown export format {format!r} (use one of: {', '.join(WRITERS)})")
    return writer(source, out, filters)


__all__ = ["EXTENSIONS", "ExportReport", "Filters", "ImportReport", "WRITERS", "export", "export_csv", "export_iati",
           "export_json", "export_parquet", "export_xlsx", "import_ledger", "iter_records", "read_records",
           "validate_iati"]
