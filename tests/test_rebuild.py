"""The streamed rebuild of the stored ledger gives exactly what in-memory reconciliation gives."""

import json
import random

import pytest
from sqlalchemy import insert, select

from aidledger.reconcile import reconcile
from aidledger.reconcile.core import BlockMatcher
from aidledger.store import open_ledger
from aidledger.store.schema import commitments, documents, entries, entry_members, evidence, reported_totals

CURRENCIES = ["USD", "EUR", "JPY", "GBP", "UAH"]
ITEMS = ["ambulances", "generators", "demining training", "tanks"]


def random_ledger(rng: random.Random, docs: int, undated: float) -> tuple[list[dict], list[dict], list[dict]]:
    """Documents, commitments and primary evidence spread over six years, with recaps, undated reports,
    parts of a total, running totals, channels and repeated figures."""
    doc_rows, rows, spans = [], [], []
    for d in range(docs):
        day = f"{2019 + rng.randrange(6)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
        published = None if rng.random() < undated else day
        doc_id = f"doc{d:05d}"
        doc_rows.append({"id": doc_id, "source": f"{doc_id}.txt", "url": None, "title": None, "published": published,
                         "author": None, "text": "x", "ingested_at": "2025-01-01"})
        amounts = []
        for n in range(rng.randrange(1, 4)):
            kind = rng.choice(["money", "money", "in_kind", "service"])
            amount = rng.choice([5, 12, 37, 50, 100, 250]) * 1e6 * rng.choice([1, 1, 1.004, 1.02])
            scope = rng.choice(["new"] * 6 + ["previous", "cumulative", "part_of"])
            when = rng.choice([None, day, day[:7], day[:4], f"{2019 + rng.randrange(6)}-{rng.randrange(1, 13):02d}"])
            row = {"id": f"{doc_id}c{n}", "document_id": doc_id, "kind": kind, "donor": rng.choice(["JPN", "DEU", None]),
                   "donor_detail": None, "recipient": rng.choice(["UKR", "UKR", "MDA"]),
                   "amount": amount if kind == "money" or rng.random() < 0.2 else None, "amount_min": None,
                   "currency": rng.choice(CURRENCIES), "currency_inferred": False, "qualifier": "exact",
                   "alt_amount": None, "alt_currency": None,
                   "quantity": rng.choice([None, 10, 20]) if kind != "money" else None,
                   "item": rng.choice(ITEMS) if kind != "money" else None, "aid_type": rng.choice(["military", None]),
                   "instrument": None, "sector": None, "channel": rng.choice([None, None, "NATO fund", "World Bank"]),
                   "status": rng.choice(["announced", "pledged", "committed", "disbursed"]), "scope": scope,
                   "date": when, "announced_by": None, "increment": None,
                   "parent_amount": rng.choice(amounts) if scope == "part_of" and amounts else None}
            if row["amount"] and rng.random() < 0.1:
                row["alt_amount"], row["alt_currency"] = row["amount"] * 1.1, "EUR"
            amounts.append(row["amount"])
            rows.append(row)
            spans.append({"commitment_id": row["id"], "document_id": doc_id, "start": n * 10, "end": n * 10 + 5,
                          "sentence": "s", "amount_start": None, "amount_end": None, "is_primary": True})
    return doc_rows, rows, spans


def stored(ledger) -> tuple[dict, list]:
    with ledger.engine.connect() as conn:
        members = {}
        for r in conn.execute(select(entry_members)):
            members.setdefault(r.entry_id, {})[r.commitment_id] = r.reason
        got = {r.id: (dict(r._mapping), members[r.id]) for r in conn.execute(select(entries))}
        totals = sorted((r.donor or "", r.amount, r.commitment_ids, r.documents)
                        for r in conn.execute(select(reported_totals)))
    return got, totals


def expected(doc_rows, rows, spans, decisions) -> tuple[dict, list]:
    """What `reconcile` gives donor by donor (reports, and reviewer merges, never cross donors)."""
    docs = {d["id"]: d for d in doc_rows}
    joined = [dict(r, published=docs[r["document_id"]]["published"], doc_source=docs[r["document_id"]]["source"],
                   span_start=s["start"]) for r, s in zip(rows, spans)]
    results = [reconcile([r for r in joined if r["donor"] == donor], decisions) for donor in ("JPN", "DEU", None)]
    got = {}
    for e in (e for result in results for e in result.entries):
        row = e.summary()
        row["conflicts"], row["stage_history"] = json.dumps(row["conflicts"]), json.dumps(e.stage_history())
        got[e.id] = ({c.name: row.get(c.name) for c in entries.columns}, {m["id"]: e.reasons[m["id"]] for m in e.members})
    totals = sorted((t.donor or "", t.amount, json.dumps(t.commitment_ids), json.dumps(t.documents))
                    for result in results for t in result.totals)
    return got, totals


@pytest.mark.parametrize("undated", [0.0, 0.03])  # undated reports may join any entry: nothing is forgotten
def test_streamed_rebuild_equals_in_memory_reconciliation(tmp_path, monkeypatch, undated):
    rng = random.Random(7)
    doc_rows, rows, spans = random_ledger(rng, 900, undated)
    ledger = open_ledger(f"sqlite:///{tmp_path / 'l.db'}")
    with ledger.engine.begin() as conn:
        conn.execute(insert(documents), doc_rows)
        conn.execute(insert(commitments), rows)
        conn.execute(insert(evidence), spans)
    itemised = [r["id"] for r in rows if r["scope"] != "cumulative"]
    for action, ids, values in [("merge", rng.sample(itemised, 2), None), ("split", rng.sample(itemised, 1), None),
                                ("reject", rng.sample(itemised, 1), None),
                                ("edit", rng.sample(itemised, 1), {"aid_type": "humanitarian"})]:
        ledger.review(action, ids, "tester", values)
    forgotten = []
    remember = BlockMatcher.forget

    def counted(matcher, day, recaps_ahead):
        before = len(matcher.open)
        remember(matcher, day, recaps_ahead)
        forgotten.append(before - len(matcher.open))

    monkeypatch.setattr(BlockMatcher, "forget", counted)
    ledger.reconcile()
    if not undated:
        assert sum(forgotten) > 100  # entries out of reach were dropped along the way
    decisions = _decisions(ledger)
    got, got_totals = stored(ledger)
    want, want_totals = expected(doc_rows, rows, spans, decisions)
    assert len(want) > 300 and any(len(m) > 3 for _, m in want.values())
    assert got.keys() == want.keys()
    for entry_id, (row, members) in want.items():
        assert got[entry_id] == (row, members), entry_id
    assert got_totals == want_totals


def _decisions(ledger) -> list[dict]:
    from aidledger.store.schema import decisions

    with ledger.engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(select(decisions))]
    return [dict(r, commitment_ids=json.loads(r["commitment_ids"]), values=json.loads(r["values"] or "{}"))
            for r in rows]
