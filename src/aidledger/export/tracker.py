"""CSV and XLSX in the layout of the Kiel Institute's Ukraine Support Tracker: one row per ledger entry.

The columns follow the tracker's main sheet (donor, announcement date, month, measure, type of aid
general and specific, item, quantity, value in reporting currency, in EUR and in USD) and add what only a
source-linked ledger has: the exchange-rate date, the channel, whether the entry counts toward totals,
the reports behind it and the entry id. The XLSX adds the evidence behind every entry and the running
totals donors reported.
"""

from __future__ import annotations

import csv
import io
import os
from typing import BinaryIO

from sqlalchemy import select

from aidledger.errors import ConfigurationError
from aidledger.export.stream import ExportReport, Filters, binary_sink, engine_of, iter_entries, \
    plain_number
from aidledger.store.entries import reported_series
from aidledger.store.schema import documents

TRACKER_HEADER = [
    "Donor", "Recipient", "Announcement date", "Month", "Measure", "Type of aid general", "Type of aid specific",
    "Item", "Quantity", "Reporting currency", "Value in reporting currency", "Amount qualifier", "Value in EUR",
    "Value in USD", "Counted value in USD", "Exchange rate date", "Channel", "Counts toward totals",
    "Part of entry", "Sources", "Entry ID",
]
EVIDENCE_HEADER = ["Entry ID", "Commitment ID", "Source", "Sentence", "Span start", "Span end"]
TOTALS_HEADER = ["Donor", "As of", "Amount", "Currency", "Qualifier", "Amount USD", "Itemised USD", "Gap USD",
                 "Sources"]
SOURCE_SEPARATOR = " | "


def tracker_row(entry: dict) -> list:
    """One entry record as a row under TRACKER_HEADER (numbers stay numbers; the CSV writer formats them)."""
    date = entry["date"] or ""
    return [
        entry["donor"], entry["recipient"], date, date[:7], entry["status"], entry["aid_type"],
        entry["sector"] or entry["instrument"] or entry["item"], entry["item"], entry["quantity"],
        entry["currency"], entry["amount"], entry["qualifier"], entry["amount_eur"], entry["amount_usd"],
        entry["counted_usd"], entry["rate_date"], entry["channel"], "yes" if entry["counts_toward_total"] else "no",
        entry["parent_entry_id"], SOURCE_SEPARATOR.join(source_links(entry["members"])), entry["id"],
    ]


def source_links(members: list[dict]) -> list[str]:
    """The URL (or, for a file, the path) of every report behind an entry, once each, oldest first."""
    links: list[str] = []
    for m in members:
        link = m["document"]["url"] or m["document"]["source"]
        if link not in links:
            links.append(link)
    return links


def export_csv(source, out: str | os.PathLike | BinaryIO, filters: Filters | None = None) -> ExportReport:
    """Write the ledger as UTF-8 CSV in the tracker layout, one row per entry, streaming."""
    count = 0
    with binary_sink(out) as stream:
        text = io.TextIOWrapper(stream, encoding="utf-8", newline="")
        writer = csv.writer(text)
        writer.writerow(TRACKER_HEADER)
        for entry in iter_entries(source, filters):
            writer.writerow([plain_number(v) for v in tracker_row(entry)])
            count += 1
        text.flush()
        text.detach()  # the caller's stream stays open
    return ExportReport("csv", count)


def export_xlsx(source, out: str | os.PathLike | BinaryIO, filters: Filters | None = None) -> ExportReport:
    """Write the tracker layout to an XLSX workbook (sheets ledger, evidence, reported_totals), streaming.

    openpyxl's write-only mode keeps one row in memory per sheet; rows go to temporary files until save.
    """
    try:
        from openpyxl import Workbook
    except ImportError as exc:
        raise ConfigurationError("XLSX export needs openpyxl: pip install 'aidledger[export]'") from exc
    filters = filters or Filters()
    book = Workbook(write_only=True)
    sheets = {name: book.create_sheet(name) for name in ("ledger", "evidence", "reported_totals")}
    for name, header in (("ledger", TRACKER_HEADER), ("evidence", EVIDENCE_HEADER), ("reported_totals", TOTALS_HEADER)):
        sheets[name].freeze_panes = "A2"
        sheets[name].append(header)
    count = 0
    for entry in iter_entries(source, filters):
        sheets["ledger"].append(_xlsx_row(sheets["ledger"], tracker_row(entry)))
        for row in _evidence_rows(entry):
            sheets["evidence"].append(_xlsx_row(sheets["evidence"], row))
        count += 1
    totals = _totals_rows(source, filters) if filters.covers_reported_totals() else []
    for row in totals:
        sheets["reported_totals"].append(_xlsx_row(sheets["reported_totals"], row))
    with binary_sink(out) as stream:
        book.save(stream)
    return ExportReport("xlsx", count, len(totals))


def _evidence_rows(entry: dict) -> list[list]:
    return [[entry["id"], m["id"], m["document"]["url"] or m["document"]["source"], ev["sentence"], ev["start"],
             ev["end"]] for m in entry["members"] for ev in m["evidence"]]


def _totals_rows(source, filters: Filters) -> list[list]:
    """Reported running totals: one per donor and figure, so few; read whole, like `aidledger totals`."""
    points = [p for p in reported_series(engine_of(source), filters.donor)
              if _in_range(p["as_of"], filters.since, filters.until)]
    links = _document_links(source, {d for p in points for d in p["documents"]})
    return [[p["donor"], p["as_of"], p["amount"], p["currency"], p["qualifier"], p["amount_usd"], p["itemised_usd"],
             p["gap_usd"], SOURCE_SEPARATOR.join(links.get(d, d) for d in p["documents"])] for p in points]


def _in_range(day: str | None, since: str | None, until: str | None) -> bool:
    if not since and not until:
        return True
    return day is not None and (not since or day >= since) and (not until or day <= until + "\uffff")


def _document_links(source, ids: set[str]) -> dict[str, str]:
    if not ids:
        return {}
    with engine_of(source).connect() as conn:
        q = select(documents.c.id, documents.c.url, documents.c.source).where(documents.c.id.in_(sorted(ids)))
        return {r.id: r.url or r.source for r in conn.execute(q)}


def _xlsx_row(sheet, values: list) -> list:
    """Cells for a write-only sheet: text is always text (a sentence starting with '=' is no formula)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    cells = []
    for value in values:
        if isinstance(value, str):
            cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
            cell.data_type = "s"
            cells.append(cell)
        else:
            cells.append(value)
    return cells

