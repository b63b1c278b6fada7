"""Reconcile: many reports -> one ledger without double counting (see core.py for the rules)."""

from aidledger.reconcile.core import Entry, Reconciliation, ReportedTotal, reconcile

__all__ = ["Entry", "Reconciliation", "ReportedTotal", "reconcile"]
