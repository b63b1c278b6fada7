"""The command line: each command parses its arguments, calls one library function and prints.

Library errors (`AidledgerError`) become a one-line message and exit code 2.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import Optional

import typer

from aidledger.errors import AidledgerError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="A source-linked ledger of aid commitments from news.")
DB_HELP = "Database URL (default: $AIDLEDGER_DB or sqlite:///aidledger.db)."
LEDGER_COLUMNS = ["id", "date", "donor", "kind", "amount", "currency", "quantity", "item", "status", "scope",
                  "aid_type", "channel", "title"]
ENTRY_COLUMNS = ["id", "date", "donor", "recipient", "kind", "amount", "currency", "amount_usd", "amount_eur",
                 "rate_date", "counted_usd", "quantity", "item", "status", "scope", "aid_type", "channel",
                 "counts_toward_total", "sources", "mentions", "parent_entry_id"]


def main() -> None:
    try:
        app()
    except AidledgerError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)


def _ledger(db: Optional[str]):
    from aidledger.store import open_ledger

    return open_ledger(db)


@app.command()
def ingest(paths: list[Path] = typer.Argument(..., help="Files or folders (.txt, .html, .jsonl)."),
           db: Optional[str] = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Read articles, extract their commitments and store them."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from aidledger.ingest.readers import _expand

    console = Console(stderr=True)
    ledger = _ledger(db)
    total = sum(1 for _ in _expand(paths))
    with Progress(TextColumn("ingest"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
                  console=console, transient=True) as bar:
        task = bar.add_task("", total=total)

        def step(source: str, outcome: str) -> None:
            if not source.split(":")[-1].isdigit():  # JSONL lines do not advance the file bar
                bar.update(task, advance=1, description=Path(source).name)

        report = ledger.ingest(paths, progress=step)
    console.print(f"read {report.read} new, {report.known} already known, {len(report.failed)} failed; "
                  f"{report.commitments} commitments stored in {ledger.url}")
    for source, reason in report.failed:
        console.print(f"  failed: {source}: {reason}", markup=False)


@app.command()
def ledger(donor: Optional[str] = typer.Option(None, help="ISO alpha-3 or organisation code, e.g. JPN."),
           since: Optional[str] = typer.Option(None, help="Earliest date, YYYY or YYYY-MM or YYYY-MM-DD."),
           until: Optional[str] = typer.Option(None, help="Latest date."),
           status: Optional[str] = typer.Option(None, help="Stage, e.g. pledged."),
           kind: Optional[str] = typer.Option(None, help="money, in_kind or service."),
           raw: bool = typer.Option(False, "--raw", help="Every extracted commitment, before reconciliation."),
           format: str = typer.Option("table", "--format", help="table, csv or json."),
           db: Optional[str] = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """List the reconciled ledger entries (or, with --raw, every extracted commitment)."""
    store = _ledger(db)
    filters = dict(donor=donor, since=since, until=until, status=status, kind=kind)
    rows = store.commitments(**filters) if raw else store.entries(**filters)
    _emit(rows, format, raw)


def _emit(rows: list[dict], format: str, raw: bool) -> None:
    if format == "json":
        typer.echo(json.dumps(rows, indent=1, ensure_ascii=False, default=str))
    elif format == "csv":
        buf = io.StringIO()
        columns = LEDGER_COLUMNS if raw else ENTRY_COLUMNS
        writer = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
        typer.echo(buf.getvalue(), nl=False)
    elif format == "table":
        _print_table(rows, raw)
    else:
        raise typer.BadParameter("use table, csv or json", param_hint="--format")


def _print_table(rows: list[dict], raw: bool = True) -> None:
    from rich.console import Console
    from rich.table import Table

    title = f"{len(rows)} commitments" if raw else f"{len(rows)} ledger entries"
    table = Table(title=title, show_lines=False)
    last = ("source",) if raw else ("USD", "counts", "sources", "flags")
    for col in ("id", "date", "donor", "what", "status", "scope", "type") + last:
        table.add_column(col, overflow="fold")
    for r in rows:
        cells = [r["id"][:12], r["date"] or "", r["donor"] or "", _what(r), r["status"], r["scope"] or "",
                 r["aid_type"] or ""]
        if raw:
            cells.append((r.get("title") or r.get("source") or "")[:40])
        else:
            usd = f"{_human(r['counted_usd'])}" if r.get("counted_usd") else ""
            flags = ", ".join(filter(None, ["conflict" if r["conflicts"] else "",
                                            "rejected" if r["rejected"] else "",
                                            "part of " + r["parent_entry_id"] if r["parent_entry_id"] else "",
                                            "no ECB rate" if r["currency_unconverted"] else ""]))
            cells += [usd, "yes" if r["counts_toward_total"] else "no", str(r["sources"]), flags]
        table.add_row(*cells)
    Console(width=160).print(table)


def _what(r: dict) -> str:
    if r["kind"] == "money":
        q = {"over": ">", "about": "~", "up_to": "≤"}.get(r["qualifier"] or "", "")
        return f"{q}{r['currency']} {_human(r['amount'])}"
    if r["kind"] == "in_kind":
        return f"{r['quantity']} × {r['item']}" if r.get("quantity") else f"{r['item']} (no count)"
    return f"service: {r['item']}"


def _human(amount: float) -> str:
    for scale, word in ((1e12, "tn"), (1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if amount >= scale:
            return f"{amount / scale:,.4g}{word}"
    return f"{amount:,.0f}"


@app.command()
def show(commitment_id: str = typer.Argument(..., help="Commitment id (a prefix is enough)."),
         db: Optional[str] = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Show one commitment with its evidence sentence, the figure highlighted."""
    from rich.console import Console
    from rich.text import Text

    row = _ledger(db).commitment(commitment_id)
    if row is None:
        raise AidledgerError(f"no commitment with id {commitment_id!r} (list them with `aidledger ledger`)")
    console = Console()
    for key in ("id", "kind", "donor", "recipient", "amount", "currency", "qualifier", "alt_amount", "alt_currency",
                "quantity", "item", "status", "scope", "aid_type", "instrument", "sector", "channel", "date",
                "announced_by"):
        if row.get(key) is not None:
            console.print(f"[bold]{key:>13}[/]: {row[key]}")
    doc = row["document"] or {}
    console.print(f"[bold]{'source':>13}[/]: {doc.get('title') or ''} ({doc.get('source')})")
    for ev in row["evidence"]:
        text = Text(ev["sentence"])
        if ev["amount_start"] is not None:
            text.stylize("bold black on yellow", ev["amount_start"] - ev["start"], ev["amount_end"] - ev["start"])
        label = "evidence" if ev["is_primary"] else "also"
        console.print(Text(f"{label:>13}: [{ev['start']}:{ev['end']}] ", style="bold") + text)


