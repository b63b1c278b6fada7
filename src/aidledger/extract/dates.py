"""Dates: the publication date of an article, and when each commitment was made.

A small grammar of the date expressions news uses ("on Jan. 7", "March 21, 2023",
"21 March 2023", "in December", "last week", "on Tuesday", "earlier this month",
"in 2022"), resolved against the publication date. Precision is kept: a month
expression gives "YYYY-MM", a year "YYYY".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from aidledger.extract.text import TIMESTAMP_LINE, lines_with_offsets

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
_MON = r"(?P<mon>January|February|March|April|May|June|July|August|September|October|November|December|" \
       r"Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept\.?|Sep\.?|Oct\.?|Nov\.?|Dec\.?)"
# Each branch behind a lookahead of the characters it can start with ("(?=[lnot])" before "on|last|this|
# next"): the engine then tests one set per branch instead of every word of it, and the lookahead of all
# of them before the word boundary lets it skip other positions (the scan is ~3.5x faster than without
# them). Case-insensitive, [a-z] also takes the four non-ASCII letters that match an ASCII one, and \d
# every digit. A new word at the head of a branch needs its first letter in that branch's lookahead
# (tests/test_extract_fast_paths.py checks them).
_BRANCHES = (
    r"(?=\d)(?P<iso>(?P<iy>20\d\d)-(?P<im>[01]\d)-(?P<id>[0-3]\d)(?:\b|(?=T\d)))",  # also "2024-02-20T10:32:00Z"
    r"(?=\d)(?P<dmy>(?P<dd>[0-3]?\d)\.(?P<dm>[01]?\d)\.(?P<dy>(?:19|20)\d\d)\b)",  # 13.05.2023 (European)
    r"(?=\d)(?P<ymd>(?P<yy>(?:19|20)\d\d)[./](?P<ym>[01]?\d)[./](?P<yd>[0-3]?\d)\b)",  # 2022.03.11 (East Asian)
    rf"(?=[adfjmnos]){_MON}\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>(?:19|20)\d\d)\b)?",
    r"(?=\d)(?P<day2>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon2>January|February|March|April|May|June|July|"
    r"August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
    r"(?:,?\s+(?P<year2>(?:19|20)\d\d)\b)?",
    r"(?=[bdefilmostu])(?:in|since|from|by|during|of|until|last|this|early|late|mid-?)\s+(?P<mon3>January|February|"
    r"March|April|June|July|August|September|October|November|December)(?:\s+(?P<year3>(?:19|20)\d\d))?\b",
    r"(?=[adfjmnos])(?P<mon4>January|February|March|April|June|July|August|September|October|November|December)\s+"
    r"(?P<year4>(?:19|20)\d\d)\b",
    r"(?=[lnot])(?:on|last|this|next)\s+(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b",
    r"(?=[elnty])(?P<rel>yesterday|today|last week|last month|last year|this week|this month|this year|"
    r"earlier this month|earlier this year|earlier this week|next month|next year|next week)\b",
    r"(?=[bdios])(?:in|since|during|of|by)\s+(?P<yr>(?:19|20)\d\d)\b",
)
_DATE = re.compile(r"(?=[\da-z])\b(?:" + "|".join(_BRANCHES) + ")", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class DateMention:
    start: int
    end: int
    value: str  # YYYY-MM-DD, YYYY-MM or YYYY
    explicit_year: bool


def find_dates(text: str, published: str | None, offset: int = 0) -> list[DateMention]:
    """Date expressions in `text` resolved against `published` (unresolvable ones skipped)."""
    base = _parse_iso(published)
    out = []
    for m in _DATE.finditer(text):
        try:
            value, explicit = _resolve(m, base)
        except (ValueError, OverflowError):  # a base date at the edge of the calendar (year 1 or 9999)
            continue
        if value:
            out.append(DateMention(m.start() + offset, m.end() + offset, value, explicit))
    return out


def _resolve(m: re.Match, base: date | None) -> tuple[str | None, bool]:
    g = m.groupdict()
    if g["iso"]:
        return _safe_date(int(g["iy"]), int(g["im"]), int(g["id"])), True
    if g["dmy"]:
        return _safe_date(int(g["dy"]), int(g["dm"]), int(g["dd"])), True
    if g["ymd"]:
        return _safe_date(int(g["yy"]), int(g["ym"]), int(g["yd"])), True
    mon = g["mon"] or g["mon2"]
    if mon:
        day = int(g["day"] or g["day2"])
        year = g["year"] or g["year2"]
        month = MONTHS[mon.lower().rstrip(".")]
        if not 1 <= day <= 31:
            return None, False
        if year:
            return _safe_date(int(year), month, day), True
        if base is None:
            return None, False
        return _nearest_year(base, month, day), False
    if g["mon3"] or g["mon4"]:
        month = MONTHS[(g["mon3"] or g["mon4"]).lower()]
        year = g["year3"] or g["year4"]
        if year:
            return f"{int(year):04d}-{month:02d}", True
        if base is None:
            return None, False
        y = _pick_year(base, [(y, date(y, month, 15)) for y in (base.year - 1, base.year, base.year + 1)])
        return f"{y:04d}-{month:02d}", False
    if g["yr"]:
        return g["yr"], True
    if base is None:
        return None, False
    if g["wd"]:
        delta = (base.weekday() - WEEKDAYS[g["wd"].lower()]) % 7
        return (base - timedelta(days=delta)).isoformat(), False
    return _relative(g["rel"].lower(), base), False


def _relative(rel: str, base: date) -> str:
    if rel in ("today", "this week"):
        return base.isoformat()
    if rel == "yesterday":
        return (base - timedelta(days=1)).isoformat()
    if rel in ("last week", "earlier this week"):
        return _ym(base - timedelta(days=7))
    if rel == "last month":
        return _ym(base.replace(day=1) - timedelta(days=1))
    if rel in ("this month", "earlier this month"):
        return _ym(base)
    if rel == "next month":
        return _ym((base.replace(day=28) + timedelta(days=7)).replace(day=1))
    if rel == "next week":
        return _ym(base + timedelta(days=7))
    if rel == "last year":
        return str(base.year - 1)
    if rel == "next year":
        return str(base.year + 1)
    return str(base.year)


def _ym(d: date) -> str:
    return f"{d.year:04d}-{d.month:02d}"  # strftime does not pad years below 1000


def _nearest_year(base: date, month: int, day: int) -> str | None:
    options = [(y, date.fromisoformat(v)) for y in (base.year - 1, base.year, base.year + 1)
               if (v := _safe_date(y, month, day))]
    return _safe_date(_pick_year(base, options), month, day) if options else None


def _pick_year(base: date, options: list[tuple[int, date]]) -> int:
    """News mostly looks back: the latest past occurrence within ~10 months, else the nearest one
    ('announced in April' written in October is this April; 'a conference on Feb. 19' written in January
    is next month's)."""
    past = [(y, d) for y, d in options if d <= base and (base - d).days <= 300]
    if past:
        return max(past, key=lambda o: o[1])[0]
    return min(options, key=lambda o: abs((o[1] - base).days))[0]


def _safe_date(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _parse_iso(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


_HAS_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_BYLINE = re.compile(r"^\s*(?:by\s|published|posted|updated|last updated|date:)", re.I)


def publication_date(text: str) -> str | None:
    """The article's own date from its byline or a date line; never from a feed or sidebar item.

    Order of preference: a byline or "Published" line with a full date; a short
    line that is only a date (and maybe a time); the first full date in the body.
    """
    lines = lines_with_offsets(text)[:80]
    in_feed = False
    best_body: str | None = None
    for _, line in lines:
        if TIMESTAMP_LINE.match(line):
            in_feed = True  # the next line is a feed item with its own dates
            continue
        if not _HAS_YEAR.search(line):
            in_feed = False
            continue
        full = [d for d in find_dates(line, None) if d.explicit_year and len(d.value) == 10]
        if full and not in_feed:
            words = len(line.split())
            if _BYLINE.match(line) or words <= 8 or _is_dateline(line, full[0]):
                return full[0].value
            best_body = best_body or full[0].value
        in_feed = False
    return best_body or _yearless_dateline(text)


_DATELINE = re.compile(r"^[A-Z][A-Za-z .'/-]{1,40},\s+(?P<mon>January|February|March|April|May|June|July|August|"
                       r"September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?\s+"
                       r"(?P<day>[0-3]?\d)\s*(?:\(|[-–—])", re.M)
_WEEKDAY_SAID = re.compile(r"\bon (Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")


def _yearless_dateline(text: str) -> str | None:
    """'BERLIN, March 3 (Reuters) -': the year is one the article mentions on which that day is the weekday
    the story names ('said on Thursday'); most mentioned years are tried first."""
    m = _DATELINE.search(text[:3000])
    if not m:
        return None
    month, day = MONTHS[m.group("mon").lower()], int(m.group("day"))
    mentions = re.findall(r"\b(20[0-3]\d)\b", text)
    ranked = sorted({int(y) for y in mentions}, key=lambda y: (mentions.count(str(y)), y), reverse=True)
    candidates = [y for y in ranked if _safe_date(y, month, day)]
    weekday = _WEEKDAY_SAID.search(text[m.end():m.end() + 600])
    if weekday:
        wanted = WEEKDAYS[weekday.group(1).lower()]
        for y in candidates:
            if date(y, month, day).weekday() == wanted:
                return _safe_date(y, month, day)
    return None  # without a weekday to confirm it, a guessed year does more harm than no date


def _is_dateline(line: str, first: DateMention) -> bool:
    """'KYIV, March 3, 2024 (Reuters) -' style opening."""
    return first.start < 40 and bool(re.search(r"\)\s*[-–—]|\s[-–—]\s", line[first.end:first.end + 30]))
