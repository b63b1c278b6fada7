"""The money grammar: amounts of money in English news text.

Handles currency symbols and codes before the number, currency words after it,
scale words and abbreviations ("$5m", "¥740bn", "2.5 billion euros", "UAH 1.2 bln"),
spelled numbers ("five million euros"), qualifiers ("more than", "up to"), ranges
("$15-20 billion") and stated conversions ("15.8 billion yen ($106 million)").
The vocabulary lives in ``data/money.yaml``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from functools import lru_cache

from aidledger.extract.lexicon import alternation, load


@dataclass(frozen=True, slots=True)
class Money:
    start: int  # span of the whole amount, qualifier excluded
    end: int
    amount: float
    currency: str  # ISO code, or "$?" / "kr?" when it must be resolved from the donor
    qualifier: str = "exact"
    amount_min: float | None = None
    alt_amount: float | None = None
    alt_currency: str | None = None
    alt_end: int | None = None  # end of the stated conversion, when there is one
    preceded_by_from: bool = False


@lru_cache(maxsize=1)
def _grammar() -> tuple[re.Pattern, dict, dict, dict, dict]:
    data = load("money")
    symbols = data["symbols"]
    codes = data["codes"]
    words = {k.lower(): v for k, v in data["words"].items()}
    scales = {k.lower(): float(v) for k, v in data["scales"].items()}
    numbers = {k.lower(): float(v) for k, v in data["numbers"].items()}
    quals = {k.lower(): v for k, v in data["qualifiers"].items()}
    short = ("bn", "mn", "tn", "k", "mio", "mrd")
    long_scales = [s for s in scales if len(s) > 1 and s not in short]
    digits = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+,\d{1,2}(?!\d)|\d+(?:\.\d+)?|\.\d+"
    # spoken figures of transcripts: "three and a half billion", "eighteen point one billion"
    spelled = alternation(numbers, fold=True) + r"(?:[\s-]+(?:and\s+)?" + alternation(numbers, fold=True) + r")*" \
        + r"(?:\s+point(?:\s+(?:" + "|".join(_DIGIT_WORDS) + r"))+)?"
    number = rf"(?:{digits}|(?i:{spelled}))"
    # "$500-million" and "50-billion-euro" (Canadian and AP house styles) take a hyphen
    # "$13 m" (a space before a one-letter scale) only after a currency sign or code; see _to_money
    scale = (rf"(?:[\s-]?(?i:{alternation(long_scales, fold=True)})|\s?(?i:bn|mn|tn|bln|mln|trn|mio\.?|mrd\.?)"
             rf"|\s?(?:[mMbBkK]))(?![A-Za-z])")
    pre = rf"(?:{alternation(symbols)}\s?|{alternation(codes)}\s?)"
    post = rf"(?:{alternation(codes)}|(?i:{alternation(words, fold=True)}))"
    qual = rf"(?i:{alternation(quals, fold=True)})"
    pattern = re.compile(
        rf"(?<![\w$€£¥])(?:(?P<qual>{qual})\s+)?"
        rf"(?P<pre>{pre})?(?P<num>{number})(?P<scale>{scale})?"
        # Korean and Japanese usage writes one amount in two scales: "2 trillion 650 billion won"
        # (only before a currency word: "$5 billion 20 million doses" ends at "billion")
        rf"(?:\s+(?P<more>\d{{1,3}}(?:\.\d+)?)\s+(?P<scale_more>(?i:billion|million|thousand))(?=\s+{post}))?"
        rf"(?:\s*(?P<sep>-|–|—|to|and)\s*(?P<pre2>{pre})?(?P<num2>{number})(?P<scale2>{scale})?)?"
        rf"(?:\.?(?:\s+|-)(?P<post>{post})(?![A-Za-z]))?"  # "1.5 bln. USD": an abbreviation's dot before the code
    )
    return pattern, {**{s: v for s, v in symbols.items()}, **{c: c for c in codes}}, words, scales, (numbers, quals)


@lru_cache(maxsize=1)
def qualifier_words() -> str:
    """The lexicon's qualifiers ("about", "more than", "up to", "approx.") as one case-insensitive regex group,
    for the grammars that look for a sum right after a label, a verb or a dash."""
    return r"(?i:" + alternation(load("money")["qualifiers"], fold=True) + r")"


# How a written sum begins: a sign or code then a digit, or digits then a scale ("$5", "EUR 1", "1.5 billion")
SUM_START = r"(?:[A-Z]{0,3}\$\s?\d|[A-Z]{3}\s?\d|[€£¥₩]\s?\d|\d[\d,.]*\s*(?:bn|billion|million|mln|bln|trillion|m\b))"


_VAGUE_BEFORE = re.compile(r"\b(?:several|a few|few|many|some)\s+$", re.I)


def find_money(text: str, offset: int = 0) -> list[Money]:
    """Every amount of money in `text`; spans are shifted by `offset`."""
    pattern, pre_map, words, scales, (numbers, quals) = _grammar()
    found: list[Money] = []
    pos = 0
    while (m := pattern.search(text, pos)) is not None:
        money = _to_money(m, text, pre_map, words, scales, numbers, quals)
        pos = m.start() + 1  # a rejected match may hide a real amount inside it ("a A$110 million")
        if money is not None:
            pos = money.end  # a rejected range ends the amount early; rescan its second half
            found.append(replace(money, start=money.start + offset, end=money.end + offset))
    return _link_conversions(found, text, offset)


def _to_money(m: re.Match, text, pre_map, words, scales, numbers, quals) -> Money | None:
    pre = (m.group("pre") or "").strip()
    post = m.group("post")
    currency = pre_map.get(pre) if pre else None
    if currency is None and post:
        currency = pre_map.get(post) or words.get(post.lower())
    if currency is None:
        return None
    value = _number(m.group("num"), numbers)
    scale = _scale(m.group("scale"), scales)
    if value is None:
        return None
    if not pre and re.fullmatch(r"\s[mMbBkK]", m.group("scale") or ""):
        return None  # "13 m" alone may be metres; "$13 m" is money
    if m.group("more"):
        more = float(m.group("more")) * _scale(m.group("scale_more"), scales)
        if more >= scale:
            return None
        value += more / scale  # "2 trillion 650 billion won" = 2.65 trillion
    if not m.group("num")[0].isdigit() and scale == 1.0:
        return None  # spelled numbers need a scale: "a EUR" or "five euros" is never an aid figure
    if not m.group("num")[0].isdigit() and _VAGUE_BEFORE.search(text, max(0, m.start() - 12), m.start()):
        return None  # "several hundred million euros", "a few billion dollars": no figure to record
    upper, lower = _range(m, value, scale, numbers, scales)
    end = m.end()
    if upper is None and m.group("num2"):  # not a range: the amount stops before the separator
        end = m.end("scale") if m.group("scale") else m.end("num")
        if currency is None or not pre:
            return None
    amount = upper if upper is not None else value * scale
    if not math.isfinite(amount) or amount <= 0:
        return None
    qualifier = quals.get((m.group("qual") or "").lower(), "exact")
    start = m.start("pre") if m.group("pre") else m.start("num")
    before = text[max(0, start - 6):start].lower()
    return Money(
        start=start,
        end=end,
        amount=amount,
        currency=currency,
        qualifier=qualifier,
        amount_min=lower,
        preceded_by_from=before.rstrip().endswith("from"),
    )


def _range(m: re.Match, value: float, scale: float, numbers, scales) -> tuple[float | None, float | None]:
    if not m.group("num2"):
        return None, None
    sep = m.group("sep")
    before = m.string[max(0, m.start() - 9):m.start()].lower()
    if sep == "and" and "between" not in before:
        return None, None
    if sep == "to" and before.rstrip().endswith("from"):
        return None, None
    second = _number(m.group("num2"), numbers)
    if second is None:
        return None, None
    scale2 = _scale(m.group("scale2"), scales)
    if m.group("scale2") and not m.group("scale"):
        scale = scale2  # "$15-20 billion": the scale applies to both ends
    low, high = value * scale, second * scale2
    if high <= low:
        return None, None
    return high, low


def _number(raw: str, numbers: dict) -> float | None:
    raw = raw.strip()
    if raw[0].isdigit() or raw[0] == ".":
        if re.fullmatch(r"\d+,\d{1,2}", raw):  # decimal comma: "1,5 billion"
            return float(raw.replace(",", "."))
        return float(raw.replace(",", ""))
    return _spelled(raw.lower(), numbers)


_DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def _spelled(raw: str, numbers: dict) -> float | None:
    if raw in numbers:
        return numbers[raw]
    whole, _, decimals = raw.partition(" point ")
    current = 0.0
    for word in re.split(r"[\s-]+", whole):
        if word in ("and", "a"):
            continue
        if word == "half":
            current += 0.5  # "three and a half"
        elif word not in numbers:
            return None
        elif numbers[word] == 100:
            current = (current or 1) * 100
        else:
            current += numbers[word]
    if decimals:  # "eighteen point one" = 18.1
        current += float("0." + "".join(str(_DIGIT_WORDS.index(w)) for w in decimals.split()))
    return current or None


def _scale(raw: str | None, scales: dict) -> float:
    if not raw:
        return 1.0
    return scales.get(raw.strip().strip("-.").lower(), 1.0)  # strip() with no argument: no-break spaces too


# Between an amount and its stated conversion: "15.8 billion yen ($106 million)",
# "NOK 1 billion, or about $95 million", "€500m — roughly £430m".
# The words that mark a restatement as approximate: "(about $106 million)", "(≈ €590m)", ", equivalent to"
APPROX = r"(?:about|around|approximately|approx\.|roughly|some|nearly|almost|~|≈|c\.|ca\.|equivalent\s+(?:to|of)|equal\s+to)"
_CONVERSION_GAP = re.compile(
    # Korean wire English: "394 million dollars scale (about 520 billion won)"
    r"\s*(?:scale\s*)?(?:[(\[]|,|—|–|--|-)?\s*(?:or\s+)?(?:" + APPROX + r"|worth|the\s+equivalent\s+of|over|more\s+than|"
    r"less\s+than|under|at\s+least)?\s*(?:US)?\s*$",
    re.IGNORECASE,
)


def _link_conversions(found: list[Money], text: str, offset: int) -> list[Money]:
    out: list[Money] = []
    i = 0
    while i < len(found):
        first = found[i]
        second = found[i + 1] if i + 1 < len(found) else None
        how = _is_conversion(first, second, text, offset) if second is not None else None
        if not how:
            out.append(first)
            i += 1
            continue
        # A far conversion keeps the words between the sums outside the figure: they may name the giver
        # ("a US$300 million grant from Norway (about NOK 3.3 billion)")
        end = second.end if how == "near" else None
        i += 2
        # a second restatement in the same brackets is the same sum again: "JPY 161.9 bln (USD 1.12 bln, or
        # approximately UAH 46.5 bln)"
        while how == "near" and i < len(found) and found[i].currency not in (first.currency, second.currency) \
                and _CONVERSION_GAP.fullmatch(text[end - offset:found[i].start - offset]) \
                and not re.search(r"[)\]]", text[first.end - offset:end - offset]) \
                and same_value(first.amount, first.currency, found[i].amount, found[i].currency):
            end = found[i].end
            i += 1
        out.append(replace(first, alt_amount=second.amount, alt_currency=second.currency, alt_end=end))
    return out


# "..., approximately 740 billion yen at the current exchange rate": the second sum restates the first
AT_RATE = re.compile(r"\s*,?\s*(?:at|using|under)\s+(?:the\s+|today's\s+)?(?:current|present|prevailing|latest|recent|"
                      r"today's|market|official)?\s*(?:exchange\s+)?rates?\b(?!\s+of\b)", re.I)  # not "at the rate of 0.1%"


_NEAR_WORD = re.compile(r"\b(?:or|equivalent|about|roughly|around)\b", re.I)  # not the "or" of "more"


def _is_conversion(first: Money, second: Money, text: str, offset: int) -> str | None:
    """"near" when `second` restates `first` right after it, "far" when a few words stand between, else None."""
    if first.currency == second.currency:
        return None
    gap = text[first.end - offset:second.start - offset]
    if len(gap) <= 60 and not re.search(r"[.;:]", gap) and AT_RATE.match(text, second.end - offset):
        return "near"
    if len(gap) <= 30 and _CONVERSION_GAP.fullmatch(gap) and (
            (any(mark in gap for mark in ("(", "[", "—", "--")) or _NEAR_WORD.search(gap))):
        return "near"
    # Further away, the two sums must also be worth about the same: "a US$300 million grant from Norway (about
    # NOK 3.3 billion)", "US$250 million in co-financing from Korea's EDCF, about 360 billion won."
    if len(gap) > 120 or not same_value(first.amount, first.currency, second.amount, second.currency):
        return None
    after = text[second.end - offset:second.end - offset + 3]
    if _FAR_IN_BRACKETS.fullmatch(gap) and re.match(r"\s*[)\]]", after):
        return "far"
    if _FAR_APPOSITION.fullmatch(gap) and (re.match(r"\s*(?:[.;]|$)", after) or (
            # "its 471.9-bil.-yen share, or about 3 bil. dlrs, of the ...": "or" marks the restatement
            re.search(r",\s*or\s+\S+\s*(?:US)?\s*$", gap) and after.startswith(","))):
        return "far"
    return None


# A restatement further from its sum: no clause break, list comma or second actor between them ("$20bn from the
# US, about €18.1bn from the EU" are two sums), then a bracket or ", about" right before the second sum
_FAR_BODY = (r"(?:(?![,;:–—]|\.\s+[A-Z]|\b(?:and|while|but|plus|whereas|versus|vs|compared|than|against|besides|up|"
             r"down|as\s+well\s+as|in\s+addition)\b).)*?")
_FAR_IN_BRACKETS = re.compile(_FAR_BODY + r"[(\[]\s*(?:or\s+)?" + APPROX + r"?\s*(?:US)?\s*", re.I | re.S)
_FAR_APPOSITION = re.compile(_FAR_BODY + r"(?:\)\s*)?,\s*(?:or\s+)?" + APPROX + r"\s*(?:US)?\s*", re.I | re.S)


def same_value(amount: float | None, currency: str, other: float | None, other_currency: str) -> bool:
    """Whether two sums are worth about the same in US dollars at the rates of money.yaml `usd_value`
    (an ambiguous "$" or "kroner" may be any of its currencies)."""
    if not amount or not other:
        return False
    values, ambiguous = load("money")["usd_value"], load("money")["ambiguous"]

    def worth(value: float, code: str) -> list[float]:
        table = ambiguous.get(code)
        codes = [table["default"], *table["by_donor"].values()] if table else [code]
        return [value * values[c] for c in codes if c in values]

    return any(0.75 <= a / b <= 1.33 for a in worth(amount, currency) for b in worth(other, other_currency))


def resolve_currency(currency: str, donor: str | None, converted: str | None = None) -> tuple[str, bool]:
    """An ambiguous "$" or "kroner" resolved from the donor: (code, inferred?). A conversion of a sum in
    `converted` is in another currency: "C$1.7 billion ($1.22 billion)" restates Canada's dollars in US dollars."""
    table = load("money")["ambiguous"].get(currency)
    if table is None:
        return currency, False
    by_donor = table["by_donor"]
    if donor in by_donor and by_donor[donor] != converted:
        return by_donor[donor], by_donor[donor] != table["default"]
    return table["default"], False


