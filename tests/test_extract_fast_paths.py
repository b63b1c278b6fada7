"""The extractor's fast paths give exactly what the plain code they stand for gives.

Each speed-up of `aidledger.extract` replaces a simple formulation by a faster one with the same
result; these tests keep the simple one beside it and compare them on text that reaches the edge cases.
"""

from __future__ import annotations

import copy
import re

from aidledger.extract import core, dates
from aidledger.extract.lexicon import alternation, load, starts, whole_words

PLAIN_EDGES = ("Japan\u2019s \u201cpackage\u201d of $1.5\u00a0billion (\uffe55bn, \uff04 2m)\u202fand\u2009"
               "\u3000more \u2018aid\u2019 \u0130stanbul \u017fhip caf\u00e9 \U0001f1fa\U0001f1e6")


def test_plain_is_translate():
    for text in (PLAIN_EDGES, "ascii only: $5m", "", "caf\u00e9 without any mapped character"):
        assert core._plain(text) == text.translate(core._PLAIN)


def _unguarded(branch: str) -> str:
    return re.sub(r"^\(\?=[^)]*\)", "", branch)


def test_date_lookaheads_keep_every_match():
    # the same grammar without the lookaheads before its word boundary and its branches
    plain = re.compile(r"\b(?:" + "|".join(map(_unguarded, dates._BRANCHES)) + ")", re.IGNORECASE)
    text = ("\u017fince 2022, \u0662 March \u0662\u0660\u0662\u0663, \u0131N 2023, on MONDAY, \u0130n 2021, "
            "_in 2020, 13.05.2023, 2022.03.11, 2024-02-20T10:32:00Z, Jan. 7, 21st of March 2023, "
            "mid-June, earlier this month, yesterday, by 2025, LAST WEEK, until July 2024, sept 3, Dec 2023")
    found = [(m.span(), m.groupdict()) for m in dates._DATE.finditer(text)]
    assert len(found) >= 15
    assert found == [(m.span(), m.groupdict()) for m in plain.finditer(text)]


def _first_chars(items) -> tuple[set, bool]:
    """The characters a parsed pattern can start with (samples of each class), and whether it can be empty."""
    out: set = set()
    for op, av in items:
        name = str(op)
        if name == "LITERAL":
            return out | {chr(av)}, False
        if name == "IN":
            for kind, value in av:
                if str(kind) == "LITERAL":
                    out.add(chr(value))
                elif str(kind) == "RANGE":
                    out.update(map(chr, range(value[0], value[1] + 1)))
                elif str(kind) == "CATEGORY" and "DIGIT" in str(value):
                    out.update("09\u0663")
                else:
                    raise AssertionError(f"unexpected class member {kind} {value}")
            return out, False
        if name == "SUBPATTERN":
            first, empty = _first_chars(av[-1])
        elif name == "BRANCH":
            parts = [_first_chars(alt) for alt in av[1]]
            first, empty = set().union(*(f for f, _ in parts)), any(e for _, e in parts)
        elif name in ("MAX_REPEAT", "MIN_REPEAT"):
            first, empty = _first_chars(av[2])
            empty = empty or av[0] == 0
        elif name in ("AT", "ASSERT", "ASSERT_NOT"):
            continue  # zero width
        else:
            raise AssertionError(f"unexpected {name}")
        out |= first
        if not empty:
            return out, False
    return out, True


def test_date_branch_lookaheads_hold_every_first_character():
    from re import _parser

    for branch in dates._BRANCHES:
        guard = re.compile(re.match(r"\(\?=([^)]*)\)", branch).group(1), re.IGNORECASE)
        first, empty = _first_chars(_parser.parse(_unguarded(branch), re.IGNORECASE))
        assert not empty and first, branch
        assert all(guard.fullmatch(ch) for ch in first), (branch, sorted(ch for ch in first if not guard.fullmatch(ch)))



