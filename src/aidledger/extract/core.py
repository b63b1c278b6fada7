"""extract(text) -> commitments: the extraction pipeline for one document.

1. split into sentences (with offsets); a cheap filter keeps candidate sentences;
2. find figures (money, counted goods, services) and actors in each candidate;
3. for each figure, find its verb frame (stage), donor, recipient, channel, scope, date;
4. drop figures that are not assistance (blocked, negated, discussed, no donor, not to a focus recipient);
5. merge repeats of the same commitment within the document (headline, lead, body).
"""

from __future__ import annotations

import bisect
import re
from typing import NamedTuple
from collections import Counter
from dataclasses import dataclass, field, fields
from functools import lru_cache

from aidledger.extract import attributes as attrs
from aidledger.extract.actors import Actor, find_actors, resolve_anaphora
from aidledger.extract.dates import find_dates, publication_date
from aidledger.extract.frames import (FUTURE_WORDS, Frame, find_triggers, frame_for, is_denied, is_discussion,
                                      is_negated)
from aidledger.extract.items import (ItemMention, elliptical_counts, find_examples, find_goods, find_labelled_goods,
                                     find_services, find_uncounted, is_named, named_goods, resolve_anaphor,
                                     service_from_verb)
from aidledger.extract.lexicon import alternation, load, plural, starts, whole_words
from aidledger.extract.money import (APPROX, AT_RATE, SUM_START, Money, cell_money, column_currency, find_money,
                                     qualifier_words, resolve_currency,
                                     same_value)
from aidledger.extract.text import (BULLET, CLAUSE_BREAK, LIST_ITEM, Sentence, Token, in_closed_relative,
                                    split_sentences)
from aidledger.records import AidType, Commitment, Evidence, Kind, Qualifier, Scope, Status

FOCUS_RECIPIENTS = ("UKR",)
# Typography of scraped pages read as plain text, one character for one so every offset stays valid:
# no-break and thin spaces ("$1.5\u00a0billion"), curly apostrophes and quotes ("Japan’s"), full-width signs
_FIXED_SPACES = "\u00a0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_PLAIN = str.maketrans({**dict.fromkeys(_FIXED_SPACES, " "),
                         "\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\uffe5": "¥", "\uff04": "$"})
_TO_PLAIN = re.compile("[" + "".join(map(chr, _PLAIN)) + "]")
MIN_AMOUNT = 10_000  # smaller sums in news are prices, fees or donation asks, not state aid
_INIT_FIELDS: dict[type, tuple[tuple[str, ...], frozenset]] = {}


def replace(obj, /, **changes):
    """`dataclasses.replace` for the records (frozen dataclasses with slots, no __post_init__), without the
    generic path's field checks and keyword __init__: a copy with its fields set directly, ~2x faster."""
    cls = type(obj)
    known = _INIT_FIELDS.get(cls)
    if known is None:
        known = _INIT_FIELDS[cls] = (tuple(f.name for f in fields(cls)), frozenset(f.name for f in fields(cls)))
    names = known[0]
    if not changes.keys() <= known[1]:
        raise TypeError(f"{cls.__name__} has no field(s) {sorted(changes.keys() - known[1])}")
    new = object.__new__(cls)
    for name in names:
        object.__setattr__(new, name, changes[name] if name in changes else getattr(obj, name))
    return new


@dataclass
class _Context:
    doc_id: str
    text: str
    published: str | None
    default_recipient: str | None
    main_donor: Actor | None
    last_donor: Actor | None = None
    last_status: str | None = None  # for "The package includes ..." and list items under a lead-in
    lead_in: tuple | None = None  # (status, donor, part?, what labels are) of a sentence that introduces a list
    rows: frozenset = frozenset()  # starts of the lines of a text table ("Germany — US$38.2 million — paid")
    aid_rows: frozenset = frozenset()  # the rows of a table whose header names aid
    label_rows: frozenset = frozenset()  # rows of a captioned table whose labels are not givers ("Moldova   12.0")
    row_stages: dict = field(default_factory=dict)  # table row start -> the stage its caption or header names
    column_money: dict = field(default_factory=dict)  # sentence start -> figures of a column whose header names the currency
    heading: bool = False  # the current sentence heads a list without a colon (see _heads_list)
    figures: list = None  # spans of every figure in the current sentence: evidence stops at its neighbours
    seen: list = None  # actor codes in order of mention, for "the bank", "the Fund"
    dates_of: tuple = (-1, [])  # (sentence start, its date mentions outside 'since ...' phrases)
    shares_of: tuple = (-1, [])  # (sentence start, the spans of its percentages)
    split_parent: Commitment | None = None  # "the money will be split among ...": later figures are its parts
    last_money: Commitment | None = None
    kept_money: list = field(default_factory=list)  # every money record kept so far, in text order
    split_line: int = -1
    actors: list = None  # every actor of the document, by position
    actor_starts: list = None
    last_line: int = -1
    unnamed_total_line: int = -1  # the paragraph of a total received from givers it does not name
    last_named: Actor | None = None  # the state named last, for "Its package", "The government"
    named_items: list = field(default_factory=list)  # "MiG-29 fighter jet", for "14 aircraft of this type"
    original: str = ""  # the text as given; `text` has its no-break and thin spaces made plain for the grammars
    trace: list | None = None  # when a list, every figure's fate is appended: (figure, decision, reason)
    recipients: dict = field(default_factory=dict)  # the current sentence's explicit recipient by figure end
    last_reason: str = ""  # why the last figure was dropped
    sentence_giver: Actor | None = None  # the giver of the last sum kept in the current sentence
    joint_totals: list = field(default_factory=list)  # (donor, amount, currency) of totals split among other givers
    breakdown: "_Breakdown | None" = None  # the split under way
    funds_agencies: bool = False  # the article says its main state pays for what the agencies it names deliver

    def note(self, start: int, end: int, decision: str, reason: str) -> None:
        self.last_reason = reason
        if self.trace is not None:
            self.trace.append({"figure": self.text[start:end], "span": [start, end], "decision": decision,
                               "reason": reason})


class _CandidateFilter:
    """Keeps the sentences that can hold a figure; a set lookup over their words, no regex alternation.

    Money needs a currency (sign, ISO code or currency word); goods need a count and a goods word;
    services need a service noun or verb. Everything else is skipped before any parsing.
    """

    _SIGNS = re.compile(r"[$€£¥₩₴]|zł|\bY(?=\d)")  # "Y30 billion": the yen sign of wire copy
    _WORDS = re.compile(r"[A-Za-z][A-Za-z0-9-]*|\d")

    def __init__(self) -> None:
        items, money = load("items"), load("money")
        self.codes = set(money["codes"])
        self.codes_lower = {c.lower() for c in self.codes}
        # "EUR1.2bn" is one word; the lookahead of the codes' first letters lets the engine skip the others
        firsts = "".join(sorted({re.escape(c[0]) for c in self.codes}))
        self.glued = re.compile(rf"(?=[{firsts}])\b(?:" + "|".join(map(re.escape, sorted(self.codes))) + r")\d")
        self.currency = {w.split()[-1].lower() for w in money["words"] if w.isascii()} - {"won"}
        goods = set(items["measure_words"])
        for noun, entry in items["goods"].items():
            goods |= {noun.split()[-1], plural(noun, entry).split()[-1]}
        self.goods = {g.lower() for g in goods}
        self.numbers = {w for w in money["numbers"] if " " not in w and w not in ("a", "an")} | {
            "dozens", "hundreds", "thousands", "second", "third", "fourth", "fifth", "sixth", "further"}
        # a multi-word service ("technical cooperation") counts only whole: its last word alone is common
        self.phrases: dict[str, list[str]] = {}
        for phrase in (w.lower() for w in items["services"] if " " in w):
            self.phrases.setdefault(phrase.split()[-1], []).append(phrase)
        services = {w.lower() for w in items["services"] if " " not in w}
        verbs = {w + x for w in items["service_verbs"] for x in ("", "s", "ed", "d", "ing", "es")}
        self.services = services | verbs | {v[:-1] + "ing" for v in items["service_verbs"] if v.endswith("e")}

    _LOWER_WORDS = re.compile(r"[a-z][a-z0-9-]*|\d")  # _WORDS on lower-cased ASCII text: the same words

    def search(self, text: str) -> tuple[bool, bool, bool]:
        """(may hold money, may hold counted goods, may hold a service) for one sentence."""
        if "\u0130" not in text and "\u212a" not in text:
            # lower-casing keeps every other character one character, and makes no other one an ASCII letter
            # ("İ" -> "i̇", Kelvin "K" -> "k"): the words of the lower-cased text are the lower-cased words
            raw = None
            words = set(self._LOWER_WORDS.findall(text.lower()))
        else:
            raw = self._WORDS.findall(text)
            words = {w.lower() for w in raw}
        if "-" in text:  # "50-billion-euro"
            words.update(p for w in [w for w in words if "-" in w] for p in w.split("-"))
        # a code ("EUR") is one of the words, lower-cased: most sentences hold none, and need not be read again
        money = (bool(self._SIGNS.search(text))
                 or not self.codes_lower.isdisjoint(words) and not self.codes.isdisjoint(
                     raw if raw is not None else self._WORDS.findall(text))
                 or not self.currency.isdisjoint(words) or bool(self.glued.search(text)))
        goods = not self.goods.isdisjoint(words)
        services = not self.services.isdisjoint(words) or any(
            phrase in text.lower() for w in words.intersection(self.phrases) for phrase in self.phrases[w])
        return money, goods, services  # uncounted goods ("will send SCALP missiles") need no number


@lru_cache(maxsize=1)
def _candidate_filter() -> _CandidateFilter:
    return _CandidateFilter()


@lru_cache(maxsize=1)
def _blockers() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    data = load("triggers")
    blockers = re.compile(whole_words(data["blockers"]), re.I)
    exceptions = re.compile(starts(data["blocker_exceptions"], fold=True)
                            + alternation(data["blocker_exceptions"], fold=True), re.I)
    strong = re.compile(whole_words(data["strong_aid_nouns"]), re.I)
    return blockers, exceptions, strong


@lru_cache(maxsize=1)
def _hard_blockers() -> re.Pattern:
    return re.compile(alternation(load("triggers")["hard_blockers"], fold=True), re.I)


@lru_cache(maxsize=1)
def _own_use() -> re.Pattern:
    return re.compile(r"\b" + alternation(load("triggers")["own_use"], fold=True) + r"\b", re.I)


# someone's count of a named giver's aid: "the tracker, which counts only allocated aid, puts Japan's bilateral
# support at about €11 billion" (the giver's own count says "its")
_COUNTED_BY_OTHERS = re.compile(r"\bput(?:s|ting)?\s+[A-Z][\w.-]*['’]s?\s+(?:[\w-]+\s+){0,3}?(?:support|aid|assistance|"
                                rf"contributions?|total|allocations?|commitments?)\s+at\s+(?:{qualifier_words()}\s+)?$")
# the subject sells to someone else: "signed deals to export K2 tanks and other weapons to Poland worth about"
_SELLS_ELSEWHERE = re.compile(r"(?<!-)\b(?:export|exports|exported|exporting|sell|sells|sold|selling)\s+"
                              # (not "UK export finance", "the export credit agency", "export controls")
                              r"(?!(?:finance|financing|credits?|agenc\w+|controls?|licen\w+|rules|restrictions|bans?)\b)"
                              r"(?![^.;]*?\b(?:to|for)\s+(?:Ukraine|Kyiv)\b)(?:(?!,\s+(?:though|but|while|whereas|and)\s)"
                              r"[^.;$€£¥])*$")
# the subject buys: "Poland, which has agreed to buy around $13.7 billion worth of tanks"
_BUYS = re.compile(r"\b(?:agreed|agrees|plans?|planned|decided|decides|wants?|intends?|set|signed|deal|contract|order)"
                   rf" to (?:buy|purchase|procure|acquire)\s+(?:{qualifier_words()}\s+)?$", re.I)


@lru_cache(maxsize=1)
def _aid_nouns() -> re.Pattern:
    return re.compile(whole_words(load("triggers")["aid_nouns"]), re.I)


def extract(text: str, published: str | None = None, doc_id: str = "doc",
            recipients: tuple[str, ...] = FOCUS_RECIPIENTS, trace: list | None = None) -> list[Commitment]:
    """All assistance commitments in one article, each with its evidence span.

    Pass a list as `trace` to receive, for every figure considered, what was decided and why.
    """
    original, text = text, _unwrapped(_plain(text))  # same length: offsets point into the original
    published = published or publication_date(text)
    sentences = split_sentences(text)
    doc_actors = find_actors(text, 0, published)  # one pass over the article; sentences take slices
    ctx = _Context(doc_id, text, published, "UKR" if attrs.UKRAINE_MARKERS.search(text) else None, None,
                   trace=trace, seen=[], original=original)
    ctx.main_donor = _main_donor(doc_actors, sentences)
    ctx.funds_agencies = _funds_agencies(text, doc_actors, ctx.main_donor)
    ctx.rows, ctx.aid_rows = _table_rows(sentences)
    columns = _column_money(sentences)
    ctx.column_money, headers = columns.money, columns.headers
    ctx.aid_rows |= columns.aid_rows
    ctx.label_rows, ctx.row_stages = columns.label_rows, columns.stages
    # "UNDP | 31.0 million | Humanitarian demining, ...": rows of a table; its header keeps the lead-in above it
    ctx.rows |= frozenset(ctx.column_money) | headers
    ctx.actors = doc_actors
    ctx.actor_starts = [a.start for a in doc_actors]
    found: list[tuple[Commitment, bool]] = []
    flt = _candidate_filter()
    list_open = False  # under a line ending in ":", list items are body text; elsewhere they are teasers
    body_line = money_line = -2  # the line of the last body sentence (not a list item or heading); of a sum kept
    for sentence in sentences:
        kinds = flt.search(sentence.text)
        if sentence.start in ctx.column_money:
            kinds = (True, kinds[1], kinds[2])  # "UNDP | 31.0 million | ..." under "Amount (USD)"
        is_item = _is_list_item(ctx, sentence)
        if is_item and sentence.line == body_line + 1:
            list_open = True  # a list hung right under a body sentence goes on with it, no teasers
            if ctx.lead_in is None and money_line == body_line and ctx.last_donor is not None:
                # and breaks down the sum that sentence gave: "Norway will lend NOK 3 billion." "- First tranche: ..."
                ctx.lead_in = (ctx.last_status or "announced", ctx.last_donor, True, "hung")
        # a fact-box line ("• $12.6 billion — Japan's total assistance to Ukraine") states a figure, no teaser
        titleish = sentence.titleish and not (is_item and _stated_in_list(sentence, list_open)) \
            and not _FACT_LINE.match(sentence.text) and sentence.start not in ctx.rows
        if not is_item:
            body_line = -2 if sentence.titleish else sentence.line
            list_open = not _header("chrome_headers").match(sentence.text) and (_opens_list(sentence) or (
                "facts" if _header("fact_box_headers").fullmatch(sentence.text.strip(_HEADER_MARKS)) else False))
        if ctx.split_parent is not None and sentence.line != ctx.split_line:
            ctx.split_parent = None  # a split's parts follow it in the same paragraph
        if ctx.split_parent is None and ctx.last_money is not None and _SPLIT.search(sentence.text):
            ctx.split_parent, ctx.split_line = ctx.last_money, sentence.line
        if sentence.text.rstrip(" \"'”’)").endswith("?"):
            kinds = (False, False, False)  # a question commits nobody: "Which countries pledged to the $50bn loan?"
        ctx.heading = _heads_list(ctx, sentence)
        list_open = list_open or ctx.heading
        if not any(kinds):
            found = _track_breakdown(ctx, sentence, [], is_item, found)
            actors = _sentence_actors(ctx, sentence)
            if ctx.heading or _opens_list(sentence):  # "The package contains:" introduces a list
                tokens = sentence.tokens()
                ctx.lead_in = _lead_in(ctx, sentence, tokens, actors, find_triggers(tokens))
            _remember_donor(ctx, sentence)
            continue
        records = [_as_part_of_split(ctx, sentence, r) for r in _sentence_records(ctx, sentence, kinds)]
        found = _track_breakdown(ctx, sentence, records, is_item, found)  # (before the records are remembered)
        if kinds[1]:
            ctx.named_items.extend(named_goods(sentence.text))
        for record in records:
            if record.recipient in recipients or record.recipient is None and None in recipients:
                found.append((record, titleish))
                _remember(ctx, record, sentence)
                money_line = sentence.line if record.kind is Kind.MONEY else money_line
            else:
                ctx.last_status = record.status.value  # "decided to extend ... to Ukraine and neighbours. The breakdown:"
                ctx.note(record.evidence.amount_start, record.evidence.amount_end, "dropped",
                         f"recipient {record.recipient} is not a focus recipient")
        _remember_donor(ctx, sentence)
    found = _track_breakdown(ctx, None, [], False, found)
    return _merge_repeats(found, text)


# a sentence or lead-in that breaks the sum before into its parts: "It comprises a $984 million loan from ...",
# "The additional financing comprises:"
_BREAKS_DOWN = re.compile(r"\s*(?:It|This|The\s+(?:\w+\s+){0,2}?(?:financing|funding|package|amount|sum|operation|"
                          r"project|support|total))\s+(?:comprises|consists of|includes|is made up of|combines|"
                          r"is composed of)\b")


class _Breakdown(NamedTuple):
    total: Commitment  # the sum broken down
    givers: set  # the other states that give its parts
    line: int  # the line of the sentence or lead-in that opens the split


def _sum_key(record: Commitment) -> tuple:
    return record.donor, record.amount, record.currency


def _track_breakdown(ctx: _Context, sentence: Sentence | None, records: list, is_item: bool, found: list) -> list:
    """A sum the next sentence or list splits among two or more other states is their joint total ("The World Bank
    approved US$1.5 billion ... It comprises a loan backed by a guarantee from Japan and grants from the United
    Kingdom and Norway"): each part is its giver's commitment, and the total is no one's (dropped, with its
    restatements, at the end of the split; `sentence` None ends the article)."""
    split = ctx.breakdown
    if split is not None and (sentence is None or not is_item and sentence.line != split.line):
        ctx.breakdown = None
        if len(split.givers) >= 2:
            ctx.joint_totals.append(_sum_key(split.total))
            for record, _ in found:
                if _sum_key(record) == _sum_key(split.total):
                    ctx.note(record.evidence.amount_start, record.evidence.amount_end, "dropped",
                             "a total the next lines split among several givers")
    if sentence is None:
        return [f for f in found if _sum_key(f[0]) not in ctx.joint_totals]
    total = ctx.last_money
    if ctx.breakdown is None and total is not None and _BREAKS_DOWN.match(sentence.text) \
            and ctx.text.count("\n", total.evidence.end, sentence.start) <= 2:
        ctx.breakdown = _Breakdown(total, set(), sentence.line)  # the sum kept last, in the paragraph before at most
    if ctx.breakdown is not None:
        ctx.breakdown.givers.update(r.donor for r in records if r.kind is Kind.MONEY and r.donor in attrs.STATE_CODES
                                    and r.donor != ctx.breakdown.total.donor)
    return found


