"""The whole exception tree of aidledger.

    AidledgerError             base: every error the library raises on purpose
    ├── InputError             an input file or record cannot be read (names it, says why, says what to do)
    ├── ConfigurationError     a bad option, URL or data file
    └── StoreError             the database refused an operation

Third-party errors (SQLAlchemy, trafilatura, codecs) are translated into these at
the boundary where they happen, so callers need to catch only `AidledgerError`.
"""

from __future__ import annotations


class AidledgerError(Exception):
    """Base class; the message always says what failed and how to fix it."""


class InputError(AidledgerError):
    def __init__(self, source: str, problem: str, fix: str) -> None:
        self.source, self.problem, self.fix = source, problem, fix
        super().__init__(f"{source}: {problem} ({fix})")

    def __reduce__(self):  # travels between processes (Dask workers, process pools) with its three parts
        return type(self), (self.source, self.problem, self.fix)


class ConfigurationError(AidledgerError):
    pass


class StoreError(AidledgerError):
    pass