def _variants(forms):
    """Text that holds every form in several cases, glued to letters, and the four non-ASCII letters that
    match an ASCII one case-insensitively."""
    words = [f for f in forms if f][:400]
    return " ".join(w for f in words for w in (f, f.upper(), f.title(), "x" + f, f + "s")) + \
        " \u017fupport \u0130nvest \u0131ntend \u212ailled"


def test_lexicon_lookahead_keeps_every_match():
    data = {**load("triggers"), **load("items"), **load("actors")}
    tables = {name: forms for name, forms in data.items()
              if isinstance(forms, list) and forms and all(isinstance(f, str) for f in forms)}
    assert len(tables) > 10
    for name, forms in tables.items():
        text = _variants(forms)
        fast = re.compile(whole_words(forms), re.I)
        plain = re.compile(r"\b" + alternation(forms, fold=True) + r"\b", re.I)
        assert [m.span() for m in fast.finditer(text)] == [m.span() for m in plain.finditer(text)], name
        fast = re.compile(starts(forms) + alternation(forms))
        plain = re.compile(alternation(forms))
        assert [m.span() for m in fast.finditer(text)] == [m.span() for m in plain.finditer(text)], name


def test_glued_currency_code_lookahead():
    flt = core._candidate_filter()
    plain = re.compile(r"\b(?:" + "|".join(sorted(flt.codes)) + r")\d")
    for text in ("EUR1.2bn", "a EUR 5m", "xEUR1", "_USD5", "-USD5", "NOK\u0661", "usd5", "JPY 1"):
        assert bool(flt.glued.search(text)) == bool(plain.search(text)), text


def test_gazetteer_word_scan_yields_every_form():
    from pathlib import Path

    from aidledger.extract import actors

    index = actors._gazetteer()[0]
    lower = [w for w in index.by_first if not w[0].isupper()]
    plain = copy.copy(index)  # every capitalised word, as before the scan skipped those that start no form
    plain._WORD = re.compile(r"(?<![\w-])(?:[A-Z\d]\w*|" + alternation(lower) + r"\b)")
    texts = [p.read_text("utf-8") for p in sorted(Path(__file__).parents[1].glob("corpus/dev/docs/*.txt"))[:40]]
    texts.append("SWITZERLAND: CHF 93m; NATOS, NATO-led, 16th, 100, 10 Downing Street, \u00c9lys\u00e9e, U.S. and "
                 "the Ukraine Security Assistance Initiative; ÉTATS-UNIS, JAPAN'S 2A4 155MM the Hague allies")
    for text in texts:
        assert [m.span() for m in index.finditer(text)] == [m.span() for m in plain.finditer(text)]


def _dev_sentences(limit: int = 40) -> list[str]:
    from pathlib import Path

    from aidledger.extract.text import split_sentences

    texts = [p.read_text("utf-8") for p in sorted(Path(__file__).parents[1].glob("corpus/dev/docs/*.txt"))[:limit]]
    return [s.text for t in texts for s in split_sentences(core._plain(t))]


SENTENCE_EDGES = ("The breakdown is as follows.", "The main items are THE FOLLOWING :", "as follows  .",
                  "as follows.:", "It contains the following", "xas follows.", "The package contains:",
                  "The package contains: ", "\u017fuch as follows", "It gives EUR1.2bn and 50 T-72s",
                  "A EUR-denominated loan of \u0130stanbul \u212aiev EUR 5m", "5EUR1 tanks", "technical cooperation",
                  "Technical Cooperation and demining", "50-billion-euro", "\u20ac5m", "z\u0142 5m", "TRY 5",
                  "all the top ones", "caf\u00e9 de tanks \u2013 \u0663 howitzers", "")


def test_opens_list_reads_the_end_as_the_whole_sentence():
    from aidledger.extract.text import Sentence

    cues = re.search(r"\(\?:([^()]*)\)", core._AS_FOLLOWS.pattern).group(1).split("|")
    assert cues and all(cue[-1] in core._CUE_ENDS and len(cue) <= 40 for cue in cues)  # the window and end test

    for text in _dev_sentences() + list(SENTENCE_EDGES):
        plain = text.rstrip().endswith(":") or bool(core._AS_FOLLOWS.search(text))
        assert core._opens_list(Sentence(0, len(text), text, 0, False)) == plain, text


