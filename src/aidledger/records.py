"""Domain records: plain frozen dataclasses shared by every stage of the pipeline.

Nothing here talks to a database, the network or the filesystem. Field names of
`Commitment` follow the gold format described in ``shared/README.md`` so that the
JSON contract of ``aidledger extract --json`` is a direct serialisation.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from enum import Enum


class Kind(str, Enum):
    MONEY = "money"
    IN_KIND = "in_kind"
    SERVICE = "service"


class Status(str, Enum):
    """Stages of a commitment, ordered from the weakest to the strongest."""

    CONSIDERED = "considered"
    PLANNED = "planned"
    ANTICIPATED = "anticipated"
    REQUESTED = "requested"
    ANNOUNCED = "announced"
    PLEDGED = "pledged"
    DECIDED = "decided"
    APPROVED = "approved"
    COMMITTED = "committed"
    ALLOCATED = "allocated"
    DISBURSED = "disbursed"
    DELIVERED = "delivered"

    @property
    def rank(self) -> int:
        return _STATUS_ORDER.index(self)


_STATUS_ORDER = list(Status)


class Scope(str, Enum):
    NEW = "new"
    PREVIOUS = "previous"
    CUMULATIVE = "cumulative"
    PART_OF = "part_of"


class AidType(str, Enum):
    MILITARY = "military"
    FINANCIAL = "financial"
    HUMANITARIAN = "humanitarian"


class Qualifier(str, Enum):
    EXACT = "exact"
    OVER = "over"
    ABOUT = "about"
    UP_TO = "up_to"


@dataclass(frozen=True, slots=True)
class Document:
    """One article as ingested: its text and the metadata we could find."""

    id: str  # content hash (sha256 of the UTF-8 text), stable across runs
    text: str
    source: str  # path or URL it came from
    title: str | None = None
    published: str | None = None  # YYYY-MM-DD
    author: str | None = None
    url: str | None = None

    @staticmethod
    def content_id(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where a figure came from: the sentence and the exact character span."""

    document_id: str
    start: int  # span of the evidence (the sentence) in the document text
    end: int
    sentence: str
    amount_start: int | None = None  # span of the figure itself, when there is one
    amount_end: int | None = None


@dataclass(frozen=True, slots=True)
class Commitment:
    """One extracted commitment; the fields of the gold format plus provenance."""

    kind: Kind
    donor: str | None
    recipient: str | None
    status: Status
    scope: Scope
    evidence: Evidence
    amount: float | None = None
    currency: str | None = None
    qualifier: Qualifier | None = None
    amount_min: float | None = None
    alt_amount: float | None = None
    alt_currency: str | None = None
    currency_inferred: bool = False
    quantity: int | None = None
    item: str | None = None
    aid_type: AidType | None = None
    instrument: str | None = None
    sector: str | None = None
    channel: str | None = None
    date: str | None = None
    announced_by: str | None = None
    donor_detail: str | None = None
    increment: float | None = None  # for "from $100m to $300m": the 200m added
    parent_amount: float | None = None  # for part_of: the amount it is part of
    extra_evidence: tuple[Evidence, ...] = field(default=())

    @property
    def id(self) -> str:
        """Stable id: the same record from the same text always gets the same id."""
        key = "|".join(
            str(x)
            for x in (
                self.evidence.document_id,
                self.kind.value,
                self.donor,
                self.amount,
                self.currency,
                self.quantity,
                self.item,
                self.evidence.start,
                self.channel,
            )
        )
        return hashlib.sha256(key.encode()).hexdigest()[:16]

    def to_json(self) -> dict:
        """The gold-format dictionary (plus `span`, `amount_span` and `id`)."""
        out: dict = {"id": self.id}
        for name, value in asdict(self).items():
            if name in ("evidence", "extra_evidence"):
                continue
            out[name] = value.value if isinstance(value, Enum) else value
        ev = self.evidence
        out["evidence"] = ev.sentence
        out["span"] = [ev.start, ev.end]
        if ev.amount_start is not None:
            out["amount_span"] = [ev.amount_start, ev.amount_end]
        out["mentions"] = [[e.start, e.end] for e in self.extra_evidence]
        return out
