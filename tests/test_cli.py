"""End to end through the command line, as a user runs it."""

import json
import subprocess
import sys

import pytest

from conftest import SEEDS

CLI = [sys.executable, "-m", "aidledger.cli"]


def run(*args, check=True):
    return subprocess.run([*CLI, *args], capture_output=True, text=True, check=check)


def test_extract_json_contract(tmp_path):
    article = tmp_path / "a.txt"
    text = "Headline\r\nCanada will give $20 million to Ukraine through UNICEF, Ottawa said on Friday.\n"
    article.write_bytes(text.encode("utf-8"))
    out = json.loads(run("extract", str(article), "--published", "2024-05-06", "--json").stdout)
    assert len(out) == 1
    rec = out[0]
    for field in ("kind", "donor", "recipient", "amount", "currency", "qualifier", "status", "scope", "date",
                  "evidence", "span", "aid_type", "channel"):
        assert field in rec
    assert (rec["donor"], rec["currency"], rec["amount"]) == ("CAN", "CAD", 20e6)
    start, end = rec["span"]
    assert text[start:end] == rec["evidence"]


def test_ingest_ledger_show_on_seeds(tmp_path):
    if not SEEDS.exists():
        pytest.skip("../shared/seeds is absent")
    db = f"sqlite:///{tmp_path / 'l.db'}"
    first = run("ingest", str(SEEDS), "--db", db)
    assert "read 4 new, 0 already known, 0 failed" in first.stderr
    again = run("ingest", str(SEEDS), "--db", db)
    assert "read 0 new, 4 already known" in again.stderr
    rows = json.loads(run("ledger", "--db", db, "--format", "json", "--kind", "money", "--raw").stdout)
    amounts = sorted((r["amount"], r["currency"]) for r in rows)
    assert amounts == sorted([(30e6, "USD"), (470e6, "USD"), (7e9, "USD"), (37e6, "USD"), (4.5e9, "USD"),
                              (7.6e9, "USD")])
    rows = json.loads(run("ledger", "--db", db, "--format", "json", "--donor", "JPN", "--since", "2024", "--raw").stdout)
    assert rows and all(r["date"] >= "2024" for r in rows)
    shown = run("show", rows[0]["id"][:8], "--db", db).stdout
    assert "evidence" in shown and rows[0]["id"] in shown
    csv_out = run("ledger", "--db", db, "--format", "csv", "--raw").stdout
    assert csv_out.splitlines()[0].startswith("id,date,donor,kind,amount")


def test_ingest_reports_bad_files_and_keeps_going(tmp_path):
    (tmp_path / "good.txt").write_text("Germany will send 10 generators to Ukraine, Berlin said on Monday.\n")
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    (tmp_path / "broken.jsonl").write_text('{"text": "Sweden will give SEK 1 billion to Ukraine."}\n{broken\n')
    db = f"sqlite:///{tmp_path / 'l.db'}"
    result = run("ingest", str(tmp_path), "--db", db)
    assert "read 2 new, 0 already known, 3 failed" in result.stderr
    assert "empty.txt" in result.stderr and "binary" in result.stderr and "broken.jsonl:2" in result.stderr


def test_eval_command_prints_scores(seed_gold):
    from conftest import SEED_GOLD

    out = run("eval", str(SEED_GOLD), "--docs", str(SEEDS), "--json").stdout
    report = json.loads(out)
    assert report["scores"]["money"]["recall"] == 1.0
    assert report["scores"]["trap_hits"] == 0


def test_unknown_commitment_is_a_clear_error(tmp_path):
    result = run("show", "nope", "--db", f"sqlite:///{tmp_path / 'x.db'}", check=False)
    assert result.returncode == 2
    assert "no commitment with id 'nope'" in result.stderr
