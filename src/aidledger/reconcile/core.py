"""Reconciliation: many reported commitments -> one ledger entry per real commitment.

Rules, in the order they apply (each is what `aidledger explain` reports):

1. Running totals (scope cumulative) never become entries: they form a per-donor series of
   reported totals, shown against the sum of itemised entries.
2. Commitments are blocked by (donor, recipient, kind) and, within a block, taken in a canonical order
   (date, document, position), so the result never depends on the order articles arrived in.
3. A commitment joins an existing entry of its block when
   - money: the amounts agree within 1% in the same currency, or within 2.5% in USD at the day's ECB
     rate (covering stated conversions and rounding), and
   - in kind: the same quantity and the same item head noun; services: the same item head noun, and
   - the dates are within a year of each other (announce -> sign -> disburse), and
   - the channels do not contradict each other.
   Candidates are found by binary search on the USD amount: cost is near-linear in the ledger size.
4. The stage of an entry is the furthest stage any source reports; every stage keeps its date and sources.
5. Disagreements between sources (amounts within rounding, aid type, channel) are kept as conflicts;
   channels are named canonically first (data/channels.yaml), so "NATO fund" and "CAP Trust Fund" agree.
6. part_of entries link to the entry of their parent amount and do not count again; an increase
   ("from $100m to $300m") counts its increment only.
7. Reviewer decisions (reject, edit, merge, split) are applied last, keyed on commitment ids, so they
   survive re-extraction and re-reconciliation.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from aidledger.extract.lexicon import load
from aidledger.reconcile.currency import convert
from aidledger.records import Status

SAME_CURRENCY_TOLERANCE = 0.01
USD_TOLERANCE = 0.025
LIFECYCLE_DAYS = 400
STAGES = [s.value for s in Status]


@dataclass
class Entry:
    id: str
    donor: str | None
    recipient: str | None
    kind: str
    members: list[dict] = field(default_factory=list)
    reasons: dict[str, str] = field(default_factory=dict)  # commitment id -> why it joined
    usd: float | None = None
    parent_entry_id: str | None = None
    counts: bool = True
    rejected: bool = False
    overrides: dict = field(default_factory=dict)

    def add(self, row: dict, reason: str) -> None:
        self.members.append(row)
        self.reasons[row["id"]] = reason

    @property
    def first(self) -> dict:
        return self.members[0]

    def summary(self) -> dict:
        """The entry as a flat row: figure, stage, dates, conversions, conflicts, counts flag."""
        lead = self._lead()
        status = max((m["status"] for m in self.members), key=STAGES.index)
        dates = sorted(d for d in (_date_of(m) for m in self.members) if d)
        amount = self.overrides.get("amount", lead.get("amount"))
        currency = self.overrides.get("currency", lead.get("currency"))
        when = self.overrides.get("date", dates[0] if dates else None)
        conv = convert(amount, currency, when)
        increment = lead.get("increment")
        counted = increment if increment else amount
        counted_usd = convert(counted, currency, when).usd if counted is not None else None
        row = {
            "id": self.id, "donor": self.donor, "recipient": self.recipient, "kind": self.kind,
            "amount": amount, "currency": currency, "qualifier": lead.get("qualifier"),
            "amount_usd": conv.usd, "amount_eur": conv.eur, "rate_date": conv.rate_date, "rate_source": conv.source,
            "usd_rate": conv.usd_rate, "eur_rate": conv.eur_rate,
            "counted_usd": counted_usd, "increment": increment,
            "quantity": lead.get("quantity"), "item": lead.get("item"),
            "aid_type": self._voted("aid_type"), "instrument": self._voted("instrument"),
            "sector": self._voted("sector"), "channel": self._voted("channel"),
            "status": self.overrides.get("status", status), "scope": lead.get("scope"),
            "date": when, "last_date": dates[-1] if dates else None,
            "announced_by": self._voted("announced_by"),
            "sources": len({m["document_id"] for m in self.members}), "mentions": len(self.members),
            "parent_entry_id": self.parent_entry_id,
            "counts_toward_total": self.counts and not self.rejected,
            "rejected": self.rejected, "conflicts": self.conflicts(),
            "currency_unconverted": amount is not None and conv.source is None,
        }
        for name, value in self.overrides.items():
            if name in row and name not in ("amount", "currency", "date", "status"):
                row[name] = value
        return row

    def _lead(self) -> dict:
        """The most informative member: a new-money report with the most filled fields."""
        return max(self.members, key=lambda m: (m.get("scope") == "new", sum(v is not None for v in m.values()),
                                                -self.members.index(m)))

    def _voted(self, name: str):
        if name in self.overrides:
            return self.overrides[name]
        counts: dict = defaultdict(int)
        for m in self.members:
            if m.get(name) is not None:
                counts[canonical_channel(m[name]) if name == "channel" else m[name]] += 1
        return max(sorted(counts), key=lambda v: counts[v]) if counts else None

    def conflicts(self) -> list[dict]:
        out = []
        amounts = sorted({(m.get("amount"), m.get("currency")) for m in self.members if m.get("amount")},
                         key=lambda x: (x[1] or "", x[0]))
        by_currency: dict = defaultdict(set)
        for a, c in amounts:
            by_currency[c].add(a)
        for c, values in sorted(by_currency.items(), key=lambda x: x[0] or ""):
            if len(values) > 1:
                out.append({"field": "amount", "values": [f"{c} {v:,.0f}" for v in sorted(values)]})
        for name in ("aid_type", "channel", "quantity"):
            values = sorted({str(canonical_channel(m[name]) if name == "channel" else m[name])
                             for m in self.members if m.get(name) is not None})
            if len(values) > 1:
                out.append({"field": name, "values": values})
        return out

    def stage_history(self) -> list[dict]:
        stages: dict[str, dict] = {}
        for m in self.members:
            s = stages.setdefault(m["status"], {"stage": m["status"], "date": None, "sources": []})
            d = _date_of(m)
            if d and (s["date"] is None or d < s["date"]):
                s["date"] = d
            if m["document_id"] not in s["sources"]:
                s["sources"].append(m["document_id"])
        return sorted(stages.values(), key=lambda s: STAGES.index(s["stage"]))


@dataclass
class ReportedTotal:
    donor: str | None
    amount: float
    currency: str | None
    qualifier: str | None
    as_of: str | None
    usd: float | None
    commitment_ids: list[str]
    documents: list[str]


@dataclass
class Reconciliation:
    entries: list[Entry]
    totals: list[ReportedTotal]


def reconcile(commitments: list[dict], decisions: list[dict] | None = None) -> Reconciliation:
    """Group commitment rows (as stored, plus `published`) into entries and reported totals."""
    ordered = sorted(commitments, key=canonical)
    running = [c for c in ordered if c.get("scope") == "cumulative"]
    blocks: dict[tuple, list[dict]] = defaultdict(list)
    for c in ordered:
        if c.get("scope") != "cumulative":
            blocks[(c.get("donor"), c.get("recipient"), c["kind"])].append(c)
    entries: list[Entry] = []
    for key in sorted(blocks, key=block_order):
        entries.extend(_cluster_block(blocks[key]))
    _link_parts(entries)
    entries = apply_decisions(entries, decisions or [])
    return Reconciliation(entries, reported_totals(running))


def canonical(c: dict) -> tuple:
    """The order commitments are matched in (rule 2): date, publication, document, position, id."""
    return (_date_of(c) or "9999", c.get("published") or "9999", c["document_id"], c.get("span_start") or 0, c["id"])


def block_order(key: tuple) -> tuple:
    """The order of (donor, recipient, kind) blocks, and so of a donor's entries."""
    return tuple(str(x) for x in key)


