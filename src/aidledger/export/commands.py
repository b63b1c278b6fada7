"""CLI commands of aidledger.export, registered on the main Typer app by `aidledger.cli`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

BINARY = ("xlsx", "parquet")  # zip and Parquet containers: written to a file, never to a terminal


def register(app: typer.Typer) -> None:
    """Add this package's commands to `app`."""
    from aidledger.cli import DB_HELP, _ledger

    @app.command("export")
    def export_command(
            format: str = typer.Option(..., "--format", help="csv, xlsx (tracker layout), json (JSON Lines), "
                                                             "parquet (full provenance) or iati (IATI 2.03 XML)."),
            out: Optional[Path] = typer.Option(None, "--out", help="File to write (default: standard output; "
                                                                   "ledger.xlsx / ledger.parquet for those)."),
            donor: Optional[str] = typer.Option(None, help="ISO alpha-3 or organisation code, e.g. JPN."),
            since: Optional[str] = typer.Option(None, help="Earliest date, YYYY or YYYY-MM or YYYY-MM-DD."),
            until: Optional[str] = typer.Option(None, help="Latest date."),
            status: Optional[str] = typer.Option(None, help="Stage, e.g. pledged."),
            kind: Optional[str] = typer.Option(None, help="money, in_kind or service."),
            db: Optional[str] = typer.Option(None, "--db", help=DB_HELP)) -> None:
        """Write the reconciled ledger as CSV/XLSX, JSON Lines/Parquet (importable) or IATI XML."""
        from aidledger.export import EXTENSIONS, Filters, export

        if out is None and format in BINARY:
            out = Path(f"ledger.{EXTENSIONS[format]}")
        filters = Filters(donor=donor, since=since, until=until, status=status, kind=kind)
        report = export(format, _ledger(db), out if out is not None else sys.stdout.buffer, filters)
        where = out if out is not None else "standard output"
        totals = f" and {report.reported_totals} reported totals" if report.reported_totals else ""
        skipped = f"; {report.skipped} entries without any date left out" if report.skipped else ""
        typer.echo(f"wrote {report.entries} entries{totals} as {format} to {where}{skipped}", err=True)

    @app.command("import")
    def import_command(file: Path = typer.Argument(..., help="A JSON Lines or Parquet file from `aidledger export`."),
                       db: Optional[str] = typer.Option(None, "--db", help=DB_HELP)) -> None:
        """Add an exported ledger (documents, commitments, evidence, decisions) to this one and reconcile."""
        from aidledger.export import import_ledger

        store = _ledger(db)
        report = import_ledger(file, store)
        typer.echo(f"read {report.records} records: {report.documents} new documents, {report.commitments} new "
                   f"commitments, {report.evidence} evidence spans, {report.decisions} decisions")
        if report.documents_without_text:
            typer.echo(f"  {report.documents_without_text} documents came without text and were stored empty")
        if report.entries is None:
            typer.echo(f"nothing new: {store.url} already holds everything in {file}")
        else:
            typer.echo(f"reconciled: {report.entries} entries for the donors that changed, in {store.url}")
