"""The evaluation gate (like trafilatura's): extraction quality may not drop below pinned floors.

Seeds: every gold commitment found, no false positive, no trap hit.
Dev corpus: per-kind F1 and attribute accuracy at least the floors in corpus/dev/baseline.json.
Raise a floor when the extractor improves; never lower one to make a change pass.
"""

import json

import pytest

from aidledger.evaluate import evaluate_folder

from conftest import DEV, SEED_GOLD, SEEDS


def test_seeds_are_all_found_with_no_false_positive(seed_gold):
    report = evaluate_folder(SEED_GOLD, SEEDS)
    scores = report.scores()
    assert report.misses == []
    assert report.false_positives == []
    assert report.trap_hits == []
    assert scores["money"]["tp"] == 6
    assert scores["attribute_accuracy"] >= 0.90


@pytest.mark.parametrize("corpus", ["dev", "heldout", "fresh", "fresh2", "fresh3", "fresh4", "fresh5", "fresh6", "fresh7", "fresh8",
                                    "fresh9", "fresh10", "fresh11", "fresh12", "fresh13", "fresh14", "fresh15",
                                    "fresh16", "fresh17", "fresh18", "fresh19", "fresh20", "fresh21", "fresh22", "fresh23",
                                    "fresh24", "fresh25", "fresh26", "fresh27"])
def test_corpus_stays_above_its_baseline(corpus):
    root = DEV.parent / corpus
    baseline = json.loads((root / "baseline.json").read_text())
    scores = evaluate_folder(root / "gold.json", root / "docs").scores()
    for kind in ("money", "in_kind", "service"):
        assert scores[kind]["f1"] >= baseline[kind]["f1"], (kind, scores[kind])
    assert scores["attribute_accuracy"] >= baseline["attribute_accuracy"]
    assert scores["trap_hits"] <= baseline["trap_hits"]


def test_scorer_counts_a_wrong_amount_as_miss_and_false_positive(seed_gold):
    """The gate must be able to fail: a shifted amount is both a miss and a false positive."""
    from aidledger.evaluate import score

    doc = "002_6c193443f738ebda.txt"
    golds = {"documents": {doc: {}}, "commitments": [g for g in seed_gold["commitments"]
                                                      if g["doc"] == doc and g["kind"] == "money"][:1],
             "not_commitments": []}
    wrong = dict(golds["commitments"][0], amount=golds["commitments"][0]["amount"] * 2, span=[0, 1])
    report = score(golds, {doc: [wrong]}, {doc: (SEEDS / doc).read_text("utf-8")})
    assert report.scores()["money"]["tp"] == 0
    assert len(report.misses) == 1 and len(report.false_positives) == 1


def test_reconciliation_corpus_stays_above_its_baseline(tmp_path):
    from aidledger.evaluate import evaluate_reconciliation

    root = DEV.parent / "reconcile"
    baseline = json.loads((root / "baseline.json").read_text())
    report = evaluate_reconciliation(root / "expected.json", root / "docs", f"sqlite:///{tmp_path / 'r.db'}")
    assert report["merged_wrongly"] == []  # look-alike commitments must never merge
    assert report["bcubed_f1"] >= baseline["bcubed_f1"], report
    assert len(report["missing_mentions"]) <= baseline["max_missing_mentions"], report["missing_mentions"]
    assert len(report["totals_leaked_into_ledger"]) <= baseline["max_totals_leaked"]
    assert len(report["wrong_counts_flags"]) <= baseline["max_wrong_counts_flags"]


def test_seed_totals_count_new_money_once(seed_gold, tmp_path):
    """Issue 4: announced-or-above new money on the seeds is $30M + $470M + $37M + $4.5B."""
    from aidledger import open_ledger

    ledger = open_ledger(f"sqlite:///{tmp_path / 's.db'}")
    ledger.ingest([SEEDS])
    [row] = ledger.totals(by="donor", threshold="announced")
    assert row["key"] == "JPN" and row["total"] == 30e6 + 470e6 + 37e6 + 4.5e9
    assert sorted(p["amount"] for p in ledger.reported_totals("JPN")) == [7e9, 7.6e9]