def _date_of(c: dict) -> str | None:
    return c.get("date") or c.get("published")


class _Buckets:
    """Sorted (amount, entry) lists per quarter, so a search looks only at dates that could match."""

    SPAN = LIFECYCLE_DAYS // 91 + 1  # quarters either side

    def __init__(self) -> None:
        self.lists: dict = defaultdict(list)

    def add(self, key, quarter: int | None, amount: float, pos: int) -> None:
        figures = self.lists[(key, quarter)]
        at = bisect.bisect_left(figures, (amount, pos))
        if at == len(figures) or figures[at] != (amount, pos):  # a repeat adds no candidate: keep one
            figures.insert(at, (amount, pos))

    def near(self, key, quarter: int | None, low: float, high: float) -> list[tuple[float, int]]:
        if quarter is None:
            quarters = {q for k, q in self.lists if k == key}
        else:
            quarters = set(range(quarter - self.SPAN, quarter + self.SPAN + 1)) | {None}
        out = []
        for q in quarters:
            figures = self.lists.get((key, q), [])
            out += figures[bisect.bisect_left(figures, (low, -1)):bisect.bisect_right(figures, (high, 1 << 60))]
        return out

    def drop_before(self, quarter: int) -> None:
        for key in [k for k in self.lists if k[1] is not None and k[1] < quarter]:
            del self.lists[key]


