"""Pydantic models of the HTTP boundary (the library itself speaks dictionaries and frozen dataclasses).

Row models are derived from the schema's columns, so a column added to the store appears in the API.
"""

from __future__ import annotations

from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, create_model
from sqlalchemy import Boolean, Float, Integer, Table

from aidledger.store.schema import commitments, documents, entries, evidence

T = TypeVar("T")


def _python_type(column) -> type:
    for sql_type, py in ((Boolean, bool), (Integer, int), (Float, float)):
        if isinstance(column.type, sql_type):
            return py
    return str


def _row_model(name: str, table: Table, skip: tuple[str, ...] = (), **extra) -> type[BaseModel]:
    columns = {c.name: (_python_type(c) | None, None) for c in table.columns if c.name not in skip}
    return create_model(name, __config__=ConfigDict(extra="ignore"), **{**columns, **extra})


Evidence = _row_model("Evidence", evidence)
Entry = _row_model("Entry", entries, conflicts=(list[dict[str, Any]], []),
                   stage_history=(list[dict[str, Any]], []))
Commitment = _row_model("Commitment", commitments, title=(str | None, None), source=(str | None, None),
                        published=(str | None, None))
CommitmentDetail = _row_model("CommitmentDetail", commitments, evidence=(list[Evidence], []),
                              document=(dict[str, Any] | None, None))
Document = _row_model("Document", documents, skip=("text",))
DocumentDetail = _row_model("DocumentDetail", documents)
Member = _row_model("Member", commitments, reason=(str | None, None), title=(str | None, None),
                    source=(str | None, None), url=(str | None, None), published=(str | None, None),
                    evidence=(list[Evidence], []))
EntryDetail = _row_model("EntryDetail", entries, conflicts=(list[dict[str, Any]], []),
                         stage_history=(list[dict[str, Any]], []), members=(list[Member], []))


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(None, description="Pass as ?cursor= for the next page; null on the last page.")


class Total(BaseModel):
    key: str | None
    total: float | None
    entries: int
    sources: int | None


class ReportedTotal(BaseModel):
    id: int
    donor: str | None
    amount: float
    currency: str | None
    qualifier: str | None
    as_of: str | None
    amount_usd: float | None
    itemised_usd: float
    gap_usd: float | None
    commitment_ids: list[str]
    documents: list[str]


class ReviewRequest(BaseModel):
    action: Literal["accept", "reject", "edit", "merge", "split"]
    values: dict[str, Any] | None = Field(None, description="edit: the fields to correct, e.g. {\"amount\": 5e6}")
    note: str | None = None
    other_entry_id: str | None = Field(None, description="merge: the entry to fold into this one")
    commitment_id: str | None = Field(None, description="split: the member commitment to move out")


class ErrorBody(BaseModel):
    status: int
    code: str
    message: str
    details: list[dict[str, Any]] | None = None


class Error(BaseModel):
    """Every error of the API has this shape, whatever the status."""
    error: ErrorBody