@app.command()
def totals(by: str = typer.Option("donor", "--by", help="donor, month, type, status, channel, kind or recipient."),
           threshold: str = typer.Option("announced", help="Lowest stage that counts, e.g. committed."),
           format: str = typer.Option("table", "--format", help="table, csv or json."),
           db: Optional[str] = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Totals in USD of counted money entries at or past a stage; no double counting."""
    store = _ledger(db)
    rows = store.totals(by=by, threshold=threshold)
    if format != "table":
        _emit_plain(rows, format)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"USD totals by {by}, stage >= {threshold}")
    for col in (by, "total USD", "entries"):
        table.add_column(col)
    for r in rows:
        table.add_row(str(r["key"]), f"{r['total'] or 0:,.0f}", str(r["entries"]))
    console = Console(width=140)
    console.print(table)
    series = store.reported_totals()
    if series and by == "donor":
        console.print("Reported running totals (never added to the ledger):")
        for p in series:
            console.print(f"  {p['donor']} {p['qualifier'] or ''} {p['currency']} {p['amount']:,.0f} as of "
                          f"{p['as_of'] or 'unknown date'}; itemised so far USD {p['itemised_usd']:,.0f}; "
                          f"gap USD {p['gap_usd'] or 0:,.0f} ({len(p['documents'])} source(s))")


def _emit_plain(rows: list[dict], format: str) -> None:
    if format == "json":
        typer.echo(json.dumps(rows, indent=1, ensure_ascii=False, default=str))
        return
    buf = io.StringIO()
    if rows:
        writer = csv.DictWriter(buf, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    typer.echo(buf.getvalue(), nl=False)


@app.command()
def sources(entry_id: str = typer.Argument(..., help="Ledger entry id (a prefix is enough)."),
            db: Optional[str] = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Every report behind a ledger entry, with its evidence sentence."""
    from rich.console import Console
    from rich.text import Text

    entry = _entry(db, entry_id)
    console = Console(width=160)
    console.print(f"[bold]{entry['id']}[/] {entry['donor']} {_what(entry)} — {entry['status']}, "
                  f"{entry['sources']} source(s), {entry['mentions']} mention(s)")
    for m in entry["members"]:
        console.print(f"\n[bold]{m['published'] or '????-??-??'}[/] {m['title'] or m['source']} ({m['status']}, "
                      f"{m['scope']})", markup=True, highlight=False)
        for ev in m["evidence"]:
            text = Text("   " + ev["sentence"])
            if ev["amount_start"] is not None:
                a, b = ev["amount_start"] - ev["start"] + 3, ev["amount_end"] - ev["start"] + 3
                text.stylize("bold black on yellow", a, b)
            console.print(text)


@app.command()
def conflicts(db: Optional[str] = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Entries whose sources disagree (amounts within rounding, aid type, channel, quantity)."""
    rows = _ledger(db).conflicts()
    if not rows:
        typer.echo("no conflicts")
    for r in rows:
        for c in r["conflicts"]:
            typer.echo(f"{r['id']} {r['donor']} {_what(r)}: {c['field']} differs: {' | '.join(c['values'])}")


@app.command()
def explain(entry_id: str = typer.Argument(..., help="Ledger entry id (a prefix is enough)."),
            db: Optional[str] = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Why the reports of an entry were merged, its stage history and whether it counts."""
    entry = _entry(db, entry_id)
    typer.echo(f"{entry['id']}: {entry['donor']} -> {entry['recipient']} {_what(entry)}")
    for m in entry["members"]:
        typer.echo(f"  {m['id']} from {m['title'] or m['source']} ({m['published'] or 'no date'}): {m['reason']}")
    typer.echo("stage history:")
    for s in entry["stage_history"]:
        typer.echo(f"  {s['stage']:10} {s['date'] or 'no date':10} {len(s['sources'])} source(s)")
    if entry["counts_toward_total"]:
        typer.echo("counts toward totals: yes")
    else:
        why = "rejected by a reviewer" if entry["rejected"] else f"part of entry {entry['parent_entry_id']}"
        typer.echo(f"counts toward totals: no ({why})")
    for c in entry["conflicts"]:
        typer.echo(f"conflict: {c['field']} differs between sources: {' | '.join(c['values'])}")


def _entry(db: Optional[str], entry_id: str) -> dict:
    entry = _ledger(db).entry(entry_id)
    if entry is None:
        raise AidledgerError(f"no ledger entry with id {entry_id!r} (list them with `aidledger ledger`)")
    return entry


@app.command("extract")
def extract_command(file: Path = typer.Argument(..., help="A UTF-8 text file (or .html)."),
                    published: Optional[str] = typer.Option(None, help="Publication date YYYY-MM-DD."),
                    as_json: bool = typer.Option(False, "--json", help="Print the records as a JSON list.")) -> None:
    """Extract commitments from one file, without a database (the scoring contract)."""
    from aidledger.extract import extract
    from aidledger.ingest import read_document, read_text_file

    if file.suffix.lower() in (".html", ".htm"):
        doc = read_document(file)
        text, published = doc.text, published or doc.published
    else:
        text = read_text_file(file)
    records = [r.to_json() for r in extract(text, published=published, doc_id=file.name)]
    if as_json:
        typer.echo(json.dumps(records, indent=1, ensure_ascii=False))
    else:
        for r in records:
            typer.echo(f"{r['kind']:8} {r['donor'] or '?':8} {_what(r):28} {r['status']:10} {r['scope']:10} "
                       f"{r['evidence'][:80]}")


@app.command("eval")
def eval_command(gold: Path = typer.Argument(..., help="Gold JSON file in the shared format."),
                 docs: Path = typer.Option(..., "--docs", help="Folder with the gold's documents."),
                 as_json: bool = typer.Option(False, "--json", help="Print the full report as JSON."),
                 detect_dates: bool = typer.Option(False, "--detect-dates",
                                                   help="Ignore the gold's publication dates; find them in the text.")
                 ) -> None:
    """Score the extractor against a gold file: P/R/F1 per kind, attributes, traps, misses."""
    from aidledger.evaluate import evaluate_folder

    report = evaluate_folder(gold, docs, gold_dates=not detect_dates)
    if as_json:
        typer.echo(json.dumps(report.to_json(), indent=1, ensure_ascii=False))
        return
    scores = report.scores()
    for kind in ("money", "in_kind", "service"):
        s = scores[kind]
        typer.echo(f"{kind:8} P={s['precision']:.3f} R={s['recall']:.3f} F1={s['f1']:.3f} "
                   f"(tp={s['tp']} fp={s['fp']} fn={s['fn']})")
    attrs = ", ".join(f"{a} {v['right']}/{v['total']}" for a, v in scores["attributes"].items())
    typer.echo(f"attributes {scores['attribute_accuracy']:.3f} ({attrs})")
    typer.echo(f"trap hits {scores['trap_hits']}")
    for m in report.misses:
        typer.echo(f"  miss  {m['doc']} {m['kind']} {m['donor']} {m.get('amount') or m.get('quantity') or ''} "
                   f"{m.get('currency') or m.get('item') or ''} | {m['evidence'][:90]}")
    for p in report.false_positives:
        typer.echo(f"  fp    {p['doc']} {p['kind']} {p['donor']} {p.get('amount') or p.get('quantity') or ''} "
                   f"{p.get('currency') or p.get('item') or ''} | {p['evidence'][:90]}")
    for t in report.trap_hits:
        typer.echo(f"  trap  {t['doc']} {t['why']} | {t['evidence'][:90]}")


@app.command("eval-ledger")
def eval_ledger_command(expected: Path = typer.Argument(..., help="Expected ledger JSON (corpus/reconcile format)."),
                        docs: Path = typer.Option(..., "--docs", help="Folder with its documents.")) -> None:
    """Score reconciliation: ingest the documents into a fresh ledger and compare with the expected one."""
    from aidledger.evaluate import evaluate_reconciliation

    typer.echo(json.dumps(evaluate_reconciliation(expected, docs), indent=1, ensure_ascii=False))


def _register_packages() -> None:
    """Commands that live with their pipeline stage (export, batch, serve) register themselves here."""
    from aidledger.batch import commands as batch_commands
    from aidledger.export import commands as export_commands
    from aidledger.serve import commands as serve_commands

    for module in (export_commands, batch_commands, serve_commands):
        module.register(app)


_register_packages()

if __name__ == "__main__":  # pragma: no cover
    main()
