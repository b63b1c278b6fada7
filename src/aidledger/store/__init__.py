"""Store: the SQL schema, its migrations and the `Ledger` that reads and writes it."""

from aidledger.store.ledger import DEFAULT_URL, IngestReport, Ledger, default_url, open_ledger

__all__ = ["DEFAULT_URL", "IngestReport", "Ledger", "default_url", "open_ledger"]