def _quarter(row: dict) -> int | None:
    d = _date_of(row)
    if not d:
        return None
    parts = d.split("-")
    return int(parts[0]) * 4 + ((int(parts[1]) - 1) // 3 if len(parts) > 1 else 1)


@dataclass(slots=True)
class Cluster:
    """What matching reads of an entry (dates, documents, channels), never its member rows."""

    id: str
    pos: int  # creation order in its block: among equal candidates the older entry wins
    docs: set = field(default_factory=set)
    channels: set = field(default_factory=set)  # canonical names
    first_day: str | None = None
    undated: bool = False
    last_quarter: int | None = None  # latest quarter its figures are indexed under (money)

    def add(self, row: dict) -> None:
        self.docs.add(row["document_id"])
        if row.get("channel"):
            self.channels.add(canonical_channel(row["channel"]))
        day = _date_of(row)
        if day is None:
            self.undated = True
        elif row.get("scope") != "previous":  # a later recap joins an entry but does not stretch its life
            self.first_day = min(self.first_day or day, day)


class BlockMatcher:
    """Assigns the rows of one (donor, recipient, kind) block, taken in canonical order, to entries.

    `forget` drops the entries no later row can join, so a caller streaming a block holds the entries
    still within reach of the next report, not the block.
    """

    def __init__(self) -> None:
        self.open: dict[int, Cluster] = {}
        self.created = 0
        self.index = _Buckets()  # money: ("$usd", quarter) and (currency, quarter) -> sorted (amount, entry)
        self.by_key: dict[tuple, list[int]] = defaultdict(list)  # in_kind/service: (head, quantity) -> entries
        self.items = False  # the block is in kind or services

    def assign(self, row: dict) -> tuple[Cluster, str]:
        """The entry `row` joins (a new one if none matches) and why."""
        money = row["kind"] == "money"
        self.items = not money
        if money:
            pos, reason = _match_money(row, self.open, self.index)
        else:
            pos, reason = _match_item(row, self.open, self.by_key)
        if pos is None:
            pos, reason = self.created, "first report"
            self.open[pos] = Cluster(_entry_id(row), pos)
            self.created += 1
            if not money:
                self.by_key[_item_key(row)].append(pos)
        cluster = self.open[pos]
        if money:  # every figure a member states, original or converted, finds its entry
            self._index(row, cluster)
        cluster.add(row)
        return cluster, reason

    def _index(self, row: dict, cluster: Cluster) -> None:
        quarter, usd = _quarter(row), _usd(row)
        if quarter is not None:
            cluster.last_quarter = quarter if cluster.last_quarter is None else max(cluster.last_quarter, quarter)
        if usd is not None:
            self.index.add("$usd", quarter, usd, cluster.pos)
        for amount, currency in ((row.get("amount"), row.get("currency")),
                                 (row.get("alt_amount"), row.get("alt_currency"))):
            if amount and currency:
                self.index.add(currency, quarter, amount, cluster.pos)

    def forget(self, day: str, recaps_ahead: bool) -> None:
        """Drop the entries no row dated `day` or later can join; call only if no undated row is to come.

        Money: a row searches figures within SPAN quarters of its own. In kind and services: a row joins
        only an entry first reported within LIFECYCLE_DAYS, unless it is a recap (scope previous), which
        may join any earlier entry, so those are kept while `recaps_ahead`.
        """
        floor = _floor(day)
        if floor is None:
            return
        earliest, quarter = floor
        horizon = quarter - _Buckets.SPAN
        self.index.drop_before(horizon)
        if self.items:
            gone = [p for p, c in self.open.items() if not recaps_ahead and _lapsed(c, earliest)]
        else:
            gone = [p for p, c in self.open.items() if not c.undated and (c.last_quarter or horizon - 1) < horizon]
        for pos in gone:
            del self.open[pos]
        for key in list(self.by_key) if gone else []:
            self.by_key[key] = [p for p in self.by_key[key] if p in self.open]
            if not self.by_key[key]:
                del self.by_key[key]


def _lapsed(c: Cluster, earliest: date) -> bool:
    """First reported more than LIFECYCLE_DAYS before `earliest`: no report from then on is close."""
    return not c.undated and c.first_day is not None and (earliest - _as_date(c.first_day)).days > LIFECYCLE_DAYS


def _floor(day: str) -> tuple[date, int] | None:
    """The earliest date and quarter of any date string that sorts at or after `day` (None: not a date)."""
    found = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-\d{2})?)?", day)
    if not found:
        return None
    year, month = int(found[1]), int(found[2] or 1)
    return date(year, month, 1), year * 4 + (month - 1) // 3


