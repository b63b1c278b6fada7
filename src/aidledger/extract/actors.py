"""Actors in a sentence: countries, capitals, agencies, organisations, officials, private donors.

Surface forms come from ``data/actors.yaml``; one compiled alternation matches them
all, longest first, case-sensitively (names are capitalised in news text). A
demonym counts as an actor only when it qualifies a government or private noun
("the Japanese government", "Dutch defence ministry", "Japanese firms"); alone
("Japanese investment") it only marks the country for recipient detection.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from aidledger.extract.lexicon import alternation, load

# Private donors named without a demonym. (The lookahead of the branches' first letters lets the engine
# skip other positions by a set test: ~1.7x faster on a whole article.)
PRIVATE_FORMS = re.compile(
    r"(?=[A-Zacdfptv])(?:\b(?:[A-Z][\w&.-]*\s+){0,3}(?:Foundation|Inc\.|Corp\.|Corporation|Ltd)"
    r"|\bprivate (?:donors|companies|firms|sector|businesses|individuals)\b"
    r"|\b(?:[Tt]ech(?:nology)?|[Pp]harmaceutical|[Ss]oftware|[Tt]elecoms?) (?:companies|firms|giants)\b"
    r"|\b(?:a |the )?(?:crowdfunding|crowd-funding|fundraising|fund-raising) (?:campaign|drive|platform|effort)\b"
    r"|\b(?:charity|charities|fundraiser|volunteers|philanthropists|diaspora groups?)\b)"
)

_NAME_BEFORE = re.compile(r"(?<![.!?]\s)(?<!^)\b(?!The\b)[A-Z][\w-]+ $")


def _generic_word(form: str) -> bool:
    """A body named by a common noun ("Congress", "Parliament"), not by a name of its own ("USAID")."""
    return form.istitle() and form.lower() in load("actors")["government_nouns"]
# Every private form holds one of these words; most articles hold none, and the full pattern is slow.
_PRIVATE_HINT = re.compile(r"Foundation|Inc\.|Corp|Ltd|private|crowd|fund-?raising|fundraiser|charit|volunteers|"
                           r"philanthropists|diaspora|ech(?:nology)? (?:compan|firms|giants)|aceutical|oftware|elecom")


# The hint's literal forms: each is looked for with `in` (a fast substring search in C), faster than the
# alternation, which the engine enters at every position of the article
_PRIVATE_HINT_FORMS = ("Foundation", "Inc.", "Corp", "Ltd", "private", "crowd", "fund-raising", "fundraising",
                       "fundraiser", "charit", "volunteers", "philanthropists", "diaspora", "ech compan",
                       "echnology compan", "ech firms", "echnology firms", "ech giants", "echnology giants",
                       "aceutical", "oftware", "elecom")


def _private_hint(text: str) -> bool:
    """`_PRIVATE_HINT.search(text)`, as a truth value."""
    return any(form in text for form in _PRIVATE_HINT_FORMS)


@dataclass(frozen=True, slots=True)
class Actor:
    start: int
    end: int
    code: str  # ISO alpha-3, organisation code, or PRIVATE
    kind: str  # country | demonym | capital | body | org | official | private
    name: str  # canonical name (person or organisation)
    role: str | None = None  # for officials
    detail: str | None = None  # e.g. "Japanese firms (private sector)"


@dataclass(frozen=True, slots=True)
class _Entry:
    code: str
    kind: str
    name: str
    role: str | None = None
    since: str | None = None
    until: str | None = None


@lru_cache(maxsize=1)
def _gazetteer() -> tuple[re.Pattern, dict[str, list[_Entry]]]:
    data = load("actors")
    table: dict[str, list[_Entry]] = {}

    def add(form: str, entry: _Entry) -> None:
        if form and len(form) > 1:
            table.setdefault(form, []).append(entry)

    for c in data.get("countries", []):
        for form in c.get("names", []) + [c.get("name", "")]:
            add(form, _Entry(c["code"], "country", c["name"]))
        for form in c.get("demonyms", []):
            add(form, _Entry(c["code"], "demonym", c["name"]))
        for form in c.get("capitals", []):
            add(form, _Entry(c["code"], "capital", c["name"]))
        for form in c.get("bodies", []):
            add(form, _Entry(c["code"], "body", form))
        for form in c.get("channels", []):  # "the Nansen programme now stands at ...": the state's own programme
            add(form, _Entry(c["code"], "channel", form))
    for o in data.get("organisations", []):
        for form in o.get("names", []) + [o.get("name", "")]:
            add(form, _Entry(o["code"], "org", o["name"]))
    for p in data.get("officials", []):
        for form in [p["name"]] + list(p.get("aliases", [])):
            add(form, _Entry(p["code"], "official", p["name"], p.get("role"), _iso(p.get("from")), _iso(p.get("to"))))
    for form, candidates in (data.get("anaphora") or {}).items():
        table[form] = [_Entry(candidates[0], "anaphor", form, role=" ".join(candidates))]
    for form, candidates in (data.get("collective_anaphora") or {}).items():
        table[form] = [_Entry(candidates[0], "collective", form, role=" ".join(candidates))]
    for form in data.get("private_names", []):
        table.setdefault(form, [_Entry("PRIVATE", "private", form)])
    for amb in data.get("ambiguous_forms", []):
        if not amb.get("candidates"):  # a phrase that swallows a name inside it ("Latin America")
            table[amb["form"]] = [_Entry("", "blocker", amb["form"])]
    return _FormIndex(table), table


class _FormIndex:
    """Longest-match lookup of thousands of surface forms, indexed by their first word.

    A regex alternation of ~5,000 literals tries every branch at every position; looking up the
    word at each position in a dict and checking only the forms that start with it is ~20x faster.
    """

    def __init__(self, table: dict) -> None:
        self.by_first: dict[str, list[str]] = {}
        for form in table:
            first = re.match(r"\w+", form)
            if first:
                self.by_first.setdefault(first.group(), []).append(form)
        # All forms that start with one word as one trie pattern: a single match finds the longest
        # form there that does not run on into a longer word ("Niger" in "Nigeria").
        self.patterns: dict[str, re.Pattern] = {}  # compiled on first sight of the word: start-up stays short
        # Only words that can start a form are looked up: capitalised ones and the few lowercase starts.
        # A capitalised word that starts no form is not even yielded (about half of them), unless it is in
        # capitals and longer than three letters (a heading's "SWITZERLAND", looked up as "Switzerland").
        lower = [w for w in self.by_first if not w[0].isupper()]
        capital = [w for w in self.by_first if re.match(r"[A-Z\d]", w)]
        self._WORD = re.compile(r"(?<![\w-])(?:" + alternation(capital) + r"(?!\w)|[A-Z\d][^\Wa-z]{3,}(?!\w)|"
                                + alternation(lower) + r"\b)")

    def finditer(self, text: str):
        pos, titled = 0, None
        for word in self._WORD.finditer(text):
            start = word.start()
            if start < pos:
                continue
            pattern, target = self._pattern(word.group()), text
            if pattern is None and len(word.group()) > 3 and word.group().isupper():
                # headings in capitals ("SWITZERLAND: CHF 93m ..."): match the name as it is usually written
                titled = titled if titled is not None else text.title()
                pattern = self._pattern(word.group().title()) if len(titled) == len(text) else None
                target = titled
            m = pattern.match(target, start) if pattern is not None else None
            if m and m.group()[:4].lower() == "the ":
                m = self._longer_after_article(target, m)
            if m:
                yield m
                pos = m.end()

    def _longer_after_article(self, text: str, m: re.Match) -> re.Match:
        """'the Ukraine Security Assistance Initiative': a longer form after the article beats 'the Ukraine'."""
        word = self._WORD.match(text, m.start() + 4)
        pattern = self._pattern(word.group()) if word else None
        longer = pattern.match(text, m.start() + 4) if pattern is not None else None
        return longer if longer is not None and longer.end() > m.end() else m


    def _pattern(self, first: str) -> re.Pattern | None:
        pattern = self.patterns.get(first)
        if pattern is None and first in self.by_first:
            pattern = self.patterns[first] = re.compile(alternation(self.by_first[first]) + r"(?![\w-]|\.\w)")
        return pattern


def _iso(value) -> str | None:
    return value.isoformat() if isinstance(value, date) else (str(value) if value else None)


_DOLLARS_AFTER = re.compile(r"\s?dollars?\b")
_SIGN_AFTER = re.compile(r"\s?\$")


def _names_currency(text: str, m: re.Match) -> bool:
    """'US$ 20 million', 'U.S. dollars', 'Australian dollars' name a currency, not an actor; but in
    'the United States $20 billion' the country is the giver of the sum that follows."""
    nxt = text[m.end():m.end() + 1]
    if nxt != "d" and nxt != "$" and not nxt.isspace():
        return False  # both patterns start with a space, "d" or "$"
    if _DOLLARS_AFTER.match(text, m.end()):
        return True
    return len(m.group()) <= 4 and bool(_SIGN_AFTER.match(text, m.end()))


@lru_cache(maxsize=1)
def _attributive() -> tuple[re.Pattern, re.Pattern]:
    """What follows a demonym or country name: a state organ ("Japanese government") or a private actor."""
    data = load("actors")
    gov = re.compile(r"\s+" + alternation(data["government_nouns"], fold=True) + r"\b", re.I)
    private = re.compile(r"\s+(?:[a-z-]+\s+){0,2}" + alternation(data["private_nouns"]) + r"\b")
    return gov, private


def find_actors(text: str, offset: int = 0, on: str | None = None) -> list[Actor]:
    """Actors mentioned in `text` (spans shifted by `offset`); `on` (YYYY-MM-DD) picks officials in office."""
    pattern, table = _gazetteer()
    actors: list[Actor] = []
    text = text.replace("’", "'")  # same length, so spans stay valid
    picked: dict[str, _Entry | None] = {}  # a form's meaning on the date `on`, looked up once per article
    for m in pattern.finditer(text):
        form = m.group()
        if form in picked:
            entry = picked[form]
        else:
            entry = picked[form] = _pick(table[form], on)
        if entry is None or entry.kind == "blocker" or _names_currency(text, m):
            continue
        if entry.kind == "body" and _generic_word(m.group()) and _NAME_BEFORE.search(text, 0, m.start()):
            continue  # "the Ukrainian Canadian Congress", "Indian National Congress": another body's name
        actor = _actor(entry, m, text, offset)
        if actor is not None:
            actors.append(actor)
    for m in PRIVATE_FORMS.finditer(text) if _private_hint(text) else ():
        if not any(a.start <= m.start() + offset < a.end for a in actors):
            actors.append(Actor(m.start() + offset, m.end() + offset, "PRIVATE", "private", m.group(), detail=m.group()))
    return sorted(actors, key=lambda a: a.start)


_RUNS_IT = re.compile(r"-(?:administered|managed|run|hosted|based|headquartered)\b")


def _actor(entry: _Entry, m: re.Match, text: str, offset: int) -> Actor | None:
    start, end = m.start() + offset, m.end() + offset
    if entry.kind == "private":
        return Actor(start, end, "PRIVATE", "private", entry.name, detail=f"{entry.name} (private sector)")
    if entry.kind not in ("demonym", "country"):
        return Actor(start, end, entry.code, entry.kind, entry.name, entry.role)
    rest = text[m.end():m.end() + 40]
    if _RUNS_IT.match(rest):
        return None  # "a UK-administered fund", "a Norway-based foundation": who runs it, not who gives
    gov_after, private_after = _attributive()
    gov, private = gov_after.match(rest), private_after.match(rest)
    if private and not gov:  # "Japanese firms", "a US philanthropic foundation"
        detail = f"{m.group()}{private.group()} (private sector)"
        return Actor(start, end + private.end(), "PRIVATE", "private", entry.name, detail=detail)
    if entry.kind == "country":
        if _person_named(m, rest, gov):
            return None
        return Actor(start, end, entry.code, entry.kind, entry.name, entry.role)
    if gov:
        return Actor(start, end + gov.end(), entry.code, "body", entry.name)
    return Actor(start, end, entry.code, "demonym", entry.name)


_SURNAME = re.compile(r" [A-Z][a-z]+\b(?! (?:of|for)\b)")


def _person_named(m: re.Match, rest: str, gov: re.Match | None) -> bool:
    """'by Jordan Whitfield': a country name that is also a given name, then a surname."""
    return gov is None and m.group() in _given_name_countries() and bool(_SURNAME.match(rest))


@lru_cache(maxsize=1)
def _given_name_countries() -> frozenset[str]:
    return frozenset(load("actors").get("given_name_countries", ()))


def _pick(entries: list[_Entry], on: str | None) -> _Entry | None:
    """One meaning of a surface form; officials by term of office at the date `on`."""
    codes = {e.code for e in entries}
    if len(codes) == 1:
        return _prefer_in_office(entries, on)
    people = [e for e in entries if e.kind == "official"]
    others = [e for e in entries if e.kind != "official"]
    if others and len({e.code for e in others}) == 1:
        return others[0]
    in_office = [e for e in people if on and (e.since or "") <= on <= (e.until or "9999")]
    if len({e.code for e in in_office}) == 1:
        return in_office[0]
    return None  # ambiguous: better no actor than a wrong one


def _prefer_in_office(entries: list[_Entry], on: str | None) -> _Entry:
    if on:
        for e in entries:
            if e.kind == "official" and (e.since or "") <= on <= (e.until or "9999"):
                return e
    return entries[0]


def resolve_anaphora(actors: list[Actor], seen: list[str]) -> list[Actor]:
    """'the bank' -> the most recent bank named before it in the article (`seen`, oldest first)."""
    out = []
    for a in actors:
        if a.kind in ("anaphor", "collective"):
            candidates = (a.role or a.code).split()
            # the sentence's own earlier names count: "EBRD President Odile Renaud-Basso said the bank will invest"
            named = [x.code for x in out]
            code = next((c for c in reversed(seen + named) if c in candidates), None)
            if code is None and a.kind == "collective":
                continue  # "allies" with no alliance named before: many donors, left to the caller
            a = Actor(a.start, a.end, code or candidates[0], "org", code or candidates[0])
        out.append(a)
    return out
