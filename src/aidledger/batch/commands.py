"""CLI commands of aidledger.batch, registered on the main Typer app by `aidledger.cli`."""

from typing import Optional

import typer

DB_HELP = "Database URL (default: $AIDLEDGER_DB or sqlite:///aidledger.db)."


def register(app: typer.Typer) -> None:
    """Add this package's commands to `app`."""
    app.command("batch")(batch)
    app.command("load")(load)


def batch(inputs: list[str] = typer.Argument(..., help="WARC(.gz), JSONL(.gz), .rss/.atom, .urls, .feeds files "
                                             "or folders; local paths or fsspec URLs (s3://...)."),
          out: str = typer.Option(..., "--out", help="Output folder (or fsspec URL) for the Parquet partitions."),
          workers: int = typer.Option(2, "--workers", help="Local worker processes (a Dask LocalCluster)."),
          scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Existing Dask scheduler, e.g. "
                                                  "tcp://HOST:8786 (then --workers is ignored)."),
          per: int = typer.Option(500, "--records-per-partition", help="Articles per partition (0: one per file)."),
          allow_private: bool = typer.Option(False, "--allow-private", help="Let URL and feed fetching reach "
                                             "private, loopback and link-local addresses."),
          interval: float = typer.Option(1.0, "--per-host-interval", help="Seconds between requests to a host."),
          timeout: float = typer.Option(15.0, "--timeout", help="Seconds allowed per HTTP request."),
          ) -> None:
    """Extract commitments from news crawls on a Dask cluster into partitioned Parquet (resumable)."""
    from rich.console import Console

    from aidledger.batch.job import BatchJob
    from aidledger.batch.run import run_batch
    from aidledger.ingest.fetch import FetchPolicy

    console = Console(stderr=True)
    job = BatchJob(FetchPolicy(timeout=timeout, per_host_interval=interval, allow_private=allow_private))
    with _BatchProgress(console) as progress:
        report = run_batch(inputs, out, workers=workers, scheduler=scheduler, records_per_partition=per, job=job,
                           progress=progress.update)
    console.print(f"{report.partitions} partitions ({report.resumed} already done, {report.failed} failed); "
                  f"{report.records} records: {report.documents} documents, {report.duplicates} duplicates, "
                  f"{report.errors} bad; {report.commitments} commitments in {report.elapsed:.1f} s -> {out}")
    for reason, count in sorted(report.reasons.items(), key=lambda kv: -kv[1])[:10]:
        console.print(f"  {count:6d} x {reason}", markup=False)
    for source, reason in report.samples[:10]:
        console.print(f"  bad: {source}: {reason}", markup=False)


def load(out: str = typer.Argument(..., help="A `aidledger batch` output folder (or fsspec URL)."),
         db: Optional[str] = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Merge a batch's Parquet output into the ledger (known documents are no-ops) and reconcile."""
    from aidledger.batch.load import load as load_output
    from aidledger.store import open_ledger

    ledger = open_ledger(db)
    report = load_output(out, ledger)
    typer.echo(f"loaded {report.partitions} partitions: {report.documents} new documents, {report.known} already "
               f"known, {report.commitments} commitments; reconciled {report.donors} donors in {ledger.url}")


class _BatchProgress:
    """Rich progress: files, records, articles/s, bad records so far and the ETA."""

    def __init__(self, console) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.bar = Progress(TextColumn("{task.description:8}"), BarColumn(), MofNCompleteColumn(),
                            TextColumn("{task.fields[rate]}"), TextColumn("{task.fields[errors]}"),
                            TimeRemainingColumn(), console=console, transient=False)
        self.files = self.bar.add_task("files", total=None, rate="", errors="")
        self.records = self.bar.add_task("records", total=None, rate="", errors="")

    def __enter__(self) -> "_BatchProgress":
        self.bar.start()
        return self

    def __exit__(self, *exc) -> None:
        self.bar.stop()

    def update(self, report) -> None:
        rate = report.documents / report.elapsed if report.elapsed > 0 else 0.0
        self.bar.update(self.files, total=report.files, completed=report.files_done)
        total = max(report.records_expected, report.records) or None  # gzipped JSONL and feeds are not counted ahead
        self.bar.update(self.records, total=total, completed=report.records,
                        rate=f"{rate:.1f} articles/s", errors=f"{report.errors} bad")