def _cluster_block(rows: list[dict]) -> list[Entry]:
    matcher, entries = BlockMatcher(), []
    for row in rows:
        cluster, reason = matcher.assign(row)
        if cluster.pos == len(entries):
            entries.append(Entry(cluster.id, row.get("donor"), row.get("recipient"), row["kind"]))
        entries[cluster.pos].add(row, reason)
    return entries


def _usd(row: dict) -> float | None:
    return convert(row.get("amount"), row.get("currency"), _date_of(row)).usd


def _match_money(row: dict, entries: dict[int, Cluster], index: _Buckets) -> tuple[int | None, str]:
    usd, quarter = _usd(row), _quarter(row)
    candidates: list[tuple[float, int, str]] = []
    if usd:
        for entry_usd, pos in index.near("$usd", quarter, usd * (1 - USD_TOLERANCE), usd * (1 + USD_TOLERANCE)):
            candidates.append((abs(entry_usd - usd) / usd, pos, "amount within rounding in USD at the day's rate"))
    for amount, currency in ((row.get("amount"), row.get("currency")), (row.get("alt_amount"), row.get("alt_currency"))):
        if not amount or not currency:
            continue  # same figure in the same currency, or through a stated conversion: no rate needed
        low, high = amount * (1 - SAME_CURRENCY_TOLERANCE), amount * (1 + SAME_CURRENCY_TOLERANCE)
        how = "same figure" if currency == row.get("currency") else "same figure through a stated conversion"
        for theirs, pos in index.near(currency, quarter, low, high):
            candidates.append((abs(theirs - amount) / amount, pos, f"{how} ({currency} {theirs:,.0f}, within 1%)"))
    # exact-currency matches first (diff 0 ties broken by the stated reason), then the nearest USD amount
    for diff, pos, reason in sorted(candidates, key=lambda c: (c[0], not c[2].startswith("same"), c[1])):
        entry = entries[pos]
        if _dates_close(row, entry) and _channels_agree(row, entry) and _not_same_document_other_figure(row, entry):
            return pos, reason
    return None, ""


def _not_same_document_other_figure(row: dict, entry: Cluster) -> bool:
    """Two different figures in one article are two commitments, however close their amounts."""
    return row["document_id"] not in entry.docs


def _dates_close(row: dict, entry: Cluster) -> bool:
    """Within a year of some report of the entry (announce -> sign -> disburse)."""
    mine = _date_of(row)
    if not mine or entry.undated or entry.first_day is None:
        return True
    if row.get("scope") == "previous":  # "Germany's €500m pledged last year": any time after it was made
        return _days(mine, entry.first_day) >= -31
    return abs(_days(mine, entry.first_day)) <= LIFECYCLE_DAYS


def _days(a: str, b: str) -> int:
    return (_as_date(a) - _as_date(b)).days


def _as_date(value: str) -> date:
    parts = [int(p) for p in value.split("-")]
    return date(parts[0], parts[1] if len(parts) > 1 else 7, parts[2] if len(parts) > 2 else 15)


def _channels_agree(row: dict, entry: Cluster) -> bool:
    if not row.get("channel"):
        return True
    mine, others = canonical_channel(row["channel"]), entry.channels
    return not others or mine in others or any(set(mine.lower().split()) & set(o.lower().split()) for o in others)