def _plain(text: str) -> str:
    """`text.translate(_PLAIN)`, faster: translating non-ASCII text through a dict costs ~0.1 ms per 1,000
    characters, as much as extracting a short article; most articles hold only a few of its characters."""
    if text.isascii():
        return text
    for ch in set(_TO_PLAIN.findall(text)):
        text = text.replace(ch, _PLAIN[ord(ch)])
    return text


_TABLE_LINE = re.compile(r"\s\|\s|\t|\S {3,}\S")


def _unwrapped(text: str) -> str:
    """Hard-wrapped text (plain-text digests, e-mail, feeds cut at ~72 characters): a line break inside a
    paragraph becomes a space, so sentences and figures ("$4.5\nbillion") are read whole. Same length."""
    lines = text.split("\n")
    full = [line.rstrip() for line in lines if line.strip()]
    # rows of a text table ("Germany | EUR 300 mln | announced | ...") end without a full stop but are no wrapped prose
    cut = sum(1 for line in full if 55 <= len(line) <= 100 and line[-1] not in '.!?:;")' and not _TABLE_LINE.search(line))
    if len(full) < 6 or cut < 0.4 * len(full):
        return text
    out = []
    for line, nxt in zip(lines, lines[1:] + [""]):
        joined = len(line.rstrip()) >= 50 and nxt.strip() and not LIST_ITEM.match(nxt) \
            and not _TABLE_LINE.search(line) and not _TABLE_LINE.search(nxt)
        out.append(line + (" " if joined else "\n"))
    return "".join(out)[:len(text)]


def _main_donor(actors: list[Actor], sentences: list[Sentence]) -> Actor | None:
    """The donor most talked about in the article: the fallback for sentences that name none."""
    counts: Counter = Counter()
    first: dict[str, Actor] = {}
    limit = sentences[min(59, len(sentences) - 1)].end if sentences else 0
    for a in actors:
        if a.start <= limit and a.code not in attrs.NON_DONORS and a.kind in (
                "country", "capital", "body", "official", "org"):
            # organisations are often channels ("through UNDP"); a state, when named, is the likelier donor
            counts[a.code] += 1 if a.kind != "org" else 0.4
            first.setdefault(a.code, a)
    if not counts:
        return None
    return first[counts.most_common(1)[0][0]]


def _remember_donor(ctx: _Context, sentence: Sentence) -> None:
    if sentence.line != ctx.last_line:
        ctx.last_donor = None if sentence.titleish else ctx.last_donor
    ctx.last_line = sentence.line
    lo = bisect.bisect_left(ctx.actor_starts, sentence.start)
    hi = bisect.bisect_left(ctx.actor_starts, sentence.end)
    if sentence.titleish:
        # a roundup's section heading ("SWITZERLAND: CHF 93m for ...", "Japan — new grants") names the
        # giver of the paragraph below it
        first = ctx.actors[lo] if lo < hi else None
        if first is not None and first.start == sentence.start and first.kind in _STATE_KINDS \
                and first.code not in attrs.NON_DONORS and _HEADING_MARK.match(ctx.text, first.end):
            ctx.last_donor = ctx.last_named = first
        return
    place = _opening_place(sentence, ctx.actors[lo:hi])
    named = [a for a in ctx.actors[lo:hi] if a.kind in _STATE_KINDS and a.code not in attrs.NON_DONORS
             and (a is place or not _OBJECT_BEFORE.search(ctx.text, max(0, a.start - 12), a.start))]
    if named:
        ctx.last_named = named[-1]


_PLACE_NAME = r"[A-Z][\w-]+(?: [A-Z][\w-]+)?, "
# "In Vilnius, the government has proposed ...": a capital opening the sentence sets the scene
_PLACE_OPENER = re.compile(r"In " + _PLACE_NAME)
# "For Japan, the funding is partly covered by ...": the state the sentence is about
_TOPIC_OPENER = re.compile(r"(?:For|As for|In the case of) (?:the )?" + _PLACE_NAME)


def _opening_place(sentence: Sentence, actors: list[Actor]) -> Actor | None:
    """The state a scene-setting opener names: 'In Riga, the government ...'."""
    if not _PLACE_OPENER.match(sentence.text):
        return None
    return next((a for a in actors if a.start == sentence.start + 3 and a.kind in _STATE_KINDS
                 and a.code not in attrs.NON_DONORS), None)


@lru_cache(maxsize=1)
def _seat_of() -> re.Pattern:
    """'the government in Oslo', 'officials in Tokyo': a body at the seat of a state's government."""
    return re.compile(r"\b(?:" + alternation(load("actors")["seat_nouns"], fold=True) + r") in $", re.I)
_HEADING_MARK = re.compile(r"\s*(?::|—|–|-)\s")
# "sold to Romania", "talks with Poland": a state after a preposition is not who "The government" points back to
_OBJECT_BEFORE = re.compile(r"\b(?:to|for|with|from|in|into|against|by|at|of|after|than|behind|like|unlike|besides)\s+"
                            r"(?:the\s+)?$")
_STATE_KINDS = ("country", "capital", "body", "official", "demonym")
# A sentence whose subject points back to a state named before: "Its 24th package ...", "The government ..."
# after an optional scene-setting place ("In Riga, the government ...")
# "It" opening a sentence as the subject of a verb: not the "It is ..." of a comment, nor a package or sum as the
# subject ("It brings Australia's total support for Ukraine to more than $1.3 billion")
_STATE_ANAPHOR = re.compile(rf"\s*(?:{_PLACE_OPENER.pattern})?(?:Its|Their|"
                            rf"It(?= (?!{alternation(load('triggers')['not_agent_after_it'])}\b)[a-z]+\b)"
                            r"|[Tt]he (?:government|country|ministry|cabinet|state|defence ministry|defense ministry|"
                            r"foreign ministry|finance ministry))\b")


@lru_cache(maxsize=2)
def _header(kind: str) -> re.Pattern:
    """A block header of triggers.yaml: `chrome_headers` (other articles' headlines follow: "Related:", "Most
    read") or `fact_box_headers` (the article's own facts follow: "Key Details")."""
    return re.compile(r"\s*" + alternation(load("triggers")[kind], fold=True) + r"\b", re.I)


_FACT_LINE = re.compile(rf"\s*(?:{BULLET}\s*)?(?:(?:{qualifier_words()}\s+)?"
                        r"(?:[$€£¥₩]|[A-Z]{3}\s?|[A-Z]{1,2}\$)\d[\d.,]*\s*(?:[a-z]+\s*)?[—–:]\s+"
                        r"(?:the\s+)?[A-Z][\w.-]*'s\s"  # ... whose giver is named: "Japan's total assistance"
                        # an aid label: "- Humanitarian, financial support: approx. 7.6 billion dollars"
                        r"|[A-Z][^:\n]{0,60}\b(?:aid|support|assistance|loans?|grants?|funding|contributions?)\s*:\s+"
                        rf"(?:{qualifier_words()}\s+)?\S*\d"
                        # a dated entry of a timeline: "March 2022: Emergency Grant Aid of 100 million US dollars"
                        r"|(?:(?:January|February|March|April|May|June|July|August|September|October|November|December)"
                        r"(?:\s+\d{1,2},?)?\s+)?(?:19|20)\d\d\s*[:—–]\s)")  # "- 2023: about $6.4 billion"


_AS_FOLLOWS = re.compile(r"\b(?:as follows|the following)\s*[.:]?\s*$", re.I)
_CUE_ENDS = frozenset("sSgG\u017f")  # the characters the cues' last letters match


def _opens_list(sentence: Sentence) -> bool:
    """'The package contains:', 'The main items are as follows.': the lines below are its list."""
    text = sentence.text
    tail = text.rstrip()
    if tail.endswith(":"):
        return True
    # the cue ends the sentence: search only its last words (a match starts at most 13 characters, the
    # longer cue, before the end of the text without its closing stop; 40 leaves room for longer cues)
    body = tail.rstrip(".:").rstrip()
    if body[-1:] not in _CUE_ENDS:
        return False  # the cues end in "s" or "g" ("\u017f" is an "s" to the case-blind engine)
    return bool(_AS_FOLLOWS.search(text, max(0, len(body) - 40)))


_HEADER_MARKS = " \t#*•-–—:"


def _stated_in_list(sentence: Sentence, list_open: bool | str) -> bool:
    """Is a list item a statement of the article's own, not a headline? Every item under 'The package
    includes:'; under a 'Key Details' box only the items written as sentences ('Japan's government has
    separately extended more than $4 billion ... since 2022, according to the Ukrainian Finance Ministry'),
    since live blogs' key-event boxes repeat headlines ('EU ministers approve €500m to arm Ukraine')."""
    if list_open == "facts":  # and the data lines: "- First tranche: ¥150 billion, due in December"
        mark = LIST_ITEM.match(sentence.text)
        return len(sentence.text.split()) > 14 or bool(_ROW.match(sentence.text, mark.end() if mark else 0))
    return bool(list_open)



def _is_list_item(ctx: _Context, sentence: Sentence) -> bool:
    return bool(LIST_ITEM.match(sentence.text)) or sentence.start in ctx.rows


# A line of a text table: a label, a dash, colon, bar or wide gap, then a figure
_ROW = re.compile(r"\s*[A-Z(][^.!?—–:|\t\n]{0,70}?(?:\s+[—–|-]\s*|\t+|\s{3,}|:\s+)"
                  rf"(?:(?:a\s+)?total\s+of\s+)?(?:(?:{qualifier_words()}|~)\s*)?{SUM_START}")


def _table_rows(sentences: list[Sentence]) -> tuple[frozenset, frozenset]:
    """Lines shaped like table rows that come two or more in a row, and lines opening with a figure right
    under a line that ends in ':' ("The package includes:" / "£35 million for the ... Fund"): facts, not
    headlines or teasers. Second, the rows of a table whose header names aid ("Donor  Contribution  US$
    equivalent", "Date | Type of payment | Amount"): each row is a sum of aid, verb or not."""
    whole = [s for s in sentences if s.titleish and (_ROW.match(s.text) or _BAR_CELL_SUM.search(s.text))]
    rows, aid_rows = set(), set()
    headers = {s.line: s for s in sentences}
    for a, b in zip(whole, whole[1:]):
        if 0 < b.line - a.line <= 2:
            if a.start not in rows:  # the first row of a run: the line above is its header
                header = headers.get(a.line - 1)
                aid_table = header is not None and header.titleish and bool(_aid_nouns().search(header.text))
            rows.update((a.start, b.start))
            if aid_table:
                aid_rows.update((a.start, b.start))
    opener = None  # the line of the last lead-in or of the figure line under it
    for s in sentences:
        if opener is not None and 0 < s.line - opener <= 2 and _FIGURE_FIRST.match(s.text):
            rows.add(s.start)
            opener = s.line
        elif s.text.rstrip().endswith(":"):
            opener = s.line
        elif s.line != opener:
            opener = None
    return frozenset(rows), frozenset(aid_rows)


def _money_in(ctx: _Context, sentence: Sentence) -> list[Money]:
    """The sentence's sums: written ones, and a table cell's figure whose currency its column header names."""
    written = find_money(sentence.text, sentence.start)
    cells = ctx.column_money.get(sentence.start)
    return sorted(written + cells, key=lambda m: m.start) if cells else written


class _Columns(NamedTuple):
    money: dict  # row start -> the figures of its money cells
    headers: frozenset  # starts of the header lines
    aid_rows: frozenset  # rows of a table whose caption or header names aid
    label_rows: frozenset  # rows of a captioned table whose labels are not givers
    stages: dict  # row start -> the stage its caption or header names ("disbursed", "Received", "Commitments")


def _column_money(sentences: list[Sentence]) -> _Columns:
    """Figures of a table under a header cell naming their currency ("Organization | Amount (USD) | Main
    activities" / "UNDP | 31.0 million | ..."): each row's cell in that column, until the table ends; or under a
    caption naming the unit of the whole table ("Table 1. External financing by partners (USD billion)" /
    "Partner   Received   of which grants" / "Japan   3.4   0.4"): every figure cell after the row's label.
    Third, the rows of a table whose caption or header names aid: each is a sum of aid, verb or not. A captioned
    table's labels are givers only when its caption or header says so ("by partners", "Donor"); else they name
    what the aid is or where it goes ("Moldova   12.0" under "Japan's emergency grant aid in 2024")."""
    out: dict[int, list[Money]] = {}
    headers, aid_rows, label_rows, stages = set(), set(), set(), {}
    aid_table = givers = False
    stage = None
    column = None  # (cell index or None for all, number of cells, currency, scale, line of the last row, header start)
    header_cells: list[tuple[int, str]] = []
    caption: _Caption | None = None  # the last caption naming a unit
    for s in sentences:
        cells = _cells(s.text)
        if column is not None and 0 < s.line - column[4] <= 2 and (
                len(cells) == column[1] or column[0] is None and len(cells) >= 2):
            chosen = [cells[column[0]]] if column[0] is not None else _money_cells(cells, header_cells)
            found = [m for start, cell in chosen if not find_money(cell)
                     and (m := cell_money(cell, s.start + start, column[2], column[3])) is not None]
            if found:
                out[s.start] = found
                headers.add(column[5])
                if aid_table:
                    aid_rows.add(s.start)
                if not givers:
                    label_rows.add(s.start)
                if stage and any(stage):
                    stages[s.start] = stage
            column = column[:4] + (s.line, column[5])
            continue
        column = None
        for i, (_, cell) in enumerate(cells):
            named = column_currency(cell.strip()) if len(cells) >= 2 else None
            if named is not None:
                column = (i, len(cells), *named, s.line, s.start)
                givers = not _table_patterns().recipient_header.match(cells[0][1])  # "Country/territory | US$ million"
                stage = _table_stage(s.text)
                break
        if column is None and caption is not None and len(cells) >= 2 and 0 < s.line - caption.line <= 2 \
                and not any(c.isdigit() for c in s.text):
            column, header_cells = (None, len(cells), caption.currency, caption.scale, s.line, s.start), cells
            stage = (caption.stage[0] or _table_stage(s.text)[0], caption.stage[1])
            aid_table = caption.aid or bool(_aid_nouns().search(s.text))
            givers = caption.givers or bool(_table_patterns().giver_header.match(cells[0][1]))
        unit = _caption_unit(s.text) if s.titleish and len(cells) < 2 else None
        caption = _Caption(*unit, s.line, bool(_aid_nouns().search(s.text)),
                           bool(_table_patterns().by_givers.search(s.text)), _table_stage(s.text)) if unit else caption
    return _Columns(out, frozenset(headers), frozenset(aid_rows), frozenset(label_rows), stages)


class _Caption(NamedTuple):
    currency: str
    scale: float
    line: int
    aid: bool  # it names aid
    givers: bool  # it says the rows are givers ("by partners")
    stage: tuple  # (stage or None, running totals over a period?), see _table_stage


class _TablePatterns(NamedTuple):
    stage_word: re.Pattern
    giver_header: re.Pattern
    by_givers: re.Pattern
    recipient_header: re.Pattern
    non_giver_label: re.Pattern


@lru_cache(maxsize=1)
def _table_patterns() -> _TablePatterns:
    data = load("triggers")
    nouns = f"(?:{alternation(data['table_giver_nouns'], fold=True)})"
    return _TablePatterns(
        re.compile(whole_words(list(data["table_stage_words"])), re.I),
        re.compile(rf"\s*{nouns}s?\b", re.I),
        re.compile(rf"\b(?:(?:by|per)\s+{nouns}s?|{nouns}s)\b", re.I),
        re.compile(rf"\s*(?:{alternation(data['table_recipient_headers'], fold=True)})\b", re.I),
        re.compile(rf"(?:{alternation(data['table_non_giver_labels'])})\b"))


def _table_stage(text: str) -> tuple[str | None, bool]:
    """The stage a table's caption or header names for its figures ("(US$ billion, disbursed)", "Received"), and
    whether they are running totals over a period ("24 February 2022 - 31 December 2025", "since 2022")."""
    found = _table_patterns().stage_word.search(text)
    stage = load("triggers")["table_stage_words"][found.group().lower()] if found else None
    return stage, bool(_TABLE_PERIOD.search(text))


_TABLE_PERIOD = re.compile(r"\b(?:since|to date|so far|cumulative|in total)\b|(?:19|20)\d\d\s*[-–—]\s*(?:\w+\s+){0,2}(?:19|20)\d\d\b"
                           r"|\b(?:19|20)\d\d\s*[-–—]\s*\d{1,2}\s+\w+\s+(?:19|20)\d\d\b", re.I)