def test_candidate_filter_lower_cased_words():
    flt = core._candidate_filter()

    def plain(text: str) -> tuple[bool, bool, bool]:
        raw = flt._WORDS.findall(text)
        words = {w.lower() for w in raw}
        if "-" in text:
            words.update(p for w in [w for w in words if "-" in w] for p in w.split("-"))
        money = (bool(flt._SIGNS.search(text)) or not flt.codes.isdisjoint(raw)
                 or not flt.currency.isdisjoint(words) or bool(flt.glued.search(text)))
        goods = not flt.goods.isdisjoint(words)
        services = not flt.services.isdisjoint(words) or any(
            phrase in text.lower() for w in words.intersection(flt.phrases) for phrase in flt.phrases[w])
        return money, goods, services

    for text in _dev_sentences() + list(SENTENCE_EDGES):
        assert flt.search(text) == plain(text), text


def test_words_next_to_a_match_from_a_window():
    for text in ("", "word", "a " * 30 + "Revenue", "x" * 60 + " Revenue " + "y" * 60, "Fund" + " " * 50 + "Revenue",
                 "Revenue" + " " * 50 + "Fund", "\u2009Revenue\u2009Fund", "the Revenue\nAcceleration Project"):
        for pos in range(len(text) + 1):
            assert core._last_word(text, pos) == text[:pos].split()[-1:]
            assert core._first_word(text, pos) == text[pos:].split()[:1]


def test_sentence_end_and_percent_patterns():
    from aidledger.extract import text as text_module

    sent_end = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9•*\-–—])|[.!?]+[\"'”’)\]]*$")
    percent = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)?\s?(?:%|percent\b|per cent\b)")
    lines = _dev_sentences() + ["End.\" Next", "Why?!) (A", "Done...", "x. y", "3.5% and 1,2 per cent, v1.5%, _5%",
                                "a.5 percent .5%", "\u0663\u0663% up", "It ends.]", "U.S. \u2014 Then"]
    for line in lines:
        assert [m.span() for m in text_module._SENT_END.finditer(line)] == [m.span() for m in sent_end.finditer(line)]
        assert [m.span() for m in core._PERCENT.finditer(line)] == [m.span() for m in percent.finditer(line)]


def test_record_replace_is_dataclasses_replace():
    import dataclasses

    from aidledger.records import Commitment, Evidence, Kind, Scope, Status

    record = Commitment(kind=Kind.MONEY, donor="JPN", recipient="UKR", status=Status("announced"),
                        scope=Scope("new"), evidence=Evidence("d", 0, 5, "text", 1, 2), amount=5e6, currency="USD")
    for changes in ({}, {"scope": Scope.PART_OF, "parent_amount": 1e7}, {"extra_evidence": (record.evidence,)}):
        assert repr(core.replace(record, **changes)) == repr(dataclasses.replace(record, **changes))
    try:
        core.replace(record, colour="red")
    except TypeError:
        pass
    else:
        raise AssertionError("an unknown field must be refused")


def test_private_hint_forms_are_the_pattern():
    import itertools

    from aidledger.extract import actors

    parts = ["Foundation", "Inc.", "Inc", "Corp", "Ltd", "private", "crowd", "fund-raising", "fundraising", "fundraiser",
             "charit", "volunteers", "philanthropists", "diaspora", "Tech companies", "technology firms", "giants",
             "pharmaceutical", "Software", "telecoms", "fund", "-", "raising", "ech", "nology", " ", "x"]
    for a, b in itertools.product(parts, repeat=2):
        text = a + b
        assert actors._private_hint(text) == bool(actors._PRIVATE_HINT.search(text)), text
    for text in _dev_sentences():
        assert actors._private_hint(text) == bool(actors._PRIVATE_HINT.search(text)), text

