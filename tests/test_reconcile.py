"""Reconciliation rules on small hand-made ledgers: merging, lifecycle, totals, parts, determinism."""

import random

from aidledger.reconcile import reconcile
from aidledger.reconcile.currency import convert


def row(cid, doc, amount=None, currency="USD", donor="JPN", status="pledged", scope="new", date="2024-01-10",
        kind="money", **extra):
    return {"id": cid, "document_id": doc, "kind": kind, "donor": donor, "recipient": "UKR", "amount": amount,
            "currency": currency, "status": status, "scope": scope, "date": date, "published": date, **extra}


def test_same_pledge_from_several_outlets_is_one_entry_with_every_source():
    rows = [row("a", "d1", 37e6), row("b", "d2", 37e6, date="2024-01-12"), row("c", "d3", 37.2e6)]
    result = reconcile(rows)
    assert len(result.entries) == 1
    entry = result.entries[0]
    assert {m["document_id"] for m in entry.members} == {"d1", "d2", "d3"}
    assert entry.conflicts() == [{"field": "amount", "values": ["USD 37,000,000", "USD 37,200,000"]}]


def test_stated_conversion_links_reports_in_two_currencies():
    rows = [row("a", "d1", 15e9, "JPY", alt_amount=100e6, alt_currency="USD"), row("b", "d2", 100e6, "USD")]
    assert len(reconcile(rows).entries) == 1


def test_lifecycle_is_one_entry_with_a_stage_history():
    rows = [row("a", "d1", 5e8, "EUR", status="announced", date="2024-01-10"),
            row("b", "d2", 5e8, "EUR", status="committed", date="2024-03-01"),
            row("c", "d3", 5e8, "EUR", status="disbursed", date="2024-09-01")]
    [entry] = reconcile(rows).entries
    assert [s["stage"] for s in entry.stage_history()] == ["announced", "committed", "disbursed"]
    assert entry.summary()["status"] == "disbursed"


def test_same_amount_more_than_a_year_apart_stays_separate():
    rows = [row("a", "d1", 5e8, "EUR", date="2023-03-01"), row("b", "d2", 5e8, "EUR", date="2024-09-01")]
    assert len(reconcile(rows).entries) == 2


def test_same_amount_from_two_donors_stays_separate():
    rows = [row("a", "d1", 1e8), row("b", "d2", 1e8, donor="DEU")]
    assert len(reconcile(rows).entries) == 2


def test_two_figures_in_one_article_are_two_commitments():
    rows = [row("a", "d1", 1e8), row("b", "d1", 1.01e8)]
    assert len(reconcile(rows).entries) == 2


def test_running_totals_are_a_series_not_entries():
    rows = [row("a", "d1", 7e9, scope="cumulative"), row("b", "d2", 7e9, scope="cumulative"), row("c", "d1", 3e7)]
    result = reconcile(rows)
    assert len(result.entries) == 1
    assert len(result.totals) == 1 and result.totals[0].documents == ["d1", "d2"]


def test_part_of_links_to_parent_and_does_not_count():
    rows = [row("a", "d1", 1e9, "EUR"), row("b", "d1", 3e8, "EUR", scope="part_of", parent_amount=1e9)]
    entries = {e.first["id"]: e for e in reconcile(rows).entries}
    assert entries["b"].parent_entry_id == entries["a"].id
    assert entries["b"].summary()["counts_toward_total"] is False
    assert entries["a"].summary()["counts_toward_total"] is True


def test_increase_counts_only_the_increment():
    rows = [row("a", "d1", 3e8, increment=2e8)]
    summary = reconcile(rows).entries[0].summary()
    assert summary["counted_usd"] == 2e8 and summary["amount"] == 3e8


def test_result_does_not_depend_on_arrival_order():
    rows = [row(f"c{i}", f"d{i % 5}", (1 + i % 4) * 1e7, date=f"2024-0{1 + i % 9}-1{i % 9}") for i in range(40)]
    expected = sorted((e.id, tuple(sorted(m["id"] for m in e.members))) for e in reconcile(rows).entries)
    for seed in range(5):
        shuffled = rows[:]
        random.Random(seed).shuffle(shuffled)
        got = sorted((e.id, tuple(sorted(m["id"] for m in e.members))) for e in reconcile(shuffled).entries)
        assert got == expected


def test_reviewer_decisions_apply_after_clustering():
    rows = [row("a", "d1", 1e8), row("b", "d2", 1e8)]
    [entry] = reconcile(rows, [{"action": "split", "commitment_ids": ["b"], "id": 1}]).entries[:1]
    assert len(reconcile(rows, [{"action": "split", "commitment_ids": ["b"], "id": 1}]).entries) == 2
    rejected = reconcile(rows, [{"action": "reject", "commitment_ids": ["a"], "id": 1}]).entries[0]
    assert rejected.summary()["counts_toward_total"] is False
    edited = reconcile(rows, [{"action": "edit", "commitment_ids": ["a"], "values": {"aid_type": "military"},
                               "id": 1}]).entries[0]
    assert edited.summary()["aid_type"] == "military"


def test_conversion_uses_the_ecb_rate_of_the_day_and_flags_unknown_currencies():
    c = convert(100e6, "EUR", "2024-01-10")
    assert c.source == "ECB" and c.rate_date == "2024-01-10" and 105e6 < c.usd < 115e6
    weekend = convert(1e6, "JPY", "2024-01-07")
    assert weekend.rate_date == "2024-01-05"
    assert convert(1e9, "UAH", "2024-01-10").usd is None


def test_channels_are_named_canonically_so_outlets_agree():
    rows = [row("a", "d1", 37e6, channel="NATO fund"), row("b", "d2", 37e6, channel="the NATO trust fund")]
    [entry] = reconcile(rows).entries
    assert entry.summary()["channel"] == "NATO CAP trust fund"
    assert entry.conflicts() == []


def test_entries_keep_the_rate_they_were_converted_at():
    [entry] = reconcile([row("a", "d1", 15e9, "JPY", date="2024-01-10")]).entries
    s = entry.summary()
    assert s["rate_date"] == "2024-01-10" and s["rate_source"] == "ECB"
    assert abs(s["amount_usd"] - 15e9 * s["usd_rate"]) < 1