def _money_cells(cells: list[tuple[int, str]], header: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The cells of a row under a caption's unit that hold sums: after a label naming a giver or a kind of aid
    ("Japan   3.4   0.4", "Loans (JICA, ERA)   7.9"; not "Energy   12.4" of a damage table), and not under a
    header of shares or counts ("% of GDP", "Rank")."""
    label = cells[0][1]
    if not (_LABEL_NAME.match(label) and not _table_patterns().non_giver_label.match(label)
            or _blockers()[2].search(label)):
        return []
    def column_of(offset: int) -> str:  # the header cell nearest the row cell (figures sit right-aligned)
        return min(header, key=lambda h: abs(h[0] - offset))[1]
    return [c for c in cells[1:] if not _NOT_SUM_HEADER.search(column_of(c[0]))]


# a row label that may name a giver: a capitalised name (states and institutions)
_LABEL_NAME = re.compile(r"(?:the\s+)?[A-Z][\w.&'’-]*(?:\s+[A-Z(][\w.&'’()-]*){0,4}\s*$")
_NOT_SUM_HEADER = re.compile(r"%|\b(?:per\s*cent|percent|share|GDP|rank|number|count|per\s+capita|year)\b", re.I)


def _caption_unit(text: str) -> tuple[str, float] | None:
    """The unit a table's caption names in brackets or between commas: "(US$ billion, disbursed)", ", $bn, "."""
    parts = [p for group in re.findall(r"\(([^()]{1,60})\)", text) for p in group.split(",")] + text.split(",")[1:]
    return next((unit for p in parts if (unit := column_currency(p.strip())) is not None), None)


def _cells(text: str) -> list[tuple[int, str]]:
    """(offset, text) of the cells of a table line split on '|' or tabs, or on runs of spaces in a line set out in
    columns ("Japan        13.2        2.3"); [] for a line of prose."""
    sep = "|" if " | " in text or text.count("|") >= 2 else "\t" if "\t" in text else None
    if sep is None:
        return [(m.start(), m.group()) for m in _SPACED_CELL.finditer(text)] if _SPACED_ROW.search(text) else []
    out, pos = [], 0
    for part in text.split(sep):
        out.append((pos, part))
        pos += len(part) + 1
    return [(o, c) for o, c in out if c.strip()] if sep == "|" else out


_SPACED_ROW = re.compile(r"\S {3,}\S")  # columns set out with spaces, not a double space after a full stop
_SPACED_CELL = re.compile(r"\S+(?: {1,2}\S+)*")
_BAR_CELL_SUM = re.compile(rf"\|\s*(?:(?:{qualifier_words()}|~)\s*)?{SUM_START}")  # "... | €4.5 billion"


_FIGURE_FIRST = re.compile(rf"(?:{qualifier_words()}\s+)?{SUM_START}")


def _sentence_actors(ctx: _Context, sentence: Sentence) -> list[Actor]:
    """The sentence's actors, 'the bank' resolved to the bank named last; every sentence's actors are
    remembered, candidate or not, so what an anaphor points back to never depends on the candidate filter."""
    lo = bisect.bisect_left(ctx.actor_starts, sentence.start)
    hi = bisect.bisect_left(ctx.actor_starts, sentence.end)
    actors = resolve_anaphora(ctx.actors[lo:hi], ctx.seen)
    ctx.seen.extend(a.code for a in actors)
    # "Japan, the remaining G7 contributor, plans to lend": the group only describes the state before it
    return [a for i, a in enumerate(actors) if not (i and a.kind not in _STATE_KINDS and _describes(ctx, actors[i - 1], a))]


_APPOSITION_OPEN = re.compile(r",\s+(?:the|a|an|its|their)\s[^,;()]{0,40}$")
_APPOSITION_CLOSE = re.compile(r"[^,;()]{0,30},(?!\s+(?:and|or)\b)")


def _describes(ctx: _Context, before: Actor, actor: Actor) -> bool:
    """Is `actor` inside an apposition to the state `before` (", the remaining G7 contributor,"), not the next
    name of a list (", the EU, Canada and Japan")?"""
    if before.kind not in _STATE_KINDS or not _APPOSITION_OPEN.fullmatch(ctx.text, before.end, actor.start):
        return False
    close = _APPOSITION_CLOSE.match(ctx.text, actor.end)
    words = (ctx.text[before.end:actor.start] + " " + ctx.text[actor.end:close.end() if close else actor.end]).split()
    return close is not None and any(w.islower() and w not in ("the", "a", "an", "its", "their") for w in words)


def _sentence_records(ctx: _Context, sentence: Sentence, kinds=(True, True, True)) -> list[Commitment]:
    ctx.recipients, ctx.sentence_giver = {}, None
    tokens = sentence.tokens()
    actors = _sentence_actors(ctx, sentence)
    triggers = find_triggers(tokens)
    relative = _RELATIVE.search(sentence.text)  # "..., which were directed to the special fund": not the item's verb
    cut = sentence.start + relative.start() if relative else sentence.end
    if ctx.heading:  # a numbered heading is a list item too: "5. Previous contributions to ..."
        ctx.lead_in = _lead_in(ctx, sentence, tokens, actors, triggers)
    elif ctx.lead_in and _is_list_item(ctx, sentence) and not any(  # a purpose ("to provide shelter") is no verb of its
            t.role not in ("report", "part") and tokens[t.index].start < cut
            and not (t.index and tokens[t.index - 1].lower == "to")
            # nor a bracketed note of what the money buys: "- ICRC: 6 million US dollars (medical supplies)"
            and not _in_brackets(sentence.text, tokens[t.index].start - sentence.start) for t in triggers):
        return _list_item_records(ctx, sentence, tokens, actors, triggers)
    elif not _is_list_item(ctx, sentence):  # the items of a list share its lead-in, whatever their own verbs
        ctx.lead_in = _lead_in(ctx, sentence, tokens, actors, triggers)
    no_aid_word = not triggers and not _aid_nouns().search(sentence.text) and sentence.start not in ctx.aid_rows
    if kinds[0] and _SHARE_OPENER.match(sentence.text) and ctx.last_money is not None and (no_aid_word or not any(
            a.kind in _STATE_KINDS and a.code not in attrs.NON_DONORS for a in actors)
            and not any(t.role == "provide" for t in triggers)) \
            and not find_money(ctx.text[ctx.last_money.evidence.amount_end:sentence.start], 0):
        # (... the $61 billion foreign aid bill. Of that, ...": the sum just before is the whole, not the last kept)
        # "Of this, approximately 36.2 billion yen is for electricity, ...": parts of the sum just reported
        return _shares_of_last(ctx, sentence, actors, find_money(sentence.text, sentence.start))
    if no_aid_word and not _SHARE_IS_SUM.search(sentence.text):
        ctx.note(sentence.start, sentence.end, "skipped", "no trigger and no aid noun in the sentence")
        return []
    has_money, has_goods, has_services = kinds
    money = _money_in(ctx, sentence) if has_money else []
    goods = find_goods(sentence.text, sentence.start) if has_goods else []
    ctx.figures = sorted([(m.start, m.alt_end or m.end) for m in money] + [(g.start, g.end) for g in goods])
    records = _money_records(ctx, sentence, tokens, actors, triggers, money)
    if has_goods or has_services:
        taken = [(m.start, m.alt_end or m.end) for m in money]
        records += _item_records(ctx, sentence, tokens, actors, triggers, taken, goods, has_services)
    return records


_RELATIVE = re.compile(r",\s*(?:which|that|who)\b")


def _in_brackets(text: str, pos: int) -> bool:
    """Is text[pos] inside a pair of round brackets (no brackets nested between)?"""
    opening = text.rfind("(", 0, pos)
    return opening >= 0 and text.rfind(")", opening, pos) < 0 and text.find(")", pos) >= 0


# a sentence about shares of the sum just reported: "Of this amount, USD 21 million will be implemented by UNDP"
_SHARE_OPENER = re.compile(r"\s*[\"“]?Of (?:(?:this|that|the|these|those) (?:amount|sum|total|money|funds?|package|"
                           r"contribution|allocation|envelope)|this|that|it)\b", re.I)


def _shares_of_last(ctx: _Context, sentence: Sentence, actors, money: list[Money]) -> list[Commitment]:
    """Smaller sums in the currency of the sum just reported are its parts, given by the same donor at
    the same stage; whoever spends them ("by UNDP") is the channel."""
    parent = ctx.last_money
    donor = next((a for a in reversed(ctx.actors) if a.code == parent.donor and a.start < sentence.start), None)
    out, tokens = [], sentence.tokens()
    for m in money:
        currency, inferred = resolve_currency(m.currency, donor.code) if donor is not None else (None, False)
        if currency != parent.currency or not MIN_AMOUNT <= m.amount < parent.amount:
            ctx.note(m.start, m.end, "dropped", "not a share of the sum reported before it")
            continue
        index = _token_at(tokens, m.start)
        if is_denied(tokens, index, _clause_end(tokens, index)):  # "Of this, $4 billion remains available"
            ctx.note(m.start, m.end, "dropped", "a share denied, left over or still open")
            continue
        out.append(_commitment(ctx, sentence, Kind.MONEY, donor, actors, None, parent.status.value, "part_of",
                               sentence.text, m.start, m.alt_end or m.end, amount=m.amount, currency=currency,
                               currency_inferred=inferred, qualifier=m.qualifier, parent_amount=parent.amount,
                               aid_type=parent.aid_type.value if parent.aid_type else None))
    return out


# read in every sentence after a sum: the lookahead of the cues' first letters makes the scan ~2.5x faster
_SPLIT = re.compile(r"(?=[sdb])(?:\b(?:split|divided|broken down|breakdown|distributed|shared|spread)\b[^.;]{0,30}\b"
                    r"(?:among|between|as follows|across|into)\b|\bbreakdown\b)", re.I)


def _as_part_of_split(ctx: _Context, sentence: Sentence, record: Commitment) -> Commitment:
    """After 'the money will be split among three agencies', smaller sums of the same donor are its parts."""
    parent = ctx.split_parent
    if parent is None or record.kind is not Kind.MONEY or record.scope is not Scope.NEW:
        return record
    if (parent.donor, parent.currency) == (record.donor, record.currency) and record.amount < parent.amount:
        return replace(record, scope=Scope.PART_OF, parent_amount=parent.amount)
    return record


def _remember(ctx: _Context, record: Commitment, sentence: Sentence) -> None:
    """A kept record's donor and stage carry over to the next sentences of its paragraph."""
    # goods keep only their verb's clause as evidence; their giver may stand before it
    lo = record.evidence.start if record.kind is not Kind.IN_KIND else _clause_span(
        ctx, sentence, record.evidence.amount_start, record.evidence.amount_end)[0]
    named = [a for a in ctx.actors if a.code == record.donor and lo <= a.start < record.evidence.end]
    if named:
        ctx.last_donor = named[0]
    ctx.last_status = record.status.value
    if record.kind is Kind.MONEY and record.scope is not Scope.PART_OF:
        ctx.last_money = record
    if record.kind is Kind.MONEY:
        ctx.kept_money.append(record)


# ---------------------------------------------------------------- money


def _money_records(ctx, sentence, tokens, actors, triggers, money: list[Money]) -> list[Commitment]:
    out = []
    explicit = {_explicit_recipient(ctx, sentence, actors, m.alt_end or m.end) for m in money} - {None}
    several = len(explicit) >= 2  # "$95bn, including $61bn for Ukraine and $26bn for Israel"
    blocked_prev = many_prev = False
    for i, m in enumerate(money):
        if m.amount < MIN_AMOUNT:
            ctx.note(m.start, m.end, "dropped", "too small to be state aid")
            continue
        increment = None
        nxt = money[i + 1] if i + 1 < len(money) else None
        old = m.preceded_by_from and nxt and _joined_by(sentence, m, nxt, "to")
        if nxt and _joined_by(sentence, m, nxt, "from") and nxt.currency == m.currency and nxt.amount < m.amount:
            increment = m.amount - nxt.amount
        prev = money[i - 1] if i else None
        if prev and prev.preceded_by_from and _joined_by(sentence, prev, m, "to") and prev.currency == m.currency:
            increment = m.amount - prev.amount
        prev_to = i > 0 and _joined_by(sentence, money[i - 1], m, "from")
        if prev is not None and sentence.start in ctx.rows and (prev.currency != m.currency or prev.amount == m.amount) \
                and _CELL_GAP.fullmatch(ctx.text, prev.alt_end or prev.end, m.start):
            ctx.note(m.start, m.end, "dropped", "a table's conversion column ('€25 million   $26.4 million')")
            continue
        if _DIFFERENCE.match(ctx.text, m.alt_end or m.end):
            ctx.note(m.start, m.end, "dropped", "a difference between two figures ('€3 billion more than the draft')")
            continue
        if _EACH_ALONE.match(ctx.text, m.alt_end or m.end):
            ctx.note(m.start, m.end, "dropped", "a sum per unit ('worth $500 million each'), not a commitment")
            continue
        if m.alt_amount is None and (AT_RATE.match(ctx.text, m.end) or _AT_RATE_BEFORE.search(  # "worth about 38
                ctx.text, max(sentence.start, m.start - 70, prev.alt_end or prev.end if prev else 0), m.start)):
            # billion yen at current rates", "At the exchange rate used in the budget, it is roughly ..."
            ctx.note(m.start, m.end, "dropped", "a conversion of a figure stated before ('worth about 38 billion yen "
                                                "at current exchange rates')")
            continue
        if i == 0 and _restates_last(ctx, sentence, m):
            ctx.note(m.start, m.end, "dropped", "the sum of the sentence before in another currency ('The aid, "
                                                "roughly 3.1 billion yen, ...')")
            continue
        if _SHARE_OF_POT.search(ctx.text, max(sentence.start, m.start - 80), m.start):
            ctx.note(m.start, m.end, "dropped", "the whole of a pot the giver has a share in ('its contribution to the "
                                                "$50 billion loan')")
            continue
        if _multi_country_bill(ctx.text, m) or attrs.shared_recipients(sentence, actors, m.alt_end or m.end) or (
                nxt is not None and _HOLDS_NEXT.fullmatch(ctx.text, m.alt_end or m.end, nxt.start)
                and _explicit_recipient(ctx, sentence, actors, nxt.alt_end or nxt.end) == "UKR"):
            # ("a $95 billion package that includes about $60 billion for Ukraine": Ukraine gets only a part)
            ctx.note(m.start, m.end, "dropped", "a package or bill for several countries")
            continue
        compared = _COMPARED.fullmatch(ctx.text, prev.alt_end or prev.end, m.start) if prev is not None else None
        if compared and (blocked_prev or compared.group("base")):
            ctx.note(m.start, m.end, "dropped", "compared with a figure that is not aid ('up from $411 billion')"
                     if blocked_prev else _BASE_OF_CHANGE)
            continue
        part = blocked_prev and prev is not None and _PART_OF_PREVIOUS.fullmatch(ctx.text, prev.alt_end or prev.end, m.start)
        if many_prev and _PART_OF_MANY.fullmatch(ctx.text, prev.alt_end or prev.end, m.start) \
                and attrs.source_after(sentence, actors, m.alt_end or m.end, tight=False) is None:  # "came from the US"
            ctx.note(m.start, m.end, "dropped", "part of a sum from many givers ('mobilized $84 billion ..., of which "
                                                "$70 billion has been disbursed')")
            continue
        if part and not any(part.start("tail") <= a.start < m.start for a in actors if part.group("tail")) \
                and attrs.source_after(sentence, actors, m.alt_end or m.end, tight=False) is None:  # "came from the US"
            ctx.note(m.start, m.end, "dropped", "part of a figure that is not aid ('a 115.5 trillion yen budget, "
                                                "including 8.7 trillion yen for defence')")
            continue
        listed = bool(out) and prev is not None and out[-1].evidence.amount_start == prev.start \
            and bool(_SUM_LIST_GAP.fullmatch(ctx.text, prev.alt_end or prev.end, m.start))
        record = _money_record(ctx, sentence, tokens, actors, triggers, m, money, increment, listed)
        blocked_prev = record is None and ctx.last_reason != _UNGOVERNED  # not aid, or many givers' sum
        many_prev = record is None and ctx.last_reason == _MANY_GIVERS
        if record is not None and _for_refugees_abroad(ctx, sentence, m.alt_end or m.end):
            record = replace(record, recipient="OTHER")  # dropped by the caller, whose stage still counts
        if record is not None and several and _explicit_recipient(ctx, sentence, actors, m.alt_end or m.end) is None:
            ctx.note(m.start, m.end, "dropped", "a total for several recipients")
            continue
        if record is not None and out and prev is not None and _joined_sums(ctx, actors, triggers, tokens, prev, m):
            record = replace(record, donor=out[-1].donor)  # "€33 billion in loans and €17 billion in grants"
        if record is not None and (old or prev_to):  # "from $100m to $300m": the new figure says it all
            ctx.note(m.start, m.end, "dropped", _BASE_OF_CHANGE)
            continue
        if record is not None:
            record = _coordinated_part(ctx, out, record, prev)
            out.extend(_distribute(ctx, sentence, actors, record, m))
    return out


# the next of a list of sums, with or without their givers: "$150 million from Norway and $100 million from the
# Republic of Korea", "$33bn in loans and $17bn in grants"
_SUM_LIST_GAP = re.compile(r"(?:\s+from\s+(?:the\s+)?[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3})?\s*(?:,\s*|\s+and\s+)")
# a share of something bigger names the whole: "Japan's total contribution to the 50 billion dollar loan"
# ("a contribution of an additional $10 million" is the giver's own sum)
_SHARE_OF_POT = re.compile(r"\b(?:contributions?|shares?|participation|stakes?|portions?)\s+(?:to|in|of)\s+(?:the|a|an)\s+"
                           r"(?!(?:additional|further|extra|new|fresh)\s)"
                           # not "bringing Germany's contributions to the fund to €560 million"
                           r"(?:(?!(?:to|of|at|in|by|for|from|totall?ing|amounting|worth|reaching|is|was|makes|made|"
                           r"totals|totalled|stands)\s)[\w'’-]+\s+){0,2}$",
                           re.I)


# the conversion put first: "At the exchange rate used in the budget, it is roughly four hundred million dollars"
_AT_RATE_BEFORE = re.compile(r"\b(?:at|using|under)\s+(?:the\s+|today's\s+|current\s+)?(?:current\s+|present\s+|"
                             r"prevailing\s+|budget\s+)?exchange\s+rates?\b(?:(?!\b(?:and|while|but)\b)[^.;\d]){0,45}$", re.I)


def _restates_last(ctx: _Context, sentence: Sentence, m: Money) -> bool:
    """'Japan will give $20 million. The aid, roughly 3.1 billion yen, ...': the sum just kept, restated in
    another currency by a sentence that opens on the aid itself."""
    opener = _AID_OPENER.fullmatch(ctx.text, sentence.start, m.start)
    if m.alt_amount is not None or opener is None:
        return False
    # the sums kept just before; a giver's possessive opener restates its own ("Norway's contribution, equivalent to")
    owner = _actor_at(ctx, opener.start("owner")) if opener.group("owner") else None
    owner = owner.code if owner is not None else None
    for last in reversed(ctx.kept_money):
        if sentence.start - last.evidence.end > (800 if owner else 300):
            break  # a giver named again may point further back than "The aid, roughly ..."
        if owner is not None and last.donor != owner or owner is None and last.scope is Scope.PART_OF:
            continue  # "The aid, roughly 3 billion yen" restates the whole sum, not its part
        currency = resolve_currency(m.currency, last.donor)[0]
        if currency not in (last.currency, last.alt_currency) and same_value(m.amount, m.currency, last.amount,
                                                                             last.currency):
            return True
        if owner is None:
            return False  # "The aid, roughly ...": the sum just kept
    return False


# "The aid, roughly", "This assistance is worth about", "Japan's contribution, equivalent to" (the nouns of a sum,
# triggers.yaml sum_nouns)
_AID_OPENER = re.compile(r"\s*(?:The|This|That|These|Its|Their|(?!(?:Of|From|In|For|With|On|At|By|To|Under)\s)"
                         r"(?P<owner>[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*){0,2})['’]s)\s+(?:[\w-]+\s+){0,2}?"
                         r"(?:" + alternation(load("triggers")["sum_nouns"]) + r"|money|amount|sum)s?"
                         r"\s*(?:,\s*|\s+(?:is|was|will\s+be|would\s+be)\s+)(?:worth\s+|equivalent\s+to\s+|valued\s+at\s+)?"
                         r"(?:" + APPROX + r"\s+)?")


_JOINED = re.compile(r"\)?\s+(?:in\s+)?(?:[a-z-]+\s+){0,3}?(?:,\s*|and\s+|plus\s+)(?:a\s+further\s+|another\s+)?")


def _joined_sums(ctx, actors, triggers, tokens, prev: Money, m: Money) -> bool:
    """Two sums joined by 'and' with no verb or actor between share one giver: '€33bn in loans and €17bn in grants'."""
    lo, hi = prev.alt_end or prev.end, m.start
    if not _JOINED.fullmatch(ctx.text, lo, hi):
        return False
    return not any(lo <= a.start < hi for a in actors) and not any(lo <= tokens[t.index].start < hi for t in triggers)


# The level a change starts from is no new money, and trackers do not count it again: "raised its aid from $100
# million to $300 million", "€8 billion next year, up from €7 billion"
_BASE_OF_CHANGE = "the base a change is measured from ('from $100 million to $300 million', 'up from $100 million')"
# (after a figure that is not aid, "up to" and "versus" compare too; after aid only a base does: "with up to €17
# billion in grants" is a second sum)
_COMPARED = re.compile(r"[^.;$€£¥\d]{0,50}?\b(?:up|down|rising|falling|increased|decreased|compared)\s+"
                       r"(?:(?P<base>from|with)|to)\s+(?:about\s+|around\s+|nearly\s+|some\s+)?"
                       r"|\s*(?:,\s*)?(?:against|versus|vs\.?)\s+")
# ("..., of which the energy sector alone accounts for about USD 47 billion": a few words of what the part is)
_PART_OF_PREVIOUS = re.compile(r"[^.;$€£¥\d]{0,50}?,\s*(?:including|of which|out of which|of this|of that)\s+"
                               r"(?P<tail>[^.;:,$€£¥\d]{0,50}?\b(?:accounts?\s+for|goes\s+to|go\s+to|is|are|represents?|"
                               r"comes?\s+from|covers?)\s+)?(?:(?:about|around|nearly|some|over|more than|up to)\s+)?")
# the share of a many givers' sum, however far its "of which": "has mobilized more than $84 billion in emergency
# financing for Ukraine since February 2022, of which more than $70 billion has been disbursed"
_PART_OF_MANY = re.compile(r"[^;]{0,140}?(?:,\s*|\s+)(?:of which|out of which|of this|of that)\s+"
                           r"(?:(?:about|around|nearly|some|over|more than|up to|roughly|approximately)\s+)?")
_MANY_GIVERS = "the actor is several donors"
_CELL_GAP = re.compile(r"(?:\s{2,}|\t+|\s*\|\s*)")  # between two cells of a row
# a difference, not a sum given: "€3 billion more than the government had planned", "rise by €3 billion compared
# with the draft", "about €90 billion more than the US"
_DIFFERENCE = re.compile(r"\)?\s+(?:(?:more|less|fewer|higher|lower)\s+than|compared\s+(?:with|to))\b")
_EACH_ALONE = re.compile(r"\)?\s+(?:each|apiece|a piece|per " + alternation(load("items")["unit_nouns"]) + r")\b"
                         r"(?!\s+(?:to|for)\b)")
_MULTI_BILL = re.compile(r"\)?\s+(?:[\w-]+\s+){0,2}?(?:foreign aid|foreign assistance|overseas aid|national security|"
                         r"security|supplemental|emergency spending|spending)\s+(?:aid\s+|funding\s+|spending\s+)?"
                         r"(?:package|bill|law|request|legislation|measure)\b(?!\s+(?:for|to)\s+(?:Ukraine|Kyiv))",
                         re.I)


_HOLDS_NEXT = re.compile(r"\)?\s+(?:[\w-]+\s+){0,3}?(?:package|bill|law|measure|legislation|request|budget|plan|"
                         r"appropriation)\s+(?:that|which)\s+(?:includes|included|contains|contained|provides|allocates|"
                         r"would\s+(?:provide|include))\s+(?:(?:about|around|nearly|some|more\s+than|over|roughly)\s+)?")


def _multi_country_bill(text: str, m: Money) -> bool:
    """'a $95 billion national security package', 'the $95bn foreign aid bill': Ukraine gets only part."""
    return bool(_MULTI_BILL.match(text, m.alt_end or m.end))


def _coordinated_part(ctx, out: list[Commitment], record: Commitment, prev: Money | None) -> Commitment:
    """'includes $1bn in humanitarian aid and $3.5bn in loan guarantees': both are parts of the package."""
    if not out or prev is None or record.scope is not Scope.NEW or out[-1].scope is not Scope.PART_OF:
        return record
    gap = ctx.text[(prev.alt_end or prev.end):record.evidence.amount_start]
    if len(gap) < 70 and re.search(r",|\band\b|\bplus\b", gap) and not re.search(r"[.;]", gap):
        return replace(record, scope=Scope.PART_OF, parent_amount=out[-1].parent_amount)
    return record


_EACH = re.compile(r"\s*each\s+(?:to|for)\s+(?P<targets>[^.;]+)")


def _distribute(ctx, sentence, actors, record: Commitment, m: Money) -> list[Commitment]:
    """'€5 million each to UNHCR and WFP' is one commitment per target, each with its own channel."""
    each = _EACH.match(ctx.text, m.alt_end or m.end, sentence.end)
    if not each:
        return [record]
    parts = [p for p in re.split(r",\s*(?:and\s+)?|\s+and\s+", each.group("targets")) if p.strip()][:6]
    if len(parts) < 2:
        return [record]
    out, pos = [], each.start("targets")
    for part in parts:
        start = ctx.text.find(part, pos)
        pos = start + len(part)
        orgs = [a for a in actors if start <= a.start < pos and a.kind == "org"]
        out.append(replace(record, channel=orgs[0].name if orgs else part.strip()))
    return out


def _joined_by(sentence: Sentence, a: Money, b: Money, word: str) -> bool:
    gap = sentence.text[(a.alt_end or a.end) - sentence.start:b.start - sentence.start]
    return bool(re.fullmatch(rf"\)?\s*{word}\s*(?:{qualifier_words()}\s+)?", gap))  # "from $30m to about $67m"


def _money_record(ctx, sentence, tokens, actors, triggers, m: Money, money, increment,
                  listed: bool = False) -> Commitment | None:
    """The record of one sum; `listed`: it follows a kept sum in a list ("$150m from Norway and $100m from Korea")."""
    index = _token_at(tokens, m.start)
    if _blocked(ctx, sentence, m.start, m.alt_end or m.end, triggers, tokens, refugees=False):
        return ctx.note(m.start, m.end, "dropped", _NOT_AID)
    if _hosts_refugees(ctx, sentence, m):
        return ctx.note(m.start, m.end, "dropped", "spending on refugees hosted outside Ukraine, not aid to it")
    frame = frame_for(tokens, triggers, index, sentence.titleish)
    if frame is None and not _has_aid_noun(sentence, m, ctx.figures) and sentence.start not in ctx.aid_rows \
            and not listed and not _givers_share_in(ctx, sentence, m.start):
        return ctx.note(m.start, m.end, "dropped", _UNGOVERNED)
    if _cancelled(tokens, frame, index) or _REFUSED_AFTER.search(sentence.text, (m.alt_end or m.end) - sentence.start):
        return ctx.note(m.start, m.end, "dropped", "negated, refused or only discussed")
    guarantor = _guarantor(ctx, actors, m.alt_end or m.end)
    ctx.last_reason = ""
    donor = guarantor or _donor(ctx, sentence, actors, frame, tokens, m.start, m.alt_end or m.end)
    if donor is None:  # (many givers say so already)
        return None if ctx.last_reason == _MANY_GIVERS else ctx.note(m.start, m.end, "dropped", "no donor found")
    donor = _agency_delivers(ctx, _giver_by_currency(ctx, actors, donor, m.currency), sentence.text)
    if (donor.kind == "private" or _firm_subject(ctx, sentence, actors, donor, m.start)) and (
            _INVEST.search(ctx.text, max(sentence.start, m.start - 40), m.start)
            or _INVESTMENT_AFTER.match(ctx.text, m.alt_end or m.end)):
        return ctx.note(m.start, m.end, "dropped", "a firm's investment, not aid ('a Japanese trading house to invest "
                                                   "up to USD 300 million')")
    if m.currency == "UAH" and _UKRAINE_OWN_FUND.search(sentence.text) and not any(
            a.code == donor.code and not ctx.text.startswith("Ukrain", a.start) for a in actors):  # "Ukrainian firms"
        return ctx.note(m.start, m.end, "dropped", "hryvnias of Ukraine's own budget, no giver named with them")
    currency, inferred = resolve_currency(m.currency, donor.code)
    alt_currency = resolve_currency(m.alt_currency, donor.code, currency)[0] if m.alt_currency else None
    ctx.sentence_giver = donor
    window = _clause_window(sentence, money, m)
    clause = ctx.text[window[0]:window[1]]
    thanked = attrs.thank_donor(sentence, actors, m.start) is not None
    over_perfect = m.qualifier == "over" and frame is not None and frame.tense == "past" and frame.outer.role == "provide"
    scope = attrs.scope_for(sentence, window, m.start, m.alt_end or m.end, thanked, over_perfect)
    if frame is not None and frame.inner.role == "total" and not _aid_subject(ctx, sentence, tokens, frame, m.start):
        return ctx.note(m.start, m.end, "dropped", "a total of something other than aid")
    if frame is not None and "total" in (frame.inner.role, frame.outer.role) and scope == "new" \
            and _running_total(ctx, sentence, frame, tokens, m.start):
        scope = "cumulative"  # "Sweden's support amounts to SEK 43bn", "brings the total to"
    parent = _parent_amount(money, m) if scope == "part_of" else None
    row_stage, period = ctx.row_stages.get(sentence.start, (None, False))
    status = (frame.status if frame else None) or row_stage or ("delivered" if thanked else ctx.last_status or "announced")
    scope = "cumulative" if period and scope == "new" else scope  # a table of totals over a period
    return _commitment(
        ctx, sentence, Kind.MONEY, donor, actors, frame, status, scope, clause, m.start, m.alt_end or m.end,
        amount=m.amount, currency=currency, qualifier=m.qualifier, amount_min=m.amount_min,
        alt_amount=m.alt_amount, alt_currency=alt_currency, currency_inferred=inferred,
        aid_type=attrs.aid_type_for(clause), increment=increment,
        # the sum's own noun phrase names its instrument first: "a $100 million loan", "$5m in grants"
        instrument="guarantee" if guarantor else attrs.instrument_for(
            ctx.text[m.start:min(window[1], (m.alt_end or m.end) + 30)]) or attrs.instrument_for(clause),
        parent_amount=parent,
    )


# a refusal of the very thing just asked or proposed: "asked the government to consider providing 10 bil. yen more
# ..., but Motegi said the government \"has no such plan\"" ("such" and "it" point back at the sum's proposal)
_REFUSED_AFTER = re.compile(r"\bbut\b[^.;]{0,120}?\b(?:(?:has|have|had)\s+no\s+such\s+(?:plans?|intention)|no\s+such\s+"
                            r"(?:plans?|intention|decision)\s+(?:exists?|has\s+been\s+made)|ruled\s+(?:it|that|this)\s+out|"
                            r"(?:rejected|declined|refused)\s+(?:it|that|this|the\s+(?:request|proposal|idea)))\b", re.I)


# "€2bn in the 2023 budget", "$1.5bn arrived in Ukraine's budget": the budget holds the aid, it is not the figure
_IN_BUDGET = re.compile(r"\b(?:in|into|to|from|under|within|through|via) (?:the |its |a |an |this year's |next year's |"
                        r"[A-Z][\w-]*'s |EU )?"
                        r"(?:\d{4} )?(?:Ukrainian |Ukraine's )?"
                        r"(?:(?:federal|state|national|draft|supplementary|defence|defense|latest|new|current|last|"
                        r"recent|first|second|third) ){0,2}budgets?"
                        r"(?: instruments?| lines?| support)?\b"
                        # the receiving state's budget as a purpose: "unlocking $2.2 billion for the war-torn nation's budget"
                        r"|\bfor (?:the (?:[\w-]+ ){0,2}(?:nation|country|government)'s |Ukraine's |Kyiv's "
                        r"|the Ukrainian (?:state )?|the state )budget\b", re.I)


def _blocked(ctx: _Context, sentence: Sentence, start: int, end: int, triggers, tokens,
             look_after: bool = True, refugees: bool = True) -> bool:
    """Is the figure about damage, prices, budgets, sanctions ... rather than aid?

    Looks at what the figure is about: the words after it up to the next figure ("$486bn in
    reconstruction needs") and before it ("Russia's defence budget of"), unless a strong aid noun
    or a commitment verb stands between the blocker and the figure.
    """
    blockers = _blockers()[0]
    if not sentence.titleish:  # in running text a capitalised blocker is part of a name
        blockers = _NameSkipping(blockers)
    blocked = look_after and _blocked_after(ctx, sentence, end, blockers, refugees) or _blocked_before(
        ctx, sentence, start, triggers, tokens, blockers)
    return blocked and not (look_after and _bought_for_ukraine(ctx, sentence, start, end))


# a purchase made for the recipient: "Ottawa agreed to buy a NASAMS system from the United States for Ukraine at a
# cost of $406 million", "a £1.6bn deal for Ukraine to receive 5,000 missiles"
_PURCHASE_NEAR = re.compile(whole_words(load("triggers")["purchase_cues"]), re.I)
_FOR_RECIPIENT = re.compile(r"\b(?:for|to)\s+(?:Ukraine|Kyiv|the Ukrainian (?:army|armed forces|military|forces))\b"
                            r"(?!['’])"
                            r"|\bon (?:Ukraine's|Kyiv's) behalf|\bsupply Ukraine\b|\b(?:donate|donated|donating) (?:it|them)\b")
_RECIPIENT_BUYS = re.compile(r"\b(?:Ukraine|Kyiv|Ukrainian)\S*\s+(?:\w+\s+){0,3}?(?:buy|buys|bought|purchase[sd]?|"
                             r"signed|ordered|orders|procure[sd]?)\b")


def _bought_for_ukraine(ctx: _Context, sentence: Sentence, start: int, end: int) -> bool:
    """Near the figure, a purchase, and the goods are for the recipient (not goods it got before: "to replenish
    Stinger missiles the United States had shipped to Ukraine")."""
    if _RECIPIENT_BUYS.search(sentence.text) or _own_use().search(sentence.text):
        return False
    # from the purchase word to the end of the figure's clause: "which has agreed to buy $4 billion worth of jets,
    # may pass older ones to Ukraine" gives nothing to Ukraine
    buy = _PURCHASE_NEAR.search(ctx.text, max(sentence.start, start - 120), min(sentence.end, end + 60))
    if buy is None:
        return False
    stop = ctx.text.find(",", end, sentence.end)
    span = ctx.text[min(buy.start(), start):stop if stop >= 0 else sentence.end]
    return any(not _GIVEN_BEFORE.search(span, 0, m.start()) for m in _FOR_RECIPIENT.finditer(span))


_GIVEN_BEFORE = re.compile(r"\b(?:sent|shipped|donated|delivered|given|transferred|handed over|supplied)\s+"
                           r"(?:\w+\s+)?$", re.I)


def _blocked_after(ctx: _Context, sentence: Sentence, end: int, blockers, refugees: bool = True) -> bool:
    """'$486bn in reconstruction needs', '... for its own territory': what follows the figure."""
    _, exceptions, aid = _blockers()
    nxt = _rest_of_clause(ctx, sentence, end)
    after = _IN_BUDGET.sub(_blank, ctx.text[end:min(nxt, end + 45)])  # "€2bn in the 2023 budget" is allocated
    # a purpose that only qualifies an aid noun says what the aid is for: "€500 million for defence aid" ("on its
    # own air defence" stays the giver's own; "a reparations loan" stays a loan of frozen assets)
    block = next((b for b in blockers.finditer(after) if not _QUALIFYING.fullmatch(b.group())
                  or not aid.match(after[b.end():].lstrip(" "))), None)
    good = aid.search(after)
    # a purpose ("to help ... pay salaries", "to buy ...") before the blocker rescues the figure
    purpose = (exceptions.search(after[:block.start()]) or _FOR_NEEDS.match(after)) if block else None
    if block and (good is None or block.start() < good.start()) and not (  # an exception may run past the window
            purpose or _excepted(ctx.text[end:min(nxt, end + 90)], block) or _SHARE_OF_GDP.search(after, 0, block.end())):
        return True
    # anywhere in the rest of the figure's clause: for the giver's own use, or its own firms
    if refugees and _REFUGEES_ABROAD.search(ctx.text, end, nxt):
        return True  # (a sum of money for them is aid to another country: see _money_records)
    return bool(_own_use().search(ctx.text, end, nxt) or _OWN_FIRMS.search(ctx.text, end, nxt))


def _hosts_refugees(ctx: _Context, sentence: Sentence, m: Money) -> bool:
    """'$1.2 billion for hosting Ukrainians in Switzerland'; 'About 2,000 evacuees live in Japan, and the government
    has budgeted 1.3 billion yen for their living support': the host's own spending, which trackers leave out."""
    end = m.alt_end or m.end
    after = ctx.text[end:_rest_of_clause(ctx, sentence, end)]
    if _HOSTING.match(after) and not _IN_UKRAINE.search(after):
        return True
    near = ctx.text[max(sentence.start, m.start - 70):m.start] + after
    return bool(_LIVING_SUPPORT.search(near)) and any(
        not host.group("place") or _foreign_place(ctx, sentence.start + host.start("place"))
        for host in _HOSTED_ELSEWHERE.finditer(sentence.text))


def _foreign_place(ctx: _Context, pos: int) -> bool:
    """A state other than the recipient starts at `pos` ("live in Japan"; not "live in Kharkiv")."""
    return _other_state(_actor_at(ctx, pos)) is not None


def _other_state(actor: Actor | None) -> Actor | None:
    """`actor` if it names a state other than the recipient (by name or capital)."""
    return actor if actor is not None and actor.kind in ("country", "capital") and actor.code != "UKR" else None


# what the sum pays for, right after it: "for hosting some 66,000 Ukrainians", "on housing refugees"
_HOSTING = re.compile(r"\)?\s+(?:(?:is|was|are|were|will\s+go|went|goes)\s+)?(?:for|on|to)\s+(?:the\s+)?"
                      r"(?:(?:hosting|housing|accommodating|sheltering)\s+(?:the\s+)?(?:some\s+|about\s+|around\s+|more\s+than\s+|"
                      r"over\s+|[\d,.]+\s+|tens\s+of\s+thousands\s+of\s+)*(?:Ukrainian\s+)?(?:refugees|evacuees|Ukrainians|"
                      r"people\s+(?:who\s+)?fle\w*)"
                      # ("supporting Ukrainians affected by the war" is aid; "supporting refugees" is the host's)
                      r"|(?:receiving|supporting)\s+(?:the\s+)?(?:[\d,.]+\s+)?(?:Ukrainian\s+)?(?:refugees|evacuees))", re.I)
_IN_UKRAINE = re.compile(r"\b(?:in|inside|within)\s+Ukraine\b|\binternally\s+displaced\b|\bIDPs\b")
_LIVING_SUPPORT = re.compile(r"\bliving[- ](?:support|allowances?|expenses|costs|assistance)\b|\bfor\s+their\s+(?:support|"
                             r"living|housing|care)\b|\bon\s+their\s+(?:support|housing|care)\b", re.I)
_HOSTED_ELSEWHERE = re.compile(r"\b(?:evacuees|refugees|Ukrainians)\b[^.;]{0,40}?\b(?:living|live|lives|staying|stay|residing|"
                               r"reside|sheltering|hosted|settled|arrived)\s+in\s+(?:the\s+)?(?P<place>[A-Z])"
                               r"|\bhome\s+to\s+(?:[^.;]|\.\d){0,40}?\brefugees\b")


def _for_refugees_abroad(ctx: _Context, sentence: Sentence, end: int) -> bool:
    """'... and to evacuees in neighbouring countries': the money goes to the countries hosting them."""
    return bool(_REFUGEES_ABROAD.search(ctx.text, end, _rest_of_clause(ctx, sentence, end)))


def _rest_of_clause(ctx: _Context, sentence: Sentence, end: int) -> int:
    """Where what is said of the figure ending at `end` stops: the next figure, another clause ("..., while Britain
    has signed a deal to lend"), a table's next cell ("EUR 300 mln | announced") or a comment on the whole act
    ("..., an approach that costs little up front")."""
    nxt = min([s for s, e in ctx.figures or [] if s >= end] + [sentence.end])
    other = _OTHER_CLAUSE.search(ctx.text, end, nxt)
    nxt = other.start() if other else nxt
    cell = ctx.text.find(" | ", end, nxt)
    nxt = cell if cell >= 0 else nxt
    comment = _COMMENT_AFTER.search(ctx.text, end, nxt)
    return comment.start() if comment else nxt


# needs named right after the sum as what it is for: "an additional 8.3 billion yen for winter energy needs"
_FOR_NEEDS = re.compile(r"\s*\)?\s*(?:,?\s*(?:which|that)\s+(?:will|would|is\s+to|are\s+to)\s+be\s+used\s+|,?\s*to\s+be\s+used\s+)?"
                        r"(?:(?:is|are|was|were|will\s+be|goes|go|went|will\s+go)\s+)?for\s+(?:the\s+|its\s+|their\s+|Ukraine's\s+|Kyiv's\s+)?(?:(?![\w-]+-related\s)[\w-]+\s+){0,3}needs\b")
# ("$113 billion for Ukraine-related needs" is a broad appropriation, much of it spent at home)


# people from Ukraine living in the giver's country: "has spent more than 5 billion yen supporting some 2,000
# Ukrainian evacuees living in Japan" (help for them is the host's own spending, not aid to Ukraine)
_REFUGEES_ABROAD = re.compile(r"\b(?:evacuees|refugees|displaced (?:people|persons)|arrivals)\s+"
                              r"(?:(?:living|staying|residing|sheltering|hosted|settled)\s+)?in\s+(?:(?!Ukraine\b)[A-Z]"
                              r"|\d+\s+(?:other\s+)?countries|(?:other|neighbou?ring|host|European)\s+countries)")
# cover or credit for the giver's firms: "financing worth up to 300 million dollars for Japanese companies taking part
# in reconstruction", "500 million euros in guarantees for Italian companies investing in Ukraine"
_OWN_FIRMS = re.compile(r"\b(?:for|cover|covers|covering|insure|insures|insuring|protect|protects|protecting) "
                        r"(?:the )?(?!Ukrainian\b|Ukraine's\b|local\b)[A-Z][a-z]+(?:an|ese|ish|ch|i|ic) "
                        + alternation(load("triggers")["firm_nouns"]) + r"\b"
                        # firms that carry the gift are its channel: "for French companies to supply equipment to"
                        r"(?!\s+to\s+(?:supply|deliver|provide|send|ship|equip|build|repair|restore)\b)")


def _blocked_before(ctx: _Context, sentence: Sentence, start: int, triggers, tokens, blockers) -> bool:
    """'Russia's defence budget of', 'has agreed to buy around': what leads up to the figure."""
    aid = _blockers()[2]
    previous = [e for s, e in ctx.figures or [] if sentence.start <= e <= start]
    lo = max(previous + [sentence.start, start - 90])
    # "... ammunition purchased from Canadian industry, plus C$200m"; after a sum: "..., and USD 1 billion is for"
    if _PLUS_BEFORE.search(ctx.text, lo, start) or previous and (
            _AND_BEFORE.search(ctx.text, lo, start) or _PURPOSE_AND.fullmatch(ctx.text, max(previous), start)):
        return False  # the blockers belong to the conjunct before
    before = _IN_BUDGET.sub(_blank, ctx.text[lo:start])  # "goes straight to the Ukrainian budget, €9.3bn is ..."
    if _COUNTED_BY_OTHERS.search(before):
        return True
    hits = [h for h in blockers.finditer(before)
            if not in_closed_relative(ctx.text, lo + h.start(), lo + h.end(), start, sentence.start)
            and not (_BACKED_BY.search(before, max(0, h.start() - 45), h.start()) and "," in before[h.end():]
                     and _LOAN_BEFORE.search(before, 0, h.start()))]
    if not hits or _GIFT_PRICE.search(ctx.text, sentence.start, start) or _owned_by_giver(ctx, start):
        return False
    if _PAID_WITH.search(before) and _AID_NOUN_AFTER.match(ctx.text, start):
        return False  # what was bought with aid: "Excavators purchased with a 9 million dollar Japanese grant"
    if _BUYS.search(before) or _SELLS_ELSEWHERE.search(before):
        return True
    last = hits[-1]
    between = before[last.end():]
    verbs = _rescuing_verbs([t for t in triggers if lo + last.end() <= tokens[t.index].start < start], tokens)
    # a participle right after the blocker modifies it: "the deficit of the state budget financed by external sources"
    verbs = [t for t in verbs if not (tokens[t.index].lower.endswith("ed") and tokens[t.index].start - lo - last.end() <= 1
                                      and tokens[t.index + 1:t.index + 2] and tokens[t.index + 1].lower == "by")]
    # a gerund after a preposition names what the blocked thing is about: "the cost of clearing it at"; an
    # inserted "including ..." that a comma closes lists its parts: "losses, including lower output, total"
    verbs = [t for t in verbs if not (tokens[t.index].lower.endswith("ing") and t.index > 0
                                      and tokens[t.index - 1].lower in _PREPOSITIONS)
             and not (tokens[t.index].lower in ("including", "excluding") and "," in ctx.text[tokens[t.index].end:start])]
    if _hard_blockers().fullmatch(last.group()):  # "will need additional external financing of": a need
        # a need in an earlier conjunct: "the money would go to humanitarian needs ..., and would include £90m"
        coordinated = _NEXT_CONJUNCT.search(between)
        return not (any(t.role in ("provide", "receive") and not tokens[t.index].lower.endswith("ing")
                        or coordinated and tokens[t.index].start >= lo + last.end() + coordinated.end()
                        for t in verbs) or _excepted(before, last))
    # "the cost of humanitarian demining at $34.6bn", "revenues to the general fund amounted": an aid word
    # inside the blocker's own prepositional phrase rescues nothing
    aid_between = aid.search(between) and not re.match(r"\s*(?:of|for|in|to|into|from)\b", between)
    return not (verbs or aid_between or _excepted(before, last))


_PAID_WITH = re.compile(r"\b(?:purchased|bought|procured|acquired|paid\s+for|financed|funded)\s+(?:with|from|using|"
                        r"through|under)\s+(?:a|an|the)?\s*$")
_AID_NOUN_AFTER = re.compile(r"\S+(?:\s+[\w.-]+){0,5}?\s+(?:grant|aid|assistance|funding|donation|contribution|loan)s?\b")


# what backs a loan, closed by a comma before its sum, is no subject of the sum: "the second tranche of its loan under
# a G7 scheme backed by frozen Russian assets, worth 154.6 billion yen"
_BACKED_BY = re.compile(r"\b(?:backed|financed|serviced|repaid|funded|secured|covered)\s+(?:by|with|from|using|out of)\s+"
                        r"(?:the\s+)?(?:[\w-]+\s+){0,5}$")
_LOAN_BEFORE = re.compile(r"\b(?:loans?|tranches?|contribution|share|credit)\b")
# a sum added on to the one before: what precedes the conjunction belongs to that one
_PLUS_BEFORE = re.compile(rf"(?:,\s*|\s)(?:plus|as well as|along with)\s+(?:an?\s+|another\s+)?(?:(?:further|additional|"
                          rf"extra|separate)\s+)?(?:(?:{qualifier_words()})\s+)?$", re.I)
_AND_BEFORE = re.compile(rf",\s*and\s+(?:(?:{qualifier_words()})\s+)?$", re.I)
# the purpose of the sum before, then the next sum: "a $470 million grant for energy and other needs and $30 million"
_PURPOSE_AND = re.compile(rf"\s*(?:[\w-]+\s+){{0,2}}?for\s+[^.;,$€£¥\d]{{0,60}}\s+and\s+(?:(?:{qualifier_words()})\s+)?",
                          re.I)
def _owned_by_giver(ctx: _Context, start: int) -> bool:
    """A giver's possessive right before the sum opens a noun phrase of its own: "... the budget support it needs
    for 2023, noting the International Monetary Fund's $15.6 billion lending program"."""
    return _possessor_before(ctx, start, _POSSESSIVE_BEFORE, _STATE_KINDS + ("org",)) is not None


def _possessor_before(ctx: _Context, start: int, possessive: re.Pattern, kinds: tuple) -> Actor | None:
    """The giver of `kinds` whose possessive (`possessive`, matched up to `start`) opens the sum's noun phrase."""
    own = possessive.search(ctx.text, max(0, start - 40), start)
    i = bisect.bisect_left(ctx.actor_starts, start) - 1
    actor = ctx.actors[i] if own is not None and i >= 0 else None
    if actor is None or actor.end != own.start() or actor.code in attrs.NON_DONORS or actor.kind not in kinds:
        return None
    return actor


# "an IBRD loan of US$800 million, backed by a guarantee from the Government of Japan", "... guaranteed by Japan"
_GUARANTEED_BY = re.compile(
    # right after the sum's own words: "..., backed by a credit guarantee from", "... guaranteed by"
    r"(?:(?:\s+(?:to|for)\s+[A-Z][\w-]*|\s+(?!(?:which|that)\b)[\w-]+){0,3}?,?\s+(?:(?:fully|partly|partially)\s+)?"
    r"(?:backed by (?:a |an |the )?(?:full |partial )?(?:credit )?guarantees? (?:from|of|by)|guaranteed by)"
    # or in a relative clause on the financing: "..., which was attracted under the guarantee of"
    r"|[^.;]{0,80}?,\s+(?:which|that)\s+(?:was|were|is|are|has been|have been)\s+(?:(?:attracted|raised|provided|extended)"
    r"\s+under\s+(?:the\s+|a\s+)?guarantee\s+of|(?:fully\s+|partly\s+)?backed\s+by\s+(?:a\s+|the\s+)?(?:credit\s+)?"
    r"guarantees?\s+(?:from|of|by)))\s+(?:the\s+)?")


_LENDER_ACTS = re.compile(r"(?:\s+\([^)]{1,12}\))?\s+(?:\w+\s+){0,2}?(?:signed|approved|granted|extended|provided|agreed|"
                          r"lent|lends|will|has|have|is|was|announced|disbursed)\b")


def _guarantor(ctx: _Context, actors: list[Actor], end: int) -> Actor | None:
    """The state that guarantees the sum just read: it, not the lender, is the giver, unless the lender heads the
    sentence ('The EBRD signed a loan of EUR 80 mln, guaranteed by Norway': the bank lends)."""
    m = _GUARANTEED_BY.match(ctx.text, end)
    if m is None:
        return None
    first = next((a for a in actors if a.end <= end), None)
    if first is not None and first.kind == "org" and first.code not in attrs.NON_DONORS \
            and _LENDER_ACTS.match(ctx.text, first.end):
        return None
    return next((a for a in actors if m.end() <= a.start <= m.end() + 25 and a.kind in _STATE_KINDS
                 and a.code not in attrs.NON_DONORS), None)


_CONTRIBUTION_TO = re.compile(r"\s*(?:-?(?:dollar|euro|yen|pound|won)s?\s+)?")
_OWNER_BEFORE = re.compile(rf"['’]s?\s+(?:(?:{qualifier_words()}|roughly|some|new|additional|total)\s+)*$")


def _actor_at(ctx: _Context, pos: int) -> Actor | None:
    """The document's actor that starts at `pos`, if any (actors are sorted by start)."""
    i = bisect.bisect_left(ctx.actor_starts, pos)
    return ctx.actors[i] if i < len(ctx.actors) and ctx.actors[i].start == pos else None


_POSSESSIVE_BEFORE = re.compile(r"['’]s?\s+(?:(?:new|latest|additional|fresh|planned)\s+)?$")
_NOT_AID = "about damage, prices, budgets or sanctions, not aid"
_UNGOVERNED = "no commitment verb and no aid noun governs it"
_BE = {"is", "are", "was", "were", "be", "been", "being"}
_PREPOSITIONS = {"of", "for", "in", "on", "at", "by", "from", "with", "without", "about", "after", "before"}
_NEXT_CONJUNCT = re.compile(r",\s+and\s+(?:it\s+|they\s+)?(?:will|would|has|have|had|also|is|are|was|were)\b")


def _rescuing_verbs(between: list, tokens: list[Token]) -> list:
    """The commitment verbs between a blocker and its figure. A total ('rise to') and the words that
    govern it ('is due to rise to') describe the blocked thing, and so does a stage in the passive
    ('the expenditures of the state budget are approved in the amount of'): they commit nothing."""
    totals = [t.index for t in between if t.role == "total"]
    return [t for t in between if t.role not in ("report", "total")
            and not (t.role in ("control", "noun") and (any(i > t.index for i in totals) or _passive(tokens, t.index)))]


def _passive(tokens: list[Token], index: int) -> bool:
    return any(tok.lower in _BE for tok in tokens[max(0, index - 2):index])


# after a figure, its size against the economy: "€500 million, more than 1.3 percent of GDP" (before a figure,
# "raise defence spending to 2.4% of GDP, or about SEK 150bn" is a budget)
_SHARE_OF_GDP = re.compile(r"(?:percent|per cent|%)\s+of\s+(?:its\s+|own\s+|the\s+)?(?:GDP|gross domestic product|"
                           r"economic output)$", re.I)


# (reported speech goes on to another claim: "... has exceeded 12 billion dollars, and that Ukraine needs ...")
_OTHER_CLAUSE = re.compile(CLAUSE_BREAK + r"|,\s+and\s+that\b"
                           # a new subject and its verb: "..., and the Diet passed an extra budget setting aside"
                           r"|,\s+and\s+(?:the\s+)?[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*){0,3}\s+(?:has\s+|have\s+|had\s+|"
                           r"also\s+)?(?:passed|approved|adopted|said|announced|added|agreed|decided|signed)\b")
# a comment on the whole act, set off by a comma: "..., a move that ...", "..., an approach that costs little"
_COMMENT_AFTER = re.compile(r",\s+(?:an?|the)\s+(?:approach|move|step|decision|gesture|sign|signal|measure)\b")


_QUALIFYING = re.compile(r"(?:for|in|on)\s+(?!(?:its|their)\s+own\b)\S.*", re.I)


def _blank(m: re.Match) -> str:
    return " " * len(m.group())  # same length: positions in the text stay valid



# the price of a gift: "will donate 800 drones to Ukraine, at a cost of $95 million" (not "import gas at a cost of"),
# "transferred ... a batch of demining equipment with a total cost of", "bought from the US for Ukraine at a cost of"
_GIFT_PRICE = re.compile(r"(?:\b(?:donat|give|gave|giv|send|sent|provid|supply|suppli|deliver|hand|ship|transferr|"
                         r"fund|financ)\w*|\b(?:bought|purchased|procured)\b[^.;]{0,60}?\bfor (?:Ukraine|Kyiv)\b)"
                         r"[^.;]{0,120}?(?:\b(?:at|with) a (?:total )?cost(?: to [A-Z][\w ]{0,30}?)? of"
                         r"|\bwith (?:a )?(?:total )?(?:cost|value) of|,\s*(?:costing|cost|worth|valued at))\s+"
                         rf"(?:{qualifier_words()}\s+)?$", re.I)


class _NameSkipping:
    """A blocker pattern that skips matches inside proper names of programmes and projects.

    "for the Ukraine Extraordinary Revenue Acceleration Project" names a loan's purpose; the
    blocker word "Revenue" in it says nothing about the figure. A one-word match counts as inside
    a name when it is capitalised and so is the word before or after it, or it ends a name joined by
    "of", "for" or "and" ("the Ministry of Economy").
    """

    _NAME_WORD = re.compile(r"[A-Z][\w-]*")
    _NAME_OF = re.compile(r"\b[A-Z][\w-]*\s+(?:of|for|and)\s+(?:the\s+)?$")

    def __init__(self, pattern: re.Pattern) -> None:
        self.pattern = pattern

    def finditer(self, text: str):
        return (m for m in self.pattern.finditer(text) if not self._in_name(text, m))

    def search(self, text: str):
        return next(self.finditer(text), None)

    def _in_name(self, text: str, m: re.Match) -> bool:
        if not m.group()[:1].isupper() or " " in m.group():
            return False  # a blocker of two words names the thing itself: "the Government Pension Fund Global"
        before = _last_word(text, m.start())
        after = _first_word(text, m.end())
        return any(self._NAME_WORD.fullmatch(w.strip('"“”(')) for w in before + after) \
            or bool(self._NAME_OF.search(text, max(0, m.start() - 40), m.start()))  # "the Ministry of Economy"


def _last_word(text: str, end: int) -> list[str]:
    """`text[:end].split()[-1:]`, from a window before `end` when the window holds the whole word."""
    window = text[max(0, end - 40):end]
    words = window.split()
    if len(words) > 1 or end <= 40 or words and window[:1].isspace():
        return words[-1:]
    return text[:end].split()[-1:]


def _first_word(text: str, start: int) -> list[str]:
    """`text[start:].split()[:1]`, from a window after `start` when the window holds the whole word."""
    window = text[start:start + 40]
    words = window.split()
    if len(words) > 1 or start + 40 >= len(text) or words and window[-1:].isspace():
        return words[:1]
    return text[start:].split()[:1]


def _excepted(text: str, block: re.Match) -> bool:
    """Is the blocker part of, or right after, an exception ('budget support', 'to buy', 'to cover salaries')?"""
    _, exceptions, _ = _blockers()
    for exc in exceptions.finditer(text):
        if exc.start() <= block.start() < exc.end() or 0 <= block.start() - exc.end() <= 3:
            return True
    return False


_TOTAL_CUE = re.compile(r"\b(?:total|overall|so far|since|to date|in all|altogether|thus far|external|as of)\b", re.I)


def _running_total(ctx: _Context, sentence: Sentence, frame: Frame, tokens, figure: int) -> bool:
    """'brings/reaches/exceeds/amounts to' sum up; the participle 'amounting to' only with a total cue
    ('the assistance, amounting to $5 million' is one grant)."""
    verb = frame.inner if frame.inner.role == "total" else frame.outer
    if verb.lemma not in ("amount to", "stand at") or not tokens[verb.index].lower.endswith("ing"):
        return True  # a finite "Japan's support amounts to $12bn" sums up what was given so far
    return bool(_TOTAL_CUE.search(ctx.text[sentence.start:figure]))


# A named fund or programme ("Its Ukraine Fund has grown to", "The Nansen programme now stands at")
_AID_VEHICLE = re.compile(r"\b[A-Z][\w-]*\s+(?i:" + attrs.VEHICLE_HEADS + r")\b")


_COMMITMENT_WORD = re.compile(r"\bcommitments?\b")  # "Japan's cumulative commitment to Ukraine now stands at"


# a giver's share of a joint effort is its sum: "Berlin's share amounts to 576 million euros", "the share of the USA
# is USD 20 billion"
_SHARE = re.compile(r"\bshare\b(?:\s+of\s+(?:the\s+)?)?")
_POSSESSIVE_OF_SHARE = re.compile(r"['’]s\s+(?:[a-z-]+\s+){0,2}$")  # "Berlin's share", "Japan's total share"


def _share_owner(ctx: _Context, base: int, share: re.Match) -> Actor | None:
    """The giver that owns a share ("Berlin's share", "the share of the USA"); None for the recipient's own."""
    if share.group().rstrip() != "share":
        owner = _actor_at(ctx, base + share.end())
        return owner if owner is not None and owner.code not in attrs.NON_DONORS and owner.kind != "private" else None
    return _possessor_before(ctx, base + share.start(), _POSSESSIVE_OF_SHARE, _STATE_KINDS + ("org",))


# a fact line's label after its figure: "- $20mn: Korea's humanitarian pledge for 2026"
_COLON_OWNER = re.compile(r"\)?\s*[:—–]\s+(?:the\s+)?(?=[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*){0,2}['’]s\s)")


def _owner_after_colon(ctx: _Context, end: int) -> Actor | None:
    label = _COLON_OWNER.match(ctx.text, end)
    owner = _actor_at(ctx, label.end()) if label else None
    return owner if owner is not None and owner.code not in attrs.NON_DONORS else None


def _givers_share_in(ctx: _Context, sentence: Sentence, end: int) -> Actor | None:
    """The giver whose share the figure at `end` states ("Berlin's share amounts to", "the share of the USA is")."""
    lo = max([e for _, e in ctx.figures or [] if e < end] + [sentence.start])
    said = _SHARE_IS.search(ctx.text, lo, end)
    return _share_owner(ctx, lo, _SHARE.match(ctx.text[lo:end], said.start() - lo)) if said else None


# the share and the figure it is: "share amounts to", "share of the EU in the initiative makes"
_SHARE_IS_WORDS = (r"\bshare\b(?:\s+of\s+(?:the\s+)?[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*){0,2})?(?:\s+(?:in|of)\s+"
                   r"(?:the\s+)?[\w\s-]{0,40}?)?\s+(?:is|was|amounts?\s+to|amounted\s+to|makes|made|totals|totalled|"
                   r"stands\s+at|comes\s+to)\s+(?:about\s+|approximately\s+|around\s+|some\s+|roughly\s+)?")
_SHARE_IS = re.compile(_SHARE_IS_WORDS + r"\Z")
_SHARE_IS_SUM = re.compile(_SHARE_IS_WORDS + r"(?:[$€£¥]|[A-Z]{3}\s*\d|\d)")  # a sentence that may state a share



def _aid_subject(ctx: _Context, sentence: Sentence, tokens, frame: Frame, figure: int) -> bool:
    """'Sweden's military support ... amounts to' counts; 'imports totalled', 'the budget amounts to' do not."""
    blockers, _, strong = _blockers()
    if tokens[frame.inner.index].start > figure:
        return True  # "a payment of €3.5bn would reach Ukraine": a delivery, not a total
    subject = ctx.text[sentence.start:figure]
    last_aid = max([m.end() for m in strong.finditer(subject)] + [m.end() for m in _AID_VEHICLE.finditer(subject)]
                   + [m.end() for m in _COMMITMENT_WORD.finditer(subject)]
                   + [m.end() for m in _SHARE.finditer(subject) if _share_owner(ctx, sentence.start, m)], default=-1)
    last_block = max((m.end() for m in _NameSkipping(blockers).finditer(subject)
                      if not in_closed_relative(subject, m.start(), m.end(), len(subject))), default=-1)
    return last_aid > last_block


def _has_aid_noun(sentence: Sentence, m: Money, figures: list) -> bool:
    """An aid noun near the figure, after the figure before it: "Japan's total support to Ukraine since 2022
    had surpassed $13 billion", not "financing gap at $15bn and $19bn"."""
    lo = max([e for s, e in figures or [] if e <= m.start] + [sentence.start, m.start - 60])
    near = sentence.text[lo - sentence.start:(m.alt_end or m.end) - sentence.start + 40]
    return bool(_aid_nouns().search(near))


def _cancelled(tokens: list[Token], frame: Frame | None, index: int) -> bool:
    clause = _relative_clause_start(tokens, index)  # "..., where it has so far given $67m": its own clause
    start = frame.outer.index - 4 if frame and frame.outer else index - 6
    start = _after_relative_clause(tokens, max(0, start, clause), index)
    end = max(index, frame.inner.index if frame and frame.inner else index)
    return is_negated(tokens, start, end + 1) or is_discussion(tokens, clause, index) or is_denied(
        tokens, index, _clause_end(tokens, index))


def _relative_clause_start(tokens: list[Token], index: int) -> int:
    """The first token of the relative clause ', where|which|who ...' that holds the figure, else 0."""
    for k in range(index - 1, 0, -1):
        if tokens[k].text == ",":
            return 0
        if tokens[k].lower in ("where", "which", "who") and tokens[k - 1].text == ",":
            return k + 1
    return 0


def _after_relative_clause(tokens: list[Token], start: int, index: int) -> int:
    """Skip a relative clause that ends before the verb: 'South Korea, which does not send weapons, raised'."""
    rel = next((k for k in range(max(0, start - 6), index) if tokens[k].lower in ("which", "who")), None)
    if rel is None:
        return start
    comma = next((k for k in range(max(rel, start), index) if tokens[k].text == ","), None)
    return comma + 1 if comma is not None else start


def _clause_end(tokens: list[Token], index: int) -> int:
    """The token index where the figure's clause ends (the next ';' or the sentence end), at most 20 on."""
    return next((k for k in range(index, min(len(tokens), index + 20)) if tokens[k].text in (";", "•")),
                min(len(tokens), index + 20))


def _donor(ctx, sentence, actors, frame, tokens, start, end, fallback: bool = True) -> Actor | None:
    """The donor named in the sentence, else the one of the paragraph so far, else the article's main donor."""
    if _many_in_row(sentence, actors, end):
        ctx.note(start, end, "dropped", "the actor is several donors (a table row's donors cell)")
        return None
    if sentence.start in ctx.rows and _TOTAL_ROW.match(sentence.text) and len(_row_labels_above(ctx, sentence)) >= 2:
        ctx.note(start, end, "dropped", "a table's total row: the sum of several givers' rows above")
        return None
    if sentence.start in ctx.label_rows:  # "Ukraine   45.0" under "Japan's emergency grant aid (USD million)"
        return _label_row_donor(ctx, sentence, actors, start, end)
    thanked = attrs.thank_donor(sentence, actors, start) or _row_giver(ctx, sentence, actors)
    if thanked is not None:
        return thanked
    donor = attrs.donor_for(sentence, actors, frame, tokens, start, end, ctx.figures)
    if donor is not None and donor.code in attrs.FORUMS:  # "UDCG partners ... raised": the forum's members
        # ... unless the forum only names the framework: "it has added a loan of 471.9 billion yen under the G7 scheme"
        donor = None if _FRAMEWORK_BEFORE.search(ctx.text, max(sentence.start, donor.start - 25), donor.start) \
            else attrs.MANY_DONORS
    if donor is attrs.MANY_DONORS:  # "Japan's roughly $3 billion share of G7 loans": the owner's part of them
        donor = _possessor_before(ctx, start, _OWNER_BEFORE, _STATE_KINDS) or donor
    if donor is not None and donor.kind == "org" and donor.start >= end \
            and _CONTRIBUTION_TO.fullmatch(ctx.text, end, donor.start) and ctx.text.startswith(" contribution", donor.end):
        # "Japan promises ... a 37 million dollar NATO contribution": a contribution to the organisation
        donor = next((a for a in reversed(actors) if a.kind in _STATE_KINDS and a.end <= start and a.code not in
                      attrs.NON_DONORS and not _OBJECT_BEFORE.search(ctx.text, max(0, a.start - 12), a.start)), donor)
    if donor in (attrs.MANY_DONORS, attrs.RECIPIENT_SIDE):
        ctx.note(start, end, "dropped", _MANY_GIVERS if donor is attrs.MANY_DONORS else f"the actor is {donor.name}")
        return None
    # (the cue after the figure before: "In total, Japan has promised $600 million, of which $300 million was
    # received today and the other $300 million ..." is Japan's)
    clause = (max([e for s, e in ctx.figures or [] if sentence.start <= e <= start] + [sentence.start]), sentence.end)
    if donor is None and frame is not None and frame.inner is not None and frame.inner.role == "receive" \
            and _TOTAL_CUE.search(ctx.text, *clause):
        ctx.unnamed_total_line = sentence.line
        return None  # "In total Ukraine received $39.6bn of external financing": many givers, none named
    if donor is None and ctx.unnamed_total_line == sentence.line and all(a.code in attrs.NON_DONORS for a in actors):
        return None  # "... received $41.7bn. Since the start of the war - $148.4bn": the same unnamed givers
    donor = donor or _givers_share_in(ctx, sentence, start) or _owner_after_colon(ctx, end)
    if donor is None and (frame is not None or _aid_nouns().search(sentence.text)):
        if _STATE_ANAPHOR.match(sentence.text):
            # "In Riga, the government ...": the place names the state; else the state named last
            place = _opening_place(sentence, actors)
            if place or ctx.last_named:
                return place or ctx.last_named
        # "authorizes $400 million a year for the Ukraine Security Assistance Initiative": a state's programme
        programme = next((a for a in actors if a.kind == "channel" and not attrs.is_channel_mention(sentence, a)), None)
        topic = _TOPIC_OPENER.match(sentence.text)
        topic = next((a for a in actors if topic and sentence.start < a.start < sentence.start + topic.end()
                      and a.kind in _STATE_KINDS and a.code not in attrs.NON_DONORS), None) or next(
            (a for a in actors if a.kind == "capital" and a.code not in attrs.NON_DONORS and a.start < start
             and _seat_of().search(ctx.text, max(sentence.start, a.start - 30), a.start)), None)
        # the giver of a sum before in the same sentence comes before the paragraph's: "Of the $100 million Japan
        # announced ..., $8 million has been allocated to the ICRC"
        donor = programme or topic or ctx.sentence_giver or ctx.last_donor or (
            ctx.main_donor if fallback else None)
    return donor


_FRAMEWORK_BEFORE = re.compile(r"\b(?:under|within|through|via|as part of|part of|in line with)\s+(?:the\s+|a\s+|its\s+)?$")
_INVEST = re.compile(r"\binvest(?:s|ed|ing)?\b", re.I)


def _firm_subject(ctx: _Context, sentence: Sentence, actors, donor: Actor, start: int) -> bool:
    """Is a firm named by its kind ('Trading house Sojitz said it would invest') the party before the figure: no
    actor of the found giver after it, and no organisation or public body anywhere before the figure?"""
    firm = None
    for firm in _FIRM_BEFORE.finditer(ctx.text, sentence.start, start):
        pass
    return firm is not None and not any(a.code == donor.code and firm.start() <= a.start < start
                                        or a.kind in ("org", "body") and a.start < start for a in actors)


_INVESTMENT_AFTER = re.compile(r"\)?\s+(?:[\w-]+\s+){0,2}?investments?\b", re.I)  # "a 2 billion yen investment in"
# a firm named by its kind: "Trading house Sojitz said it would invest $25 million" (the giver found is the
# article's state, not named in the sentence)
_FIRM_BEFORE = re.compile(r"(?<!-)" + whole_words(load("triggers")["firm_kinds"]), re.I)  # (not "decision-maker")
# Ukraine's own purses: "the Government this year from reserve fund allocated UAH 1.5 billion", "the state
# program of humanitarian demining for 2024 provides UAH 3.8 billion"; and its own bodies that spend hryvnias:
# "Ukraine's government allocated UAH 3 bln" (triggers.yaml)
_UKRAINE_OWN_FUND = re.compile(whole_words(load("triggers")["recipient_own_funds"]
                                           + load("triggers")["recipient_spending_bodies"]), re.I)


def _giver_by_currency(ctx: _Context, actors: list[Actor], donor: Actor, currency: str) -> Actor:
    """A donor the sentence does not name (carried over from earlier ones) gives way to the state the sentence
    names whose own currency the sum is in: "Canada's last payment of C$1.7 billion arrived, completing its C$5
    billion share" is Canada's, not the article's main donor's."""
    home = load("money")["home"].get(currency)
    if home is None or donor.code == home or any(a.code == donor.code for a in actors):
        return donor
    return next((a for a in actors if a.code == home and a.kind in _STATE_KINDS), donor)


def _clause_window(sentence: Sentence, money: list[Money], m: Money) -> tuple[int, int]:
    """From the previous figure (or sentence start) to the next figure (or sentence end)."""
    starts = [x.start for x in money if x.start > m.start]
    ends = [x.alt_end or x.end for x in money if (x.alt_end or x.end) < m.start]
    return (max(ends) if ends else sentence.start, min(starts) if starts else sentence.end)


def _parent_amount(money: list[Money], m: Money) -> float | None:
    before = [x for x in money if x.end <= m.start and x.currency == m.currency and x.amount > m.amount]
    return before[-1].amount if before else None


def _token_at(tokens: list[Token], pos: int) -> int:
    for i, t in enumerate(tokens):
        if t.end > pos:
            return i
    return max(0, len(tokens) - 1)


_BREAKDOWN = re.compile(r"\b(?:breakdown|broken down|as follows|allocated as|distributed as|split as|in particular|"
                        r"among them|namely|of which)\b", re.I)
# a list of where the aid just described goes: "The assistance will be implemented through the following
# international organizations:"
# ... or in how many parts it comes: "This programme will procure equipment in three areas ...:"
_FOLLOWING = re.compile(r"\bthe following\b|" + (_PARTS := r"\b(?:two|three|four|five|six|seven|\d) (?:main |key |"
                        r"priority )?(?:areas|fields|sectors|components|categories|parts|directions|tranches|pillars|"
                        r"strands|elements|windows|streams|lots|phases)\b"), re.I)
_IN_PARTS = re.compile(_PARTS, re.I)  # "The project has three components:": its lines are parts of the sum before
_RECEIVED = re.compile(r"\b(?:received|receives|attracted|came from|were raised)\b", re.I)


def _lead_in(ctx, sentence, tokens, actors, triggers) -> tuple | None:
    """(status, donor, part?, what its labels are) of a sentence that introduces a list ("The package includes:")."""
    if not _opens_list(sentence):
        return _heading_lead_in(ctx, sentence, actors) if ctx.heading else None
    # the labels are givers under "Ukraine received USD 47.7 billion from partners. In particular:"
    paragraph = ctx.text.rfind("\n", 0, sentence.start) + 1
    receiving = bool(_RECEIVED.search(ctx.text, paragraph, sentence.end))
    if not triggers and not ((_BREAKDOWN.search(sentence.text) or _FOLLOWING.search(sentence.text)) and (
            _aid_nouns().search(sentence.text) or ctx.last_money is not None or receiving)):
        if _GIVERS_LIST.match(sentence.text) and (ctx.last_donor or ctx.main_donor) is not None:
            # "The new contributions are:" names no giver: each line's label does ("- Norway: NOK 500 million")
            return (ctx.last_status or "announced", ctx.last_donor or ctx.main_donor, False, "givers")
        if _GOODS_LIST.match(sentence.text) and (ctx.last_donor or ctx.main_donor) is not None:
            # "Main equipment to be procured:": the goods of the aid just described
            return (ctx.last_status or "announced", ctx.last_donor or ctx.main_donor, True, None)
        return None  # "The breakdown of this assistance is as follows:" continues the aid just described
    frame = frame_for(tokens, triggers, len(tokens) - 1, False) if triggers else None
    donor = attrs.donor_for(sentence, actors, frame, tokens, sentence.end, sentence.end)
    # and recipients under a lead-in that names its giver ("Japan's Emergency Grant Aid this year:")
    if receiving or _COMPARISON.search(sentence.text):
        labels = "givers"
    else:
        labels = "recipients" if donor is not None and donor not in (attrs.RECIPIENT_SIDE, attrs.MANY_DONORS) else None
    if donor is None or donor is attrs.RECIPIENT_SIDE and (frame is None or frame.inner.role != "receive"):
        donor = ctx.last_donor or ctx.main_donor  # "the breakdown of the Ukraine support is as follows."
    if donor is None:
        return None
    donor = _agency_delivers(ctx, donor, sentence.text)
    # one giver's sum broken down; not what many givers sent ("received ... from partners. In particular:")
    part = labels != "givers" and (any(t.role == "part" for t in triggers) or "package" in sentence.text.lower()
                                   or bool(_BREAKDOWN.search(sentence.text) or _IN_PARTS.search(sentence.text)))
    return ((frame.status if frame else None) or ctx.last_status or "announced", donor, part, labels)


# a lead-in to other givers' figures: "Each government counts differently, so the following figures ...:",
# "How other donors compare:"
_COMPARISON = re.compile(rf"\b(?:each|every|other|these|some)\s+(?:governments?|{attrs.GIVER_PLURALS})\b"
                         r"|\bcompare[sd]?\b", re.I)
_GIVERS_LIST = re.compile(r"\s*(?:The\s+)?(?:new\s+|latest\s+|additional\s+|main\s+|largest\s+)?"
                          + alternation(load("triggers")["givers_list_nouns"], fold=True)
                          + r"\s+(?:are|were|include|included|so far|to date)?\s*(?:as follows)?\s*:\s*$", re.I)
_GOODS_LIST = re.compile(r"\s*(?:Among\s+|Including\s+)?(?:The\s+)?(?:main|key|major|principal|following|other|"
                         r"transferred|delivered|donated|handed-over|supplied|provided)?\s*(?:equipment|items|goods|"
                         r"supplies|materials)\b[^.:;\d]{0,50}:\s*$", re.I)
# the next line is a bulleted label and figure: "- March 2023: 30 million US dollars", "(1) UNHCR: $10 million"
_NEXT_BULLET = re.compile(rf"[^\n]*\n[ \t]*\n?[ \t]*(?:{BULLET}|\(\d{{1,2}}\))(?={_ROW.pattern}|[^\n]*?\b{SUM_START})")


_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
# the number of a release's annex or a report's table before a heading's words
_REFERENCE_LABEL = re.compile(r"(?:\((?:Reference|Annex|Appendix|Attachment)(?:\s+\d{1,2})?\)|(?:Reference|Annex|Appendix|"
                              r"Attachment|Table|Box|Chart|Part|Section)\s+\d{1,2}\b[.:)]?)\s*", re.I)


def _heads_list(ctx: _Context, sentence: Sentence) -> bool:
    """A section heading about aid right above a bulleted list, with no colon ('5. Previous contributions
    to the CAP Trust Fund', 'Japan's support so far'): the list is the article's own account."""
    if not sentence.titleish:
        return False
    text = sentence.text.strip()
    label = _REFERENCE_LABEL.match(text)  # "(Reference 1) Main assistance ... to date"
    text = text[label.end():] if label else text
    mark = LIST_ITEM.match(text)  # a numbered heading; a heading with a figure of its own is a list's line
    if re.match(rf"\s*{BULLET}", text):
        return False  # a bulleted line is an item of a list, not its heading ("Associated links" / "- Canada's support")
    return text[-1:] not in ".!?:" and len(text.split()) <= 14 \
        and not any(c.isdigit() for c in _YEAR.sub("", text[mark.end() if mark else 0:])) \
        and bool(_NEXT_BULLET.match(ctx.text, sentence.end)) and bool(_aid_nouns().search(text)) \
        and not _header("chrome_headers").match(text.strip(_HEADER_MARKS))


def _heading_lead_in(ctx: _Context, sentence: Sentence, actors: list) -> tuple:
    """A heading's list belongs to the state the heading opens with ('Germany: new grants'), else to the list
    it heads a part of ('2. The breakdown is as follows:' ... '(1) Assistance inside Ukraine'), else to the
    article's main giver; a state opening a line under it is that line's giver ('- Germany: EUR 5 million')."""
    start = sentence.start + (m.end() if (m := LIST_ITEM.match(sentence.text)) else 0)
    named = next((a for a in actors if a.start == start and a.kind in _STATE_KINDS
                  and a.code not in attrs.NON_DONORS), None)
    if named is None and ctx.lead_in is not None and ctx.lead_in[3] != "hung":
        return ctx.lead_in[:3] + ("heading",)
    donor = named or ctx.main_donor
    return (ctx.last_status or "announced", donor, False, "heading") if donor is not None else None


_LABEL_END = re.compile(r"\s*[:–—|-]\s|\t|\s{2,}")  # "- Türkiye: ...", "Germany | EUR 20 million", "Germany     EUR 20m"
_LABEL_PREFIX = re.compile(rf"(?:the\s+)?{attrs.STATE_TITLE}?")


def _label(ctx: _Context, sentence: Sentence, actors: list) -> Actor | None:
    """The actor a list line or table row opens with, as its label: '- Türkiye: 8.5 million dollars',
    'Germany — US$38.2 million — paid'."""
    mark = LIST_ITEM.match(sentence.text)
    mark_end = mark.end() if mark else 0 if sentence.start in ctx.rows else None
    first = next((a for a in actors if a.start >= sentence.start), None)
    if mark_end is None or first is None or not _LABEL_PREFIX.fullmatch(sentence.text, mark_end,
                                                                         first.start - sentence.start):
        return None  # "- the European Union – EUR 1.8 billion", "- Republic of Korea: US$15 million"
    return first if _LABEL_END.match(sentence.text, first.end - sentence.start) else None


def _label_row_donor(ctx: _Context, sentence: Sentence, actors: list, start: int, end: int) -> Actor | None:
    """A row of a table whose labels are not givers: the article's giver's (see _other_place_row)."""
    place = _other_place_row(ctx, sentence, actors)
    if place is not None:
        ctx.note(start, end, "dropped", f"a table row for another recipient or purpose ({place})")
        return None
    return ctx.last_donor or ctx.main_donor


def _other_place_row(ctx: _Context, sentence: Sentence, actors: list) -> str | None:
    """The label of a row of a table whose labels are not givers, when it names another place ("Moldova   12.0",
    "Pacific island countries   3.0"); None when it is the recipient, a kind of aid or a channel ("Ukraine   45.0",
    "Loans (JICA, ERA)   7.9", "UNICEF   5.0")."""
    if sentence.start not in ctx.label_rows:
        return None
    label = _label(ctx, sentence, actors)
    cell = _cells(sentence.text)[0][1].strip()
    if label is not None and (label.code == "UKR" or label.kind not in _STATE_KINDS) or _blockers()[2].search(cell):
        return None
    return cell[:30]


def _row_labels_above(ctx: _Context, sentence: Sentence) -> set[str]:
    """The givers that open the rows right above a table row ("Japan   3.4", "Canada   2.9")."""
    codes, end = set(), sentence.start - 1
    for _ in range(40):
        start = ctx.text.rfind("\n", 0, max(end, 0)) + 1
        if end <= 0 or start not in ctx.rows:
            break
        label = _actor_at(ctx, start)
        if label is not None and label.code not in attrs.NON_DONORS:
            codes.add(label.code)
        end = start - 1
    return codes


_TOTAL_ROW = re.compile(r"\s*(?:grand\s+)?(?:total|sum|all)\b(?!\s+(?:of|for)\b)", re.I)  # not "Total of 5 grants:"
_MANY_CELL = re.compile(r"\b(?:all|several|many|\d+)\s+" + attrs.GIVER_PLURALS + r"\b", re.I)


def _many_in_row(sentence: Sentence, actors: list, end: int) -> bool:
    """A row of a '|' table whose cells after the sum name its donors, and they are several:
    'PURL package (Nordic) | USD 500 mln | Denmark, Norway, Sweden', 'Total | EUR 9.8 bln | all participants'."""
    if " | " not in sentence.text:
        return False
    rest = sentence.text[end - sentence.start:]
    states = {a.code for a in actors if a.start >= end and a.kind in _STATE_KINDS and a.code not in attrs.NON_DONORS}
    return len(states) >= 2 or bool(_MANY_CELL.search(rest))


def _row_giver(ctx: _Context, sentence: Sentence, actors: list) -> Actor | None:
    """A table row labelled with a state gives its figures, unless a list lead-in named the giver already
    (then the labels are recipients: 'Emergency Grant Aid approved this year:' ... 'Türkiye: 8.5 million');
    so does a list line under a lead-in about what Ukraine received ('- USA - USD 20 billion')."""
    labels = ctx.lead_in[3] if ctx.lead_in else None
    if labels == "recipients" or sentence.start in ctx.label_rows \
            or not (sentence.start in ctx.rows or labels in ("givers", "heading")):
        return None
    label = _label(ctx, sentence, actors)
    kinds = _STATE_KINDS + ("org",) if labels == "givers" else _STATE_KINDS
    if label is None or label.code in attrs.NON_DONORS or label.kind not in kinds:
        return None  # an organisation labelling a row is where the money goes: "(2) UNICEF: $9 million"
    return label


_MANY_LABEL = re.compile(rf"\s*(?:{BULLET}\s*)?(?:the\s+)?(?:other|remaining|various|several|all\s+other)\s+"
                         rf"(?:{attrs.GIVER_PLURALS}|donor\s+countries)\s*[–—:-]", re.I)


def _list_item_records(ctx, sentence, tokens, actors, triggers) -> list[Commitment]:
    """Each figure of a list item under a lead-in gets the lead-in's stage and donor."""
    status, lead_donor, part, _ = ctx.lead_in
    scope = "part_of" if part else "new"
    money, goods = _money_in(ctx, sentence), find_goods(sentence.text, sentence.start)
    ctx.figures = sorted([(m.start, m.alt_end or m.end) for m in money] + [(g.start, g.end) for g in goods])
    givers = [a for a in actors if a.code not in attrs.NON_DONORS]
    label = _label(ctx, sentence, actors)
    if (place := _other_place_row(ctx, sentence, actors)) is not None:
        ctx.note(sentence.start, sentence.end, "dropped", f"a table row for another recipient or purpose ({place})")
        return []
    lead_donor = _row_giver(ctx, sentence, actors) or lead_donor
    if label is not None and label.code not in (lead_donor.code, "UKR") and label.kind in ("country", "capital"):
        ctx.note(sentence.start, sentence.end, "dropped", f"a list line for another recipient ({label.code})")
        return []  # "Emergency Grant Aid approved this year: - Türkiye: 8.5 million dollars"
    out = []
    line_donor = None  # a giver named for one figure of the line holds for its later figures
    # under a giver's lead-in an organisation opening the line is where the money goes: "- ICRC: 6 million dollars"
    openers = [a for a in givers if a.kind != "org"] if lead_donor not in (None, attrs.MANY_DONORS) else givers
    for m in money:
        # a breakdown by donor ("- from Norway - USD 100 million") names each line's giver
        line_donor = _guarantor(ctx, actors, m.alt_end or m.end) or attrs.source_before(
            sentence, givers, m.start) or attrs.source_after(
            sentence, givers, m.alt_end or m.end) or line_donor or attrs.source_opening(sentence, openers)
        donor = line_donor or lead_donor
        if _MANY_LABEL.match(sentence.text):
            ctx.note(m.start, m.end, "dropped", "a list line of unnamed givers ('- other partners – USD 218 million')")
            continue
        if attrs.names_other_beneficiaries(sentence.text[:m.start - sentence.start]):
            ctx.note(m.start, m.end, "dropped", "a list line for other beneficiaries ('Assistance for neighbouring "
                                                "countries: ...')")
            continue
        if _blocked(ctx, sentence, m.start, m.alt_end or m.end, triggers, tokens):  # "- RDNA4 estimates needs at"
            ctx.note(m.start, m.end, "dropped", _NOT_AID)
            continue
        if m.amount >= MIN_AMOUNT and donor not in (attrs.MANY_DONORS, attrs.RECIPIENT_SIDE):
            currency, inferred = resolve_currency(m.currency, donor.code)
            # the line's own cues come first: "- Britain: 12.8 billion pounds in total, of which 7.8 billion ..."
            own = attrs.scope_for(sentence, (sentence.start, sentence.end), m.start, m.alt_end or m.end, False, False)
            out.append(_commitment(ctx, sentence, Kind.MONEY, donor, actors, None, status,
                                   own if own != "new" else scope, sentence.text,
                                   m.start, m.end, amount=m.amount, currency=currency, qualifier=m.qualifier,
                                   currency_inferred=inferred, aid_type=attrs.aid_type_for(sentence.text)))
    # a line with a sum of its own breaks the sum down; one without lists what the package holds
    goods += [u for u in find_labelled_goods(sentence.text, sentence.start, bare=not money)
              + find_uncounted(sentence.text, sentence.start, [], tuple(g.end for g in goods))  # "10 machines and
              if not _overlaps(u, ctx.figures or [])]  # metal detectors"
    for g in goods if lead_donor not in (attrs.MANY_DONORS, attrs.RECIPIENT_SIDE) else ():
        out.append(_commitment(ctx, sentence, Kind.IN_KIND, lead_donor, actors, None, status, scope, sentence.text,
                               g.start, g.end, quantity=g.quantity, item=g.item, aid_type=g.aid_type,
                               sector_hint=g.sector))
    return out


# ---------------------------------------------------------------- goods and services

_HOSTILE = re.compile(r"\b(?:launched|fired|shot down|destroyed|killed|lost|captured|downed|struck|attacked|"
                      r"intercepted|seized|damaged|deployed by russia|russian)\b", re.I)


_SUPPLY_OF = re.compile(r"\b(?:supply|supplies|delivery|deliveries|provision|shipment|shipments|donation|transfer)"
                        r"\s+of(?=\s)", re.I)


# the verb "ask", not the noun "request" ("declined Ukrainian requests for F-16s"), and one giver named or none
# ("asked partners")
_ASKED_FOR = re.compile(r"(?:\s+(?:the\s+[A-Z]\w+\s+side|[A-Z][\w.-]*)){0,2}?\s+for(?=\s)")


def _item_records(ctx, sentence, tokens, actors, triggers, taken, goods, has_services) -> list[Commitment]:
    money_only = load("items")["money_only_verbs"]  # "spent 1.5% of GDP on hosting them" gives no service,
    triggers = [t for t in triggers if t.lemma not in money_only and not (  # nor "what it spends hosting refugees"
        t.index and any(x.index == t.index - 1 and x.lemma in money_only for x in triggers))]
    if not any(t.role != "report" for t in triggers):
        return []
    out = []
    mentions = [resolve_anaphor(g, ctx.text, ctx.named_items) for g in goods if not _overlaps(g, taken)]
    counted = sorted((g for g in mentions if g.quantity), key=lambda g: g.start)
    for i, g in enumerate(counted):  # "..., followed by eight in 2024 and the remaining five in 2025"
        stop = counted[i + 1].start if i + 1 < len(counted) else sentence.end
        mentions += [e for e in elliptical_counts(sentence.text, sentence.start, g, stop) if not _overlaps(e, taken)]
    service_verbs = load("items")["service_verbs"]
    verb_ends = [tokens[t.index + t.width - 1].end for t in triggers
                 if t.role == "provide" and t.lemma not in service_verbs]
    # "the aid included helmets, body armour and ...", "the supply of large transformers": lists of goods
    # a finite "includes" after an aid noun lists goods; "including ..." after a sum often says what it buys
    verb_ends += [tokens[t.index + t.width - 1].end for t in triggers if t.role == "part" and not
                  tokens[t.index].lower.endswith("ing") and _aid_nouns().search(ctx.text, sentence.start,
                                                                                tokens[t.index].start)]
    verb_ends += [m.end() + sentence.start for m in _SUPPLY_OF.finditer(sentence.text)]
    # what is asked for: "Kyiv has asked Tokyo for large high-voltage transformers"
    verb_ends += [sentence.start + m.end() for t in triggers if t.lemma == "ask"
                  for m in [_ASKED_FOR.match(sentence.text, tokens[t.index].end - sentence.start)] if m]
    listed = find_uncounted(sentence.text, sentence.start, verb_ends, tuple(g.end for g in mentions))
    # examples of goods already counted are not more goods: "50 units of construction machinery, including excavators"
    examples = [u for u in find_examples(sentence.text, sentence.start)
                if not any(g.quantity and g.end <= u.cue < g.end + 40 for g in mentions)]
    for u in listed + examples:
        if not _overlaps(u, taken) and not any(g.start < u.end and u.start < g.end for g in mentions):
            mentions.append(u)
    services = find_services(sentence.text, sentence.start) if has_services else []
    for t in triggers if has_services else ():
        if t.role == "provide":
            verb = tokens[t.index]
            s = service_from_verb(ctx.text, 0, verb.start, verb.end, t.lemma)
            if s is None:
                continue
            # "is hosting refugees": the verb with its object, not the bare noun "hosting"
            services = [x for x in services if x.start != s.start]
            # "accept wounded servicemen for treatment": the noun already names this service
            if not any(x.start < s.end + 30 and s.start < x.end for x in services):
                services.append(s)
    mentions += [s for s in services if not _overlaps(s, taken) and not any(g.start <= s.start < g.end for g in mentions)
                 and not _purpose_of_money(s, taken, tokens, triggers)]
    for item in mentions:
        if item.kind == "in_kind" and item.quantity is None and _BACK_REFERENCE.match(ctx.text, item.start):
            ctx.note(item.start, item.end, "dropped", "points back to goods named before")
            continue
        # resolved again: the names this sentence registered so far ("MiG-29 jets ... 14 aircraft of this type")
        # are known now, not when the counted goods were resolved for their delivery schedules above
        item = resolve_anaphor(item, ctx.text, ctx.named_items)
        if item.kind == "in_kind" and is_named(item.item):
            ctx.named_items.append(item.item)
        record = _item_record(ctx, sentence, tokens, actors, triggers, item)
        if record is not None:
            out.append(record)
    return out


# a sentence about what a donor's money buys, delivered by an agency
_FUNDED_BY_GRANT = re.compile(r"\b(?:through|with|under|using|from) (?:this|that|the|these|those|its|[A-Z][\w-]*'s)"
                              r" (?:(?:new|same|latest|grant|[A-Z][\w-]*) )?(?:grant|grants|funds|funding|contribution|donation|"
                              r"assistance|money|agreement)\b", re.I)


# the article's state named as the one who pays: "with the funding of the Government of Japan", "funded by Japan",
# "a Japanese grant"
_PAID_BY = re.compile(r"\b(?:funded|financed|paid\s+for)\s+by\s+(?:the\s+)?(?:(?:Government|government|"
                      r"people)\s+of\s+(?:the\s+)?)?\Z|\b(?:funding|funds|grant|contribution|financing)\s+(?:of|from)\s+"
                      r"(?:the\s+)?(?:(?:Government|government|people)\s+of\s+(?:the\s+)?)?\Z")
_PAID_BY_DEMONYM = re.compile(r"\s+(?:grant|funding|funds|contribution|money|financing)\b")


def _funds_agencies(text: str, actors: list[Actor], main: Actor | None) -> bool:
    """Does the article say its main state pays ('with the funding of the Government of Japan')?"""
    if main is None or main.kind not in _STATE_KINDS:
        return False
    return any(a.code == main.code and (_PAID_BY.search(text, max(0, a.start - 60), a.start)
                                        or a.kind == "demonym" and _PAID_BY_DEMONYM.match(text, a.end)) for a in actors)


def _agency_delivers(ctx: _Context, donor: Actor, text: str) -> Actor:
    """'Through this grant, UNHCR will provide items', 'Under the new agreement UNDP plans to procure:': the agency
    delivers what the article's state pays for."""
    if donor.code == "UN" and ctx.main_donor is not None and ctx.main_donor.kind in _STATE_KINDS \
            and (ctx.funds_agencies or _FUNDED_BY_GRANT.search(text)):
        return ctx.main_donor
    return donor


def _purpose_of_money(service: ItemMention, money_spans, tokens, triggers) -> bool:
    """'15.8 billion yen in grant aid for mine clearance': the service is what the money is for."""
    if service.from_verb:
        return False
    before = [e for s, e in money_spans if e <= service.start]
    if not before:
        return False
    verbs = [t for t in triggers if before[-1] <= tokens[t.index].start < service.start and t.role == "provide"
             # the sum's own passive verb: "1.3 billion yen is to be contributed to UNICEF for the repair of houses"
             and not (t.index and (tokens[t.index - 1].lower in _BE and tokens[t.index].lower.endswith(("ed", "en"))
                                   or tokens[t.index].text[:1].isupper()))]  # (a name's "Fund" is no verb)
    return not verbs


def _overlaps(item: ItemMention, taken) -> bool:
    return any(s < item.end and item.start < e for s, e in taken)


def _other_states_service(ctx: _Context, item: ItemMention) -> Actor | None:
    """'support for Poland's hosting of Ukrainian refugees': the service is the other state's; the aid is to it."""
    owner = _actor_at(ctx, item.start)
    if owner is None or not ctx.text.startswith(("'s ", "’s "), owner.end):
        owner = _possessor_before(ctx, item.start, _POSSESSIVE_BEFORE, ("country", "capital"))
    return _other_state(owner)


def _item_record(ctx, sentence, tokens, actors, triggers, item: ItemMention) -> Commitment | None:
    index = _token_at(tokens, item.start) + (1 if item.from_verb else 0)  # a service verb is its own frame
    frame = frame_for(tokens, triggers, index, sentence.titleish)
    if frame is None or frame.inner is None:
        return ctx.note(item.start, item.end, "dropped", "no provide verb governs it")
    verb_end = tokens[frame.inner.index].end
    if verb_end <= item.start and _HOSTILE.search(ctx.text[verb_end:item.start]):
        return ctx.note(item.start, item.end, "dropped", "a hostile act, not a delivery")
    if item.kind == "in_kind" and _blocked(ctx, sentence, item.start, item.end, triggers, tokens, look_after=False):
        return ctx.note(item.start, item.end, "dropped", "bought, ordered or contracted, not given")
    if item.kind == "in_kind" and _bought(ctx.text, sentence, item):
        return ctx.note(item.start, item.end, "dropped", "bought for the buyer's own forces")
    if _cancelled(tokens, frame, index) or _blocked_item(sentence, item):
        return ctx.note(item.start, item.end, "dropped", "negated, discussed or about sanctions/losses")
    # services are vaguer than figures: their donor must be named in the sentence or its paragraph
    donor = _donor(ctx, sentence, actors, frame, tokens, item.start, item.end, fallback=item.kind == "in_kind")
    if donor is None:
        return ctx.note(item.start, item.end, "dropped", "no donor named in the sentence or paragraph")
    if item.kind == "service" and (host := _other_states_service(ctx, item)) is not None and host.code != donor.code:
        return ctx.note(item.start, item.end, "dropped", f"another state's own service ({host.code}'s), the aid is to it")
    donor = _agency_delivers(ctx, donor, sentence.text)
    clause = sentence.text
    # the item's clause runs from the last clause break before its frame: "Berlin has already delivered 1,000
    # weapons" keeps "already"; in "... previously allocated, as well as ... 100 trucks" it belongs to another figure
    verb = tokens[frame.outer.index].start if frame.outer else item.start
    lo = max([e for _, e in ctx.figures or [] if e <= verb] + [sentence.start])
    cuts = list(_CLAUSE_CUT.finditer(ctx.text, lo, verb))
    clause_start = cuts[-1].end() if cuts else lo
    scope = attrs.scope_for(sentence, (clause_start, sentence.end), item.start, item.end, False, False)
    if frame.inner.role == "part" and scope == "new":
        scope = "part_of"
    aid_type = item.aid_type or (attrs.aid_type_for(clause) if item.kind == "service" else None)
    kind = Kind.IN_KIND if item.kind == "in_kind" else Kind.SERVICE
    status = frame.status or ctx.last_status or "announced"
    if kind is Kind.SERVICE and _ongoing(tokens, frame.inner.index):
        status = "delivered"  # "Poland is hosting refugees", "Danish specialists advise": being given now
    return _commitment(
        ctx, sentence, kind, donor, actors, frame, status, scope, clause,
        item.start, item.end, clause_from=clause_start if kind is Kind.IN_KIND else None,
        quantity=item.quantity, item=item.item, aid_type=aid_type, sector_hint=item.sector,
    )


_BACK_REFERENCE = re.compile(r"(?:these|those|such|the same|both)\b", re.I)  # "supplying these tanks"
_PAID_FOR = re.compile(r"\b(?:financ\w*|fund\w*|paid|pays?|paying|grant\w*|loan\w*)", re.I)
_FOR_UKRAINE = re.compile(r"\b(?:for|to)\s+(?:Ukraine|Kyiv|the Ukrainian)|on (?:Ukraine's|Kyiv's) behalf|"
                          r"\b(?:donate|donated|give|gift|hand over|transfer)\b", re.I)


@lru_cache(maxsize=1)
def _buy_before() -> re.Pattern:
    verbs = load("triggers")["purchase_verbs"]
    return re.compile(starts(verbs, fold=True) + r"\b" + alternation(verbs, fold=True) + r"\s+(?:[\w-]+\s+){0,2}$",
                      re.I)


def _bought(text: str, sentence: Sentence, item: ItemMention) -> bool:
    """'a deal to buy 250 Abrams tanks from the United States': a purchase for the buyer's own forces,
    unless the sentence says the goods are for Ukraine ('bought on Ukraine's behalf', 'to donate')."""
    buy = _buy_before().search(text, max(sentence.start, item.start - 40), item.start)
    if not buy:
        return False
    # "financed the purchase of 50 transformers", "£1.6bn of export finance to buy": someone pays for Ukraine
    paid = _PAID_FOR.search(text, max(sentence.start, buy.start() - 60), buy.start())
    return not (paid or _FOR_UKRAINE.search(sentence.text))


_ADVERBS = {"already", "also", "currently", "now", "still", "successfully", "actively"}


def _ongoing(tokens: list[Token], index: int) -> bool:
    """Is the verb at `index` in the present, as an ongoing activity: 'is hosting', 'has been teaching',
    'continue to train', 'advises'? (For money, 'is providing' announces; for services it is delivery.)"""
    word = tokens[index].lower
    before = [t.lower for t in tokens[max(0, index - 4):index] if t.lower not in _ADVERBS]
    if word.endswith("ing") and before and before[-1] in ("is", "are", "am", "been"):
        return True
    if before[-2:] in (["continue", "to"], ["continues", "to"], ["continuing", "to"]):
        return True
    return word.endswith("s") and not word.endswith("ss") and (not before or before[-1] not in FUTURE_WORDS)


def _blocked_item(sentence: Sentence, item: ItemMention) -> bool:
    near = sentence.text[max(0, item.start - sentence.start - 30):item.end - sentence.start + 30]
    return bool(re.search(r"\b(?:sanctions?|killed|casualties|destroyed|losses)\b", near, re.I))


# ---------------------------------------------------------------- assembly


def _commitment(ctx, sentence, kind, donor: Actor, actors, frame, status, scope, clause, start, end,
                sector_hint=None, aid_type=None, clause_from=None, **fields) -> Commitment:
    """One record; `clause_from` (goods) starts its evidence at the clause of its verb."""
    recipient = attrs.recipient_for(sentence, actors, donor.code, ctx.default_recipient,
                                    _explicit_recipient(ctx, sentence, actors, end))
    ev_start, ev_end = _clause_span(ctx, sentence, start, end)
    if clause_from is not None:  # "... ruled out sending arms and has instead sent helmets, but ...": that clause
        ev_start = max(ev_start, clause_from) if clause_from <= start else ev_start
        contrast = _CONTRAST_AFTER.search(ctx.text, end, ev_end)
        ev_end = contrast.start() if contrast else ev_end
    channel = attrs.channel_for(sentence, actors, donor, (ev_start, ev_end), start, end)
    announced_by = next((a.name for a in actors if a.kind == "official" and a.code == donor.code), None)
    date = _commitment_date(ctx, sentence, start, scope, (ev_start, ev_end))
    if scope == "new" and _long_before(date, ctx.published):
        scope = "previous"  # "Germany pledged €500m in March 2022" in a 2024 article is a recap
    evidence = Evidence(ctx.doc_id, ev_start, ev_end, ctx.original[ev_start:ev_end], start, end)
    status = _stage_for_kind(kind, status)
    return Commitment(
        kind=kind, donor=donor.code, recipient=recipient, status=Status(status), scope=Scope(scope),
        evidence=evidence, aid_type=AidType(aid_type) if aid_type else None,
        sector=sector_hint or attrs.sector_for(clause), channel=channel, date=date, announced_by=announced_by,
        donor_detail=donor.detail, qualifier=Qualifier(fields.pop("qualifier")) if "qualifier" in fields else None,
        **fields,
    )


def _explicit_recipient(ctx: _Context, sentence: Sentence, actors, end: int) -> str | None:
    """attrs.explicit_recipient, once per figure: the several-recipients test and the record both ask."""
    if end not in ctx.recipients:
        ctx.recipients[end] = attrs.explicit_recipient(sentence, actors, end)
    return ctx.recipients[end]


def _stage_for_kind(kind: Kind, status: str) -> str:
    """Money is disbursed, goods are delivered: 'Japan has provided $1bn' and '... 30 generators' differ."""
    if kind is Kind.MONEY and status == "delivered":
        return "disbursed"
    if kind is Kind.IN_KIND and status == "disbursed":
        return "delivered"
    return status


# where a clause that may say the opposite begins: "..., but stressed that it does not plan to send weapons",
# "..., and Kishida again ruled out sending weapons"
_CONTRAST_AFTER = re.compile(r",?\s(?:but|while|whereas|although|though|yet|however)\s|;\s|,\s(?:and\s)?"
                             r"(?=(?:[A-Z][a-z]+\s+(?:[A-Z][a-z]+\s+)?(?:on\s\w+\s)?(?:again\s|also\s|has\s|have\s|had\s|"
                             r"is\s|was\s|said|says|stressed|ruled|insisted)|(?:he|she|it|they|we)\s))")
_CLAUSE_CUT = re.compile(r",\s|;\s|\s(?:and|while|whereas|but)\s|\s[—–-]\s")


# (the digit first, then the look back over it: a pattern that starts with a set is scanned faster)
_PERCENT = re.compile(r"\d(?<![\w.]\d)\d*(?:[.,]\d+)?\s?(?:%|percent\b|per cent\b)")


def _clause_span(ctx: _Context, sentence: Sentence, start: int, end: int) -> tuple[int, int]:
    """The evidence: the sentence, cut short of the neighbouring figures' clauses.

    "... $61 billion for Ukraine, $14 billion for Israel ..." gives each figure its own clause, so the
    evidence of one commitment never covers another figure (or a trap next to it).
    """
    # a share ("more than 1.3 percent of GDP") is a figure of its own: an analyst's trap as often as not; found
    # once per sentence, shared by its records
    if ctx.shares_of[0] != sentence.start:
        ctx.shares_of = (sentence.start, [(sentence.start + m.start(), sentence.start + m.end())
                                          for m in _PERCENT.finditer(sentence.text)])
    figures = sorted((ctx.figures or []) + ctx.shares_of[1])
    before = [e for s, e in figures if e <= start]
    after = [s for s, e in figures if s >= end]
    ev_start, ev_end = sentence.start, sentence.end
    if before:
        gap = ctx.text[before[-1]:start]
        cut = _CLAUSE_CUT.search(gap)
        ev_start = before[-1] + (cut.end() if cut else len(gap))
    if after:
        gap = ctx.text[end:after[0]]
        cuts = list(_CLAUSE_CUT.finditer(gap))
        ev_end = end + (cuts[-1].start() if cuts else len(gap))
    return ev_start, max(ev_end, end)


def _long_before(date: str | None, published: str | None, days: int = 75) -> bool:
    """Is a commitment's own date well before the article (a recap, not today's news)?"""
    if not date or not published or date == published:
        return False
    from aidledger.reconcile.core import _days  # one date arithmetic for the whole package

    return _days(published, date) > days + (15 if len(date) == 7 else 180 if len(date) == 4 else 0)


_SINCE = re.compile(r"\bsince\b[^,.;]{0,40}$", re.I)


def _commitment_date(ctx: _Context, sentence: Sentence, target: int, scope: str,
                     clause: tuple[int, int] | None = None) -> str | None:
    """The date expression nearest the figure in its clause, else the publication date for current news.

    Dates inside 'since ...' phrases say where a running total starts, not when anything was committed.
    """
    lo, hi = clause or (sentence.start, sentence.end)
    if ctx.dates_of[0] != sentence.start:  # one pass of the date grammar per sentence, shared by its figures
        found = find_dates(sentence.text, ctx.published, sentence.start)
        ctx.dates_of = (sentence.start, [d for d in found if not _SINCE.search(
            ctx.text[max(sentence.start, d.start - 45):d.start])])
    dated = ctx.dates_of[1]
    mentions = [d for d in dated if lo <= d.start and d.end <= hi]
    if not mentions and lo > sentence.start:
        # a clause cut off by an earlier figure keeps the sentence's opening date: "In April, Tokyo raised
        # that support from $100 million to $300 million"
        mentions = [d for d in dated if d.end <= lo][-1:]
    if mentions:
        value = min(mentions, key=lambda d: abs(d.start - target)).value
        # "this year", "in March" of the publication month: the article's own date is the finer one
        if ctx.published and len(value) < 10 and ctx.published.startswith(value):
            return ctx.published
        return value
    if scope == "previous":
        return None
    return ctx.published


def _merge_repeats(found: list[tuple[Commitment, bool]], text: str) -> list[Commitment]:
    """One record per commitment: headline and body repeats become extra evidence of the best mention."""
    groups: list[list[tuple[Commitment, bool]]] = []
    for record, titleish in found:
        for group in groups:
            if _same(group[0][0], record, text) and not _named_otherwise(group, record, text):
                group.append((record, titleish))
                break
        else:
            groups.append([(record, titleish)])
    out = []
    for group in groups:
        body = [r for r, t in group if not t]
        if not body:
            continue  # a figure only in a headline or teaser line is not evidence enough
        best = max(body, key=_informativeness)
        others = tuple(r.evidence for r, _ in group if r is not best)
        out.append(replace(best, extra_evidence=others))
    return out


def _named_otherwise(group: list, record: Commitment, text: str) -> bool:
    """A loan joins no group that holds a grant of the same sum (its first mention may name neither)."""
    own = _own_noun(text, record.evidence) if record.kind is Kind.MONEY else None
    return own is not None and any(_own_noun(text, r.evidence) not in (None, own) for r, _ in group)


def _same(a: Commitment, b: Commitment, text: str) -> bool:
    if a.kind != b.kind or a.donor != b.donor:
        return False
    if a.kind is Kind.MONEY:
        parts = {_ordinal_part(text, a.evidence), _ordinal_part(text, b.evidence)}
        if len(parts - {None}) == 2:
            return False  # "the second tranche of JPY 157.3 bln" and "the third tranche, also JPY 157.3 bln"
        if _one_sentence(text, a.evidence, b.evidence):
            return False  # "NOK 7.5 billion going to military support and NOK 7.5 billion to humanitarian needs"
        if a.evidence.start == b.evidence.start and a.channel != b.channel:
            return False  # "€5m each to UNHCR and WFP": one sentence, two channels, two commitments
        if a.date and b.date and a.date[:7] != b.date[:7] and not (a.scope is b.scope is Scope.CUMULATIVE):
            return False  # the same sum on two dates is two commitments ("€500m in March, €500m in July")
        if _another_batch(text, a.evidence) != _another_batch(text, b.evidence) and any(
                _FIRST_BEFORE.search(text, max(0, e.amount_start - 24), e.amount_start) for e in (a.evidence, b.evidence)):
            return False  # "an additional $100 million" is not "the first $100 million" told before
        if (a.amount_min is None) != (b.amount_min is None):
            return False  # "a further US$ 15-20 million next year" is not "US$ 20 million through WFP"
        if a.instrument and b.instrument and a.instrument != b.instrument:
            return False  # "$100m in grant aid ... in addition to a $100m loan" are two
        pairs = [(a.amount, a.currency), (a.alt_amount, a.alt_currency)]
        return any(x == (b.amount, b.currency) or (b.alt_amount, b.alt_currency) == x for x in pairs if x[0])
    if a.kind is Kind.IN_KIND:
        if _another_batch(text, a.evidence) != _another_batch(text, b.evidence):
            return False  # "would donate two more launchers ... has already sent two launchers"
        return a.quantity == b.quantity and (a.item or "").split()[-1:] == (b.item or "").split()[-1:]
    return a.evidence.start == b.evidence.start and a.item == b.item


# the sum's own noun: "$100 million in loans", "a $100m grant", "$100 million in emergency humanitarian aid"
_OWN_NOUN = re.compile(r"\)?\s+(?:in\s+|of\s+|worth\s+of\s+)?(?:(?:new|fresh|additional|further|emergency|concessional|"
                       r"low-interest|soft|yen|ODA|budget|financial|non-refundable|direct)\s+)*"
                       r"(?:(?P<loan>loans?|credits?|lending)|(?P<grant>grant\s+aid|grants?|humanitarian|donations?))\b", re.I)


def _own_noun(text: str, evidence: Evidence) -> str | None:
    """Is the sum named a loan or a grant by the words right after it?"""
    own = _OWN_NOUN.match(text, evidence.amount_end)
    return None if own is None else own.lastgroup


_FIRST_BEFORE = re.compile(r"\b(?:the|its|a)\s+first\s+\S*\s*\Z", re.I)  # "The first $100 million"
_ANOTHER = re.compile(r"\b(?:more|additional|further|another|extra|new)\b", re.I)
_ORDINAL_PART = re.compile(r"\b(first|second|third|fourth|fifth|sixth|final|last)(?:\s+and\s+(?:final|last))?\s+"
                           r"(?:tranche|instal(?:l)?ment|disbursement|payment|batch)\b", re.I)


def _ordinal_part(text: str, evidence: Evidence) -> str | None:
    """Which numbered part a sum is named as, in the 90 characters before it ('the second tranche ... of')."""
    found = _ORDINAL_PART.findall(text, max(evidence.start, evidence.amount_start - 90), evidence.amount_start)
    return found[-1].lower() if found else None


def _another_batch(text: str, evidence: Evidence) -> bool:
    """Does the goods mention say it adds to earlier ones ('two more', 'an additional 50')?"""
    return bool(_ANOTHER.search(text, evidence.amount_start, evidence.amount_end)) or bool(
        _ANOTHER.search(text, max(0, evidence.amount_start - 14), evidence.amount_start))


def _one_sentence(text: str, a: Evidence, b: Evidence) -> bool:
    """Are two different figures in one sentence (no line break or full stop between them)?"""
    (_, end), (start, _) = sorted([(a.amount_start, a.amount_end), (b.amount_start, b.amount_end)])
    if end > start:
        return False  # the same figure
    gap = text[end:start]
    return "\n" not in gap and not re.search(r"[.!?][\"”’)]?\s", gap)


def _informativeness(r: Commitment) -> tuple:
    filled = sum(v is not None for v in (r.channel, r.aid_type, r.announced_by, r.sector, r.instrument))
    return (r.scope is Scope.NEW, filled, len(r.evidence.sentence))
