"""Sentences and tokens with character offsets into the original text.

Offsets always refer to the text exactly as given (no normalisation), so every
span the extractor reports can be cut out of the article again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from aidledger.extract.lexicon import alternation, load

# Abbreviations after which a period does not end a sentence.
_ABBREV = {
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt", "sgt", "adm", "gov",
    "sen", "rep", "st", "no", "vs", "etc", "approx", "est", "inc", "ltd", "co", "corp", "dept",
    "min", "pres", "u.s", "u.k", "u.n", "e.g", "i.e", "a.m", "p.m", "fr", "jr", "sr", "mt", "h.e", "hon", "rt",
    "amb", "excl", "incl", "cf", "fig", "ca", "mio", "mrd",  # "170 Mio. Euro" (German, kept by translation)
}
# (one branch after the common head: a pattern that starts with a character set is scanned by the engine's
# fast prefix search, ~2x faster than two branches; the match is the same, the head being greedy either way)
_SENT_END = re.compile(r"[.!?]+[\"'”’)\]]*(?:(?=\s+[\"'“‘(\[]?[A-Z0-9•*\-–—])|$)")
_TOKEN = re.compile(
    r"[A-Za-z](?:\.[A-Za-z])+\.?"  # U.S., U.K.
    r"|\d+(?:[.,\u202f]\d+)*"  # 1,200.5
    r"|\w+(?:[-'’&]\w+)*"
    r"|[^\w\s]"
)
_SPAN = re.Match.span
# A list line's mark: a bullet or dash ("- 30 tanks", "• $12.6 billion — ...") or a number or letter ("(1)", "a.")
BULLET = r"[-•*–—▪‣·>»›]"
LIST_ITEM = re.compile(rf"^\s*(?:{BULLET}|\(?[a-z0-9]{{1,2}}[.)])\s+")
# A line that is a timestamp ("7:31 PM", "14:32 GMT"): marks feed or live-blog items.
TIMESTAMP_LINE = re.compile(r"^\s*\d{1,2}[:.]\d{2}\s*(?:[AaPp]\.?[Mm]\.?)?\s*(?:[A-Z]{2,4})?\s*$")


class Token(NamedTuple):  # a named tuple: created by the thousand per article, twice as cheap as a dataclass
    text: str
    lower: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of the document: its span, text, line index and kind of line."""

    start: int
    end: int
    text: str
    line: int  # index of the line (paragraph) it is on
    titleish: bool  # on a line without sentence punctuation: headline, menu, caption stub

    def tokens(self) -> list[Token]:
        text, start = self.text, self.start
        low = text.lower()
        if len(low) != len(text):  # a few characters lower-case to two ("İ"): slices would drift
            return [Token(m.group(), m.group().lower(), start + m.start(), start + m.end())
                    for m in _TOKEN.finditer(text)]
        # tuple.__new__ builds each Token without the named tuple's Python-level __new__ (~15% of this loop)
        make = tuple.__new__
        return [make(Token, (text[a:b], low[a:b], start + a, start + b)) for a, b in map(_SPAN, _TOKEN.finditer(text))]


def lines_with_offsets(text: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for line in text.splitlines(keepends=True):
        out.append((pos, line.rstrip("\r\n")))
        pos += len(line)
    return out


_FOOTNOTES = re.compile(r"(?:\[\d{1,3}\])+$")


def is_titleish(line: str) -> bool:
    """A line with no closing punctuation and few words: a headline, menu item or stub."""
    stripped = line.strip()
    if stripped.endswith("]"):  # "... to Ukraine.[1]": a reference mark after the full stop
        stripped = _FOOTNOTES.sub("", stripped)
    if not stripped:
        return True
    # a closing bracket ends a sentence only after its full stop: "... (January)" is a headline's date,
    # and a closing quote only after one: 'first weapons to Ukraine "within hours"' is a headline
    closed = stripped[-1] in ".!?:;" or (stripped[-1] in "\"”’)" and stripped[-2:-1] in ".!?,\"”")
    words = len(stripped.split())
    if closed and words > 3:
        return False
    return words <= 25


def split_sentences(text: str) -> list[Sentence]:
    """Sentences with offsets; every line break ends a sentence (news text is paragraphed)."""
    sentences: list[Sentence] = []
    for index, (offset, line) in enumerate(lines_with_offsets(text)):
        if not line.strip():
            continue
        titleish = is_titleish(line)
        for start, end in _line_sentence_spans(line):
            chunk = line[start:end]
            lead = len(chunk) - len(chunk.lstrip())
            chunk = chunk.strip()
            if chunk:
                s = offset + start + lead
                sentences.append(Sentence(s, s + len(chunk), chunk, index, titleish))
    return sentences


def _line_sentence_spans(line: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in _SENT_END.finditer(line):
        if m.group().startswith(".") and _is_abbreviation(line, m.start()):
            continue
        spans.append((start, m.end()))
        start = m.end()
    if start < len(line):
        spans.append((start, len(line)))
    return spans


_WORD_BEFORE = re.compile(r"[A-Za-z.]+$")


@lru_cache(maxsize=1)
def _scale_abbreviations() -> frozenset[str]:
    """Short scale words of the money lexicon ("bln", "mn"): a dot after one may be the abbreviation's."""
    return frozenset(s.lower() for s in load("money")["scales"] if len(s) <= 4)


@lru_cache(maxsize=1)
def _code_after() -> re.Pattern:
    """A currency code or word right after a dot: "1.5 bln. USD", "100 mil. Swiss francs", "4 bln. Dollars"."""
    words = alternation(load("money")["words"], fold=True)
    return re.compile(r"\.\s+(?:[A-Z]{3}|US\$|(?i:" + words + r"))(?![A-Za-z])")


def _is_abbreviation(line: str, dot: int) -> bool:
    # a bounded look back: abbreviations are short, and scanning the whole line prefix per dot is quadratic
    word = _WORD_BEFORE.search(line, max(0, dot - 20), dot)
    if not word:
        return False
    w = word.group().lower().rstrip(".")
    if w in _ABBREV or w in _scale_abbreviations() and _code_after().match(line, dot):
        return True  # "Mr. Kishida"; "1.5 bln. USD" (a scale's dot before the currency code)
    # Single capital initials ("Joe R. Biden") never end a sentence.
    return len(w) == 1 and line[dot - 1].isupper()


# Where another clause begins: "..., while Britain has signed a deal", "...; the rest"
CLAUSE_BREAK = r",\s+(?:while|whereas|but)\b|;"
# An open relative clause or inserted phrase: ", which is financed by ...", "(which ...", ", including its share of"
_OPEN_RELATIVE = re.compile(r"(?:,|\()\s*(?:which|that|who|including|excluding)\b[^,()]*$")


def in_closed_relative(text: str, start: int, end: int, limit: int, lo: int = 0) -> bool:
    """Is text[start:end] inside a relative clause or an inserted 'including' phrase that a comma closes before
    `limit`? What stands there says nothing about the main clause: 'the ERA loan, which is financed by profits
    from frozen assets, brings ...', 'Japan's support, including its share of loans backed by frozen Russian
    assets, has reached ...'."""
    return "," in text[end:limit] and bool(_OPEN_RELATIVE.search(text, lo, start))

