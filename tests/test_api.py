"""The public surface is small and pinned: changing it is a deliberate act."""

import dataclasses

import aidledger


def test_public_names_are_pinned():
    assert aidledger.__all__ == [
        "AidType", "AidledgerError", "Commitment", "ConfigurationError", "Document", "Evidence", "InputError",
        "Kind", "Ledger", "Qualifier", "Scope", "Status", "StoreError", "extract", "open_ledger",
    ]
    for name in aidledger.__all__:
        assert getattr(aidledger, name) is not None


def test_extract_returns_frozen_commitments_with_evidence():
    text = "Japan will provide $5 million to Ukraine for winter relief, the Foreign Ministry said on Monday."
    records = aidledger.extract(text, published="2024-01-10")
    assert len(records) == 1
    rec = records[0]
    assert isinstance(rec, aidledger.Commitment)
    assert (rec.donor, rec.amount, rec.currency, rec.recipient) == ("JPN", 5_000_000, "USD", "UKR")
    assert text[rec.evidence.start:rec.evidence.end] == rec.evidence.sentence
    assert text[rec.evidence.amount_start:rec.evidence.amount_end] == "$5 million"
    assert rec.date == "2024-01-08"
    try:
        rec.amount = 1  # type: ignore[misc]
    except dataclasses.FrozenInstanceError:
        pass
    else:  # pragma: no cover
        raise AssertionError("Commitment must be frozen")


def test_commitment_ids_are_stable():
    text = "Norway pledged NOK 500 million in humanitarian aid to Ukraine on Tuesday."
    first = [r.id for r in aidledger.extract(text, published="2024-03-07")]
    second = [r.id for r in aidledger.extract(text, published="2024-03-07")]
    assert first == second and len(first) == 1


def test_exception_tree():
    assert issubclass(aidledger.InputError, aidledger.AidledgerError)
    assert issubclass(aidledger.StoreError, aidledger.AidledgerError)
    assert issubclass(aidledger.ConfigurationError, aidledger.AidledgerError)
