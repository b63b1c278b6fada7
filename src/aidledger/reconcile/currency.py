"""Amounts in USD and EUR at the ECB reference rate of the announcement date.

CurrencyConverter ships the ECB's daily rates since 1999 inside its package (no network). Weekends and
holidays fall back to the nearest earlier rate, and dates past the shipped range to its last rate; the
rate date actually used is returned with the rate, so the ledger states what it did. Currencies the
ECB does not publish (UAH among them) are returned as None: flagged, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache


@dataclass(frozen=True, slots=True)
class Converted:
    usd: float | None
    eur: float | None
    rate_date: str | None  # the ECB date whose rate was used
    source: str | None  # "ECB" or None when not convertible
    usd_rate: float | None = None  # USD per unit of the original currency
    eur_rate: float | None = None


@lru_cache(maxsize=1)
def _converter():
    from currency_converter import CurrencyConverter

    return CurrencyConverter(fallback_on_missing_rate=True, fallback_on_wrong_date=True)


def convert(amount: float | None, currency: str | None, on: str | None) -> Converted:
    """`amount` of `currency` on date `on` (YYYY, YYYY-MM or YYYY-MM-DD) in USD and EUR."""
    rates = _rates(currency, on) if amount is not None and currency is not None else None
    if rates is None:
        return Converted(None, None, None, None)
    day, usd_rate, eur_rate = rates
    return Converted(round(amount * usd_rate, 2), round(amount * eur_rate, 2), day, "ECB", usd_rate, eur_rate)


# The converter is the hot spot of reconciliation. Caching rates, not amounts, keeps the cache as large as
# the calendar (currencies x days), however many reports a crawl holds.
@lru_cache(maxsize=65536)
def _rates(currency: str, on: str | None) -> tuple[str, float, float] | None:
    """(rate date, USD per unit, EUR per unit) of `currency` for a date; None if the ECB has no rate."""
    c = _converter()
    if currency not in c.currencies:
        return None
    day = _rate_day(on, currency)
    usd_rate = 1.0 if currency == "USD" else c.convert(1.0, currency, "USD", date=day)
    eur_rate = 1.0 if currency == "EUR" else c.convert(1.0, currency, "EUR", date=day)
    return day.isoformat(), usd_rate, eur_rate


def _rate_day(on: str | None, currency: str) -> date:
    """The announcement day; a month or year means its middle; no date means the newest rate."""
    bounds = _converter().bounds
    last = min(bounds["USD"].last_date, bounds[currency].last_date) if currency != "EUR" else bounds["USD"].last_date
    if not on:
        return _last_weekday(last)
    parts = on.split("-")
    year = int(parts[0])
    month = int(parts[1]) if len(parts) > 1 else 7
    day = int(parts[2]) if len(parts) > 2 else (15 if len(parts) > 1 else 1)
    return min(_last_weekday(date(year, month, day)), last)


def _last_weekday(d: date) -> date:
    from datetime import timedelta

    while d.weekday() >= 5:
        d -= timedelta(days=1)
    return d
