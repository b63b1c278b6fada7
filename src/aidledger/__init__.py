"""aidledger: a source-linked, reconciled ledger of international assistance commitments.

Public API (pinned by tests/test_api.py):

    extract(text, published=None) -> list[Commitment]
    open_ledger(url="sqlite:///aidledger.db") -> Ledger
"""

from aidledger.errors import AidledgerError, ConfigurationError, InputError, StoreError
from aidledger.extract import extract
from aidledger.records import AidType, Commitment, Document, Evidence, Kind, Qualifier, Scope, Status

_LAZY = {"Ledger", "open_ledger"}  # the store pulls in SQLAlchemy; `aidledger extract` must start fast


def __getattr__(name: str):
    if name in _LAZY:
        from aidledger import store

        return getattr(store, name)
    raise AttributeError(f"module 'aidledger' has no attribute {name!r}")


__all__ = sorted([
    "AidType", "AidledgerError", "Commitment", "ConfigurationError", "Document", "Evidence", "InputError",
    "Kind", "Ledger", "Qualifier", "Scope", "Status", "StoreError", "extract", "open_ledger",
])
__version__ = "0.1.0"
