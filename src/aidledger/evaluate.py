"""Scoring extraction against a gold file, with the product side's matching rules.

A prediction matches a gold record with the same doc, donor and kind, and:
money - amount within 1% in the same currency (or the stated conversion);
in_kind - the same quantity and the same head noun of the item;
service - overlapping evidence spans.
Each gold record matches at most one prediction. Attribute accuracy is over
matched pairs where the gold value is not null. A prediction whose evidence
overlaps a `not_commitments` span is a trap hit.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from aidledger.errors import InputError

KINDS = ("money", "in_kind", "service")
ATTRIBUTES = ("status", "scope", "aid_type", "channel", "date")


@dataclass
class Report:
    counts: dict = field(default_factory=lambda: {k: {"tp": 0, "fp": 0, "fn": 0} for k in KINDS})
    attributes: dict = field(default_factory=lambda: {a: [0, 0] for a in ATTRIBUTES})
    trap_hits: list = field(default_factory=list)
    misses: list = field(default_factory=list)
    false_positives: list = field(default_factory=list)
    wrong_attributes: list = field(default_factory=list)

    def scores(self) -> dict:
        out = {}
        for kind, c in self.counts.items():
            p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
            r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
            f = 2 * p * r / (p + r) if p + r else 0.0
            out[kind] = {**c, "precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}
        right = sum(v[0] for v in self.attributes.values())
        total = sum(v[1] for v in self.attributes.values())
        out["attributes"] = {a: {"right": v[0], "total": v[1]} for a, v in self.attributes.items()}
        out["attribute_accuracy"] = round(right / total, 4) if total else 1.0
        out["trap_hits"] = len(self.trap_hits)
        return out

    def to_json(self) -> dict:
        return {"scores": self.scores(), "trap_hits": self.trap_hits, "misses": self.misses,
                "false_positives": self.false_positives, "wrong_attributes": self.wrong_attributes}


def load_gold(path: Path) -> dict:
    try:
        gold = json.loads(Path(path).read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(str(path), f"cannot read gold file: {exc}", "pass a JSON file in the shared gold format")
    for key in ("documents", "commitments"):
        if key not in gold:
            raise InputError(str(path), f"gold file has no '{key}'", "see shared/README.md for the format")
    gold.setdefault("not_commitments", [])
    return gold


def score(gold: dict, predictions: dict[str, list[dict]], texts: dict[str, str]) -> Report:
    """Compare `predictions` (doc -> extract --json records) with `gold`."""
    report = Report()
    for doc in gold["documents"]:
        golds = [g for g in gold["commitments"] if g["doc"] == doc]
        preds = predictions.get(doc, [])
        _score_doc(report, doc, golds, preds, texts.get(doc, ""))
        traps = [t for t in gold["not_commitments"] if t["doc"] == doc]
        for trap in traps:
            t_span = _span(texts.get(doc, ""), trap["evidence"])
            for p in preds:
                if t_span and _overlap(tuple(p["span"]), t_span):
                    report.trap_hits.append({"doc": doc, "why": trap["why"], "evidence": trap["evidence"],
                                             "prediction": _brief(p)})
    return report


def _score_doc(report: Report, doc: str, golds: list[dict], preds: list[dict], text: str) -> None:
    used: set[int] = set()
    for g in golds:
        match = next((i for i, p in enumerate(preds) if i not in used and _matches(g, p, text)), None)
        if match is None:
            report.counts[g["kind"]]["fn"] += 1
            report.misses.append({"doc": doc, **{k: g.get(k) for k in ("kind", "donor", "amount", "currency",
                                                                      "quantity", "item", "evidence")}})
            continue
        used.add(match)
        report.counts[g["kind"]]["tp"] += 1
        _score_attributes(report, doc, g, preds[match])
    for i, p in enumerate(preds):
        if i not in used:
            report.counts.setdefault(p["kind"], {"tp": 0, "fp": 0, "fn": 0})["fp"] += 1
            report.false_positives.append({"doc": doc, **_brief(p)})


def _matches(g: dict, p: dict, text: str) -> bool:
    if g["kind"] != p["kind"] or g.get("donor") != p.get("donor"):
        return False
    if g["kind"] == "money":
        return _money_match(g, p)
    if g["kind"] == "in_kind":
        return g.get("quantity") == p.get("quantity") and _head(g.get("item")) == _head(p.get("item"))
    g_span = _span(text, g["evidence"])
    return bool(g_span) and _overlap(tuple(p["span"]), g_span)


def _money_match(g: dict, p: dict) -> bool:
    pairs_g = [(g.get("amount"), g.get("currency")), (g.get("alt_amount"), g.get("alt_currency"))]
    pairs_p = [(p.get("amount"), p.get("currency")), (p.get("alt_amount"), p.get("alt_currency"))]
    for ga, gc in pairs_g:
        for pa, pc in pairs_p:
            if ga and pa and gc == pc and abs(ga - pa) <= 0.01 * abs(ga):
                return True
    return False


def _score_attributes(report: Report, doc: str, g: dict, p: dict) -> None:
    for attr in ATTRIBUTES:
        gv = g.get(attr)
        if gv is None:
            continue
        pv = p.get(attr)
        ok = _channel_equal(gv, pv) if attr == "channel" else (
            str(pv or "")[: len(str(gv))] == str(gv) if attr == "date" else pv == gv)
        report.attributes[attr][1] += 1
        report.attributes[attr][0] += int(ok)
        if not ok:
            report.wrong_attributes.append({"doc": doc, "attribute": attr, "gold": gv, "predicted": pv,
                                            "evidence": g.get("evidence")})


def _channel_equal(gold: str, pred: str | None) -> bool:
    if gold.lower() in ("bilateral", "none") or pred is None:
        return (pred or "bilateral").lower() == gold.lower() or (gold.lower() == "bilateral" and pred is None)
    gw, pw = set(gold.lower().replace("the ", "").split()), set(pred.lower().replace("the ", "").split())
    return len(gw & pw) >= max(1, min(len(gw), len(pw)) // 2)


def _head(item: str | None) -> str:
    """The head noun: the last word before any of-complement ('round of 155mm ammunition' -> 'round')."""
    words = (item or "").lower().split(" of ")[0].split()
    if not words:
        return ""
    head = words[-1]
    for suffix, repl in (("ies", "y"), ("ses", "s"), ("s", "")):
        if head.endswith(suffix) and len(head) > 3 and not head.endswith("ss"):
            return head[: -len(suffix)] + repl
    return head


def _span(text: str, evidence: str) -> tuple[int, int] | None:
    i = text.find(evidence)
    return (i, i + len(evidence)) if i >= 0 else None


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _brief(p: dict) -> dict:
    return {k: p.get(k) for k in ("kind", "donor", "amount", "currency", "quantity", "item", "status", "scope",
                                  "evidence")}


def evaluate_folder(gold_path: Path, docs: Path, gold_dates: bool = True) -> Report:
    """Extract every document named in the gold file from `docs` and score the result.

    With `gold_dates` False the publication date is found in the text, as `aidledger extract` does
    when it is not given one.
    """
    from aidledger.extract import extract
    from aidledger.ingest import read_document, read_text_file

    gold = load_gold(gold_path)
    predictions, texts = {}, {}
    for name, meta in gold["documents"].items():
        path = Path(docs) / name
        if path.suffix.lower() in (".html", ".htm"):
            doc = read_document(path)
            text, published = doc.text, ((meta or {}).get("published") if gold_dates else None) or doc.published
        else:
            text, published = read_text_file(path), (meta or {}).get("published") if gold_dates else None
        texts[name] = text
        predictions[name] = [r.to_json() for r in extract(text, published=published, doc_id=name)]
    return score(gold, predictions, texts)


# ---------------------------------------------------------------- reconciliation


def evaluate_reconciliation(expected_path: Path, docs: Path, url: str | None = None) -> dict:
    """Ingest `docs` into a fresh ledger and compare its entries with the expected ledger.

    Mentions (a document's report of an expected entry) are matched to extracted commitments by donor
    and amount (or quantity and item); over the matched mentions, B-cubed precision and recall say
    how well reports were grouped. Also counted: expected-separate pairs that were merged, running
    totals that leaked into the ledger as entries, and counts-toward-total flags that disagree.
    """
    import tempfile

    from aidledger.store import open_ledger

    expected = json.loads(Path(expected_path).read_text("utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        ledger = open_ledger(url or f"sqlite:///{tmp}/reconcile.db")
        ledger.ingest([Path(docs) / name for name in expected["documents"]])
        owner = _entry_of_commitment(ledger)
        names = {d["id"]: Path(d["source"]).name for d in ledger.documents()}
        spans = _primary_spans(ledger)
        rows = [dict(r, doc=names[r["document_id"]], span=spans.get(r["id"])) for r in ledger.commitments()]
        entries = {e["id"]: e for e in ledger.entries()}
    texts = {name: (Path(docs) / name).read_text("utf-8") for name in expected["documents"]}
    mentions = []  # (expected key, predicted entry id)
    missing = []
    for exp in expected["entries"]:
        for doc in exp["docs"]:
            where = _span(texts[doc], exp.get("evidence", {}).get(doc, "\0"))
            candidates = [r for r in rows if r["doc"] == doc and _same_report(exp, r)]
            # two reports of the same sum in one article: the one at the expected evidence
            candidates.sort(key=lambda r: not (where and r["span"] and _overlap(tuple(r["span"]), where)))
            found = candidates[0] if candidates else None
            if found is None or found["id"] not in owner:
                missing.append({"key": exp["key"], "doc": doc})
            else:
                mentions.append((exp["key"], owner[found["id"]]))
    precision, recall = _bcubed(mentions)
    by_key: dict = {}
    for key, entry in mentions:
        by_key.setdefault(key, set()).add(entry)
    merged_wrongly = [pair for pair in expected.get("not_merged", [])
                      if by_key.get(pair[0], set()) & by_key.get(pair[1], set())]
    leaks = [t for t in expected.get("reported_totals", []) for doc in t["docs"]
             if any(r["doc"] == doc and r["scope"] != "cumulative" and _same_report(t, r) for r in rows)]
    flags = [exp["key"] for exp in expected["entries"] for e in by_key.get(exp["key"], ())
             if entries[e]["counts_toward_total"] != exp.get("counts_toward_total", True)]
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"mentions": len(mentions), "missing_mentions": missing, "bcubed_precision": round(precision, 4),
            "bcubed_recall": round(recall, 4), "bcubed_f1": round(f1, 4), "merged_wrongly": merged_wrongly,
            "totals_leaked_into_ledger": leaks, "wrong_counts_flags": flags,
            "entries_predicted": len({e for _, e in mentions}), "entries_expected": len(expected["entries"])}


def _primary_spans(ledger) -> dict[str, tuple[int, int]]:
    from sqlalchemy import select

    from aidledger.store.schema import evidence

    with ledger.engine.connect() as conn:
        return {r.commitment_id: (r.start, r.end) for r in conn.execute(
            select(evidence.c.commitment_id, evidence.c.start, evidence.c.end).where(evidence.c.is_primary))}


def _entry_of_commitment(ledger) -> dict[str, str]:
    from sqlalchemy import select

    from aidledger.store.schema import entry_members

    with ledger.engine.connect() as conn:
        return {r.commitment_id: r.entry_id for r in conn.execute(select(entry_members))}


def _same_report(exp: dict, row: dict) -> bool:
    if exp.get("donor") != row.get("donor"):
        return False
    if exp.get("kind", "money") == "money":
        return row["kind"] == "money" and _money_match(exp, row)
    return row["kind"] == exp["kind"] and row.get("quantity") == exp.get("quantity") and \
        _head(row.get("item")) == _head(exp.get("item"))


def _bcubed(mentions: list[tuple[str, str]]) -> tuple[float, float]:
    if not mentions:
        return 0.0, 0.0
    p = r = 0.0
    for key, entry in mentions:
        same_entry = [k for k, e in mentions if e == entry]
        same_key = [e for k, e in mentions if k == key]
        p += same_entry.count(key) / len(same_entry)
        r += same_key.count(entry) / len(same_key)
    return p / len(mentions), r / len(mentions)