@lru_cache(maxsize=4096)
def canonical_channel(name: str) -> str:
    """One name per fund or agency ('NATO fund', 'CAP Trust Fund' -> 'NATO CAP trust fund'); see data/channels.yaml."""
    low = f" {name.lower()} "
    phrases = sorted(((p, canon) for canon, ps in load("channels").items() for p in ps), key=lambda x: -len(x[0]))
    for phrase, canon in phrases:
        if phrase in low:
            return canon
    return name


def _item_key(row: dict) -> tuple:
    head = (row.get("item") or "").lower().split()[-1:] or [""]
    return (head[0].rstrip("s"), row.get("quantity"))


def _match_item(row: dict, entries: dict[int, Cluster], by_key: dict) -> tuple[int | None, str]:
    for pos in by_key.get(_item_key(row), []):
        entry = entries[pos]
        if _dates_close(row, entry) and _not_same_document_other_figure(row, entry):
            what = "same quantity and item" if row["kind"] == "in_kind" else "same service"
            return pos, f"{what} ({row.get('quantity') or ''} {_item_key(row)[0]}) within a year"
    return None, ""


def _entry_id(row: dict) -> str:
    return "e" + hashlib.sha256(row["id"].encode()).hexdigest()[:11]


def _link_parts(entries: list[Entry]) -> None:
    """part_of entries point at their parent's entry and stop counting; orphans keep counting."""
    by_doc: dict[tuple, Entry] = {}
    for e in entries:
        for m in e.members:
            if m.get("amount") and m.get("scope") != "part_of":
                by_doc[(m["document_id"], m.get("donor"), m.get("amount"))] = e
    for e in entries:
        lead = e.first
        if lead.get("scope") == "part_of" and lead.get("parent_amount"):
            parent = by_doc.get((lead["document_id"], lead.get("donor"), lead["parent_amount"]))
            if parent is not None and parent is not e:
                e.parent_entry_id = parent.id
                e.counts = False


def apply_decisions(entries: list[Entry], decisions: list[dict]) -> list[Entry]:
    """Reviewer decisions, oldest first: reject / accept / edit an entry, merge two, split one member out."""
    for d in sorted(decisions, key=lambda d: (d.get("created_at") or "", d.get("id") or 0)):
        owner = {m["id"]: e for e in entries for m in e.members}
        targets = [owner[c] for c in d.get("commitment_ids", []) if c in owner]
        if not targets:
            continue  # the commitments it named are gone (re-extraction changed them): keep it stored, skip it
        action, entry = d["action"], targets[0]
        if action == "reject":
            entry.rejected = True
        elif action == "accept":
            entry.rejected = False
        elif action == "edit":
            entry.overrides.update(d.get("values") or {})
        elif action == "merge":
            for other in targets[1:]:
                if other is not entry:
                    entry.members.extend(other.members)
                    entry.reasons.update({m["id"]: "merged by a reviewer" for m in other.members})
                    entries.remove(other)
        elif action == "split":
            for cid in d.get("commitment_ids", [])[:1]:
                member = next(m for m in entry.members if m["id"] == cid)
                if len(entry.members) > 1:
                    entry.members.remove(member)
                    new = Entry(_entry_id(member), member.get("donor"), member.get("recipient"), member["kind"],
                                [member], {cid: "split out by a reviewer"})
                    entries.append(new)
    return entries


def reported_totals(rows: Iterable[dict]) -> list[ReportedTotal]:
    """Running totals, one point per (donor, figure), with every source that reported it."""
    points: list[ReportedTotal] = []
    index: dict[tuple, list[tuple[float, int]]] = defaultdict(list)  # (donor, currency) -> sorted (amount, point)
    for row in rows:
        amount = row.get("amount")
        if amount is None:
            continue
        figures = index[(row.get("donor"), row.get("currency"))]
        lo = bisect.bisect_left(figures, (amount * (1 - SAME_CURRENCY_TOLERANCE), -1))
        hi = bisect.bisect_right(figures, (amount * (1 + SAME_CURRENCY_TOLERANCE), 1 << 60))
        if lo < hi:
            same = points[figures[lo][1]]
            same.commitment_ids.append(row["id"])
            if row["document_id"] not in same.documents:
                same.documents.append(row["document_id"])
            continue
        bisect.insort(figures, (amount, len(points)))
        points.append(ReportedTotal(row.get("donor"), amount, row.get("currency"), row.get("qualifier"),
                                    _date_of(row), _usd(row), [row["id"]], [row["document_id"]]))
    return points