# ---------------------------------------------------------------- table columns

# A column header that names the currency of the figures below it: "Amount (USD)", "US$ million", "EUR m",
# "(in million yen)", "Contribution, € bn". The scale is optional: "31.0 million" under "Amount (USD)".
_SCALE_WORDS = alternation([w for w in load("money")["scales"] if len(w) > 1], fold=True)  # money.yaml scales
_HEADER_SCALE = re.compile(rf"(?<![A-Za-z])(?:(?P<long>{_SCALE_WORDS})s?|(?P<short>[mkb]))(?![A-Za-z])", re.I)


def column_currency(header: str) -> tuple[str, float] | None:
    """(currency, scale) a table header cell names for its column, or None. Only short cells, so a row's
    sentence ("Japan gave USD 5 million") never passes for a header."""
    words = header.split()
    if not 1 <= len(words) <= 6 or any(ch.isdigit() for ch in header):
        return None
    _, pre_map, names, scales, _ = _grammar()
    currency = None
    for word in re.findall(r"[A-Z]{0,3}\$|[€£¥₩]|[A-Za-z]+(?:\s+dollars)?", header):
        currency = pre_map.get(word) or names.get(word.lower()) or currency
    if currency is None:
        return None
    scale = _HEADER_SCALE.search(header.replace("$", " ").replace("€", " ").replace("£", " "))
    if scale is None:
        return currency, 1.0
    if scale.group("short") and len(words) > 3:
        return None  # a lone "m" only in a short unit cell ("EUR m"), never in a longer label
    return currency, _scale(scale.group("long") or scale.group("short"), scales)  # "USD thousands": the word


_CELL_FIGURE = re.compile(rf"\s*(?:(?P<qual>{qualifier_words()}|~)\s*)?"
                          r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
                          rf"(?:\s*(?P<scale>{_SCALE_WORDS}|m|k)\b\.?)?\s*", re.I)


def cell_money(cell: str, start: int, currency: str, scale: float) -> Money | None:
    """The figure of a table cell under a column header naming its currency: "31.0 million" under "Amount (USD)"."""
    m = _CELL_FIGURE.fullmatch(cell)
    if m is None:
        return None
    _, _, _, scales, (numbers, quals) = _grammar()
    amount = round(float(m.group("num").replace(",", "")) * (_scale(m.group("scale"), scales) if m.group("scale")
                                                              else scale), 2)  # 4.1 x 1e9 is not 4099999999.9999995
    if amount <= 0:
        return None
    return Money(start=start + m.start("num"), end=start + len(cell.rstrip()), amount=amount, currency=currency,
                 qualifier=quals.get((m.group("qual") or "").lower(), "exact"))
