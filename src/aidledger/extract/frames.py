"""Verb frames: which trigger governs a figure, at which stage, and whether it is negated.

Works on the tokens of one sentence. A figure's frame is found by taking the
nearest trigger to its left (else to its right, for passives such as "$5m was
allocated") and climbing the chain of controlling words to the left while the
current word is an infinitive, a gerund or a complement ("promised to provide",
"announced that Japan was ready to contribute", "the decision to accept").
The outermost word of the chain sets the stage; tense and modality choose
between its future and past reading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from aidledger.extract.lexicon import inflections, load
from aidledger.extract.text import Token

PAST_TO_BE = {"was", "were", "been", "has", "have", "had", "'s", "'ve"}
FUTURE_WORDS = {"will", "would", "shall", "'ll", "to", "going", "could", "may", "might", "can", "should"}
CLAUSE_BREAKS = {";", ":", "•", "—"}
THANK_NOUNS = {"grateful", "gratitude", "thanks", "thankful"}


@dataclass(frozen=True, slots=True)
class Trigger:
    index: int  # token index in the sentence
    lemma: str
    role: str  # provide | control | request | thank | receive | report | noun
    future: str | None
    past: str | None
    width: int = 1  # tokens covered ("set aside" = 2)


@dataclass(frozen=True, slots=True)
class Frame:
    status: str | None
    outer: Trigger | None
    inner: Trigger | None
    tense: str  # future | past | present


@lru_cache(maxsize=1)
def _tables() -> tuple[dict, dict, dict, dict]:
    data = load("triggers")
    single: dict[str, tuple] = {}
    multi: dict[tuple[str, ...], tuple] = {}
    separable: dict[str, tuple[str, tuple]] = {}  # "made" -> ("available", spec of "make available")
    for lemma, entry in data["verbs"].items():
        for form in inflections(lemma, entry):
            spec = (lemma, entry.get("role", "provide"), entry.get("future"), entry.get("past"), form)
            words = tuple(form.split())
            if len(words) == 1:
                single[form] = spec
            else:
                multi[words] = spec
                if entry.get("separable"):
                    separable[words[0]] = (words[1], spec)
    nouns = dict(data["nouns"])
    return single, multi, nouns, separable


@lru_cache(maxsize=1)
def _multi_starts() -> frozenset[str]:
    """First words of the two-word triggers ("set aside"): only these need the pair looked up."""
    return frozenset(words[0] for words in _tables()[1])


@lru_cache(maxsize=None)
def verb_forms(roles: tuple[str, ...] = (), lemmas: tuple[str, ...] = ()) -> frozenset[str]:
    """Inflected one-word forms of the trigger verbs: all of them (a noun phrase never grows over one), or
    those of the given roles ("report": said, told ...) and lemmas."""
    single = _tables()[0]
    if not roles and not lemmas:
        return frozenset(single)
    return frozenset(form for form, (lemma, role, *_) in single.items() if role in roles or lemma in lemmas)


@lru_cache(maxsize=1)
def _trigger_words() -> frozenset[str]:
    """Every word a trigger can start with: a token that is none of them is passed over with one look-up."""
    single, multi, nouns, separable = _tables()
    return frozenset(single) | _multi_starts() | frozenset(nouns) | frozenset(separable)


def find_triggers(tokens: list[Token]) -> list[Trigger]:
    single, multi, nouns, separable = _tables()
    starts = _multi_starts()
    words = _trigger_words()
    out: list[Trigger] = []
    i, n = 0, len(tokens)
    while i < n:
        low = tokens[i].lower
        if low not in words:
            i += 1
            continue
        two = (low, tokens[i + 1].lower) if low in starts and i + 1 < n else None
        if two in multi:
            lemma, role, fut, past, _ = multi[two]
            out.append(Trigger(i, lemma, role, fut, past, 2))
            i += 2
            continue
        if low in separable and _particle_follows(tokens, i, separable[low][0]):
            lemma, role, fut, past, _ = separable[low][1]
            out.append(Trigger(i, lemma, role, fut, past))
        elif low in single:
            lemma, role, fut, past, form = single[low]
            if _is_verb_use(tokens, i, lemma):
                out.append(Trigger(i, lemma, role, fut, past))
        elif low in nouns and _is_noun_frame(tokens, i):
            role = "thank" if low in THANK_NOUNS else "noun"
            out.append(Trigger(i, low, role, nouns[low], nouns[low]))
        i += 1
    return out


def _particle_follows(tokens: list[Token], i: int, particle: str, reach: int = 8) -> bool:
    """Does the verb's second word follow its object within the clause ("make €300 million available")?"""
    for tok in tokens[i + 2:i + 2 + reach]:
        if tok.lower == particle:
            return True
        if tok.text in CLAUSE_BREAKS or tok.text in (",", "."):
            return False
    return False


_NOUN_HEADS = {"aid", "assistance", "package", "packages", "programme", "program", "agreement", "agreements",
               "scheme", "facility", "fund", "funds", "mechanism", "project", "projects", "contract", "framework",
               "pledge", "pledges", "conference", "coalition"}


# words a bare or third-person verb may follow ("to train", "will train", "also trains")
_BEFORE_BARE_VERB = frozenset("to will would can could shall should may might must also and or further then jointly "
                              "help helps helped helping not we they i you he she it who which that still now "
                              "currently already".split())


def _is_verb_use(tokens: list[Token], i: int, lemma: str) -> bool:
    """Rule out noun uses of ambiguous forms ("grant aid", "the aid package's support", "a fund")."""
    nxt = tokens[i + 1].lower if i + 1 < len(tokens) else ""
    if nxt in _NOUN_HEADS and not tokens[i].lower.endswith(("ed", "ing")):
        return False  # a compound noun: "grant aid", "Support Fund", "transfer agreement"
    prev = tokens[i - 1].lower if i else ""
    if i and tokens[i].text[0].isupper() and tokens[i + 1:i + 2] and (
            tokens[i + 1].text[0].isupper() and (prev in ("the", "'s", "s") or tokens[i - 1].text.isupper()
                                                 and len(tokens[i - 1].text) > 1)
            or tokens[i + 1].text == "(" and tokens[i - 1].text[0].isupper()):
        # a programme's name: "the Extended Fund Facility", "IMF Extended Fund Facility", "Children's Fund (UNICEF)"
        return False
    if i > 1 and tokens[i].text[0].isupper() and tokens[i - 1].text[:1].isupper() and tokens[i - 1].text.isalpha() \
            and tokens[i + 1:i + 2] and (tokens[i + 1].text[:1].islower() or tokens[i + 1].text.istitle()):
        # a word inside or at the end of a name in running text: "the Ukraine Energy Support Fund for repairs",
        # "the Multilateral Investment Guarantee Agency"
        return False
    if lemma == "train" and tokens[i].lower in ("train", "trains") and i and tokens[i - 1].text.isalpha() \
            and tokens[i - 1].text.islower() and prev not in _BEFORE_BARE_VERB:
        return False  # "one new diesel train", "the trains": a vehicle ("will train", "Japan trains" stay verbs)
    if lemma == "supply" and prev in _supply_compounds():
        return False  # "the restoration of water supply", "power supply": a utility, not a delivery
    if lemma in ("support", "help", "fund", "aid", "back", "share", "host", "plan", "pledge", "promise",
                 "request", "report", "note", "state", "increase", "boost", "release", "channel", "finance",
                 "grant", "transfer", "ship", "pass", "clear", "offer", "commit", "guarantee", "award", "gift",
                 "budget", "secure", "route", "underwrite", "co-finance"):
        if prev in _modifiers():  # "additional financing", "its funding", "the general fund": a noun; but a
            return tokens[i].lower.endswith("ed") and prev not in ("the", "a", "an")  # participle: "Total committed"
        if prev in ("of", "for", "in", "and", "with"):
            return tokens[i].lower.endswith(("ed", "ing"))  # "for funding ...", "and provided"
    return True


@lru_cache(maxsize=1)
def _supply_compounds() -> frozenset[str]:
    return frozenset(load("triggers")["supply_compounds"])


@lru_cache(maxsize=1)
def _modifiers() -> frozenset[str]:
    """Words before an ambiguous form that make it a noun: determiners, possessives, adjectives of money."""
    return frozenset(load("triggers")["noun_modifiers"])


def _is_noun_frame(tokens: list[Token], i: int) -> bool:
    """Nominal triggers count when they take a complement: "decision to", "plans are in place to", "ready to"."""
    nxt = " ".join(t.lower for t in tokens[i + 1:i + 5])
    return nxt.startswith(("to ", "for ", "of ", "that ", "are in place to", "is in place to", "in place to",
                           "were in place to", "was in place to", "on ")) or tokens[i].lower in (
        "grateful", "gratitude", "thanks")


def frame_for(tokens: list[Token], triggers: list[Trigger], target: int, in_title: bool) -> Frame | None:
    """The frame governing the token at index `target` (a figure or an item)."""
    usable = [t for t in triggers if t.role != "report"]
    left = [t for t in usable if t.index < target and not _crosses_break(tokens, t.index, target)]
    inner = left[-1] if left else None
    if inner is not None and inner.role == "thank":
        right = [t for t in usable if target < t.index <= target + 12 and t.role not in ("thank", "noun")]
        if right:
            return _frame(tokens, right[0], right[0], in_title)
        return Frame("delivered", inner, inner, "past")
    if inner is None:
        right = [t for t in usable if target < t.index <= target + 10]
        if not right:
            return None
        inner = right[0]
        return _frame(tokens, inner, inner, in_title)
    outer = _climb(tokens, left, inner)
    return _frame(tokens, outer, inner, in_title)


def _climb(tokens: list[Token], left: list[Trigger], inner: Trigger) -> Trigger:
    current = inner
    for cand in reversed(left[:-1]):
        if cand.index < current.index - 14:
            break
        if cand.role not in ("control", "noun", "request"):
            continue
        if _is_complement(tokens, cand, current):
            current = cand
    return current


def _is_complement(tokens: list[Token], outer: Trigger, inner: Trigger) -> bool:
    """Is `inner` an infinitive, gerund or that-clause governed by `outer`?"""
    before = tokens[inner.index - 1].lower if inner.index else ""
    word = tokens[inner.index].lower
    between = [t.lower for t in tokens[outer.index + 1:inner.index]]
    if before == "to" or word.endswith("ing"):
        return True
    if "that" in between or any(w in ("will", "would", "was", "is", "were", "had") for w in between):
        return True
    return inner.role == "noun" or len(between) <= 1


def _crosses_break(tokens: list[Token], a: int, b: int) -> bool:
    breaks = [k for k in range(a + 1, b) if tokens[k].text in CLAUSE_BREAKS]
    # a label's colon right before its figure joins them: "Disbursed so far: roughly 268 billion yen"
    if len(breaks) == 1 and tokens[breaks[0]].text == ":" and all(
            t.lower in _qualifier_tokens() for t in tokens[breaks[0] + 1:b]):
        return False
    return bool(breaks)


@lru_cache(maxsize=1)
def _qualifier_tokens() -> frozenset[str]:
    """The words of the money lexicon's qualifiers, token by token ("more", "than"), and "~"."""
    words = {w for q in load("money")["qualifiers"] for w in re.findall(r"\w+|[^\w\s]", q.lower())}
    return frozenset(words | {"~"})


def _frame(tokens: list[Token], outer: Trigger, inner: Trigger, in_title: bool) -> Frame:
    tense = _tense(tokens, outer)
    if outer.role == "part":  # "the package includes ...": the stage is the package's, set by the caller
        return Frame(None, outer, inner, tense)
    if outer.role == "noun":
        return Frame(outer.future or "announced", outer, inner, tense)
    if tense == "past":
        status = outer.past or outer.future
    elif tense == "present" and not in_title and outer.role == "receive":
        status = outer.past
    else:
        status = outer.future or outer.past
    return Frame(status or "announced", outer, inner, tense)


def _tense(tokens: list[Token], trig: Trigger) -> str:
    word = tokens[trig.index].lower
    window = [t.lower for t in tokens[max(0, trig.index - 3):trig.index]]
    if any(w in FUTURE_WORDS for w in window):
        # "has been allocated" / "was set to" read past only with a participle
        if window and window[-1] in PAST_TO_BE and word.endswith(("ed", "en", "id", "nt", "ne", "wn")):
            return "past"
        return "future"
    if word.endswith(("ed", "id")) or word in ("gave", "given", "sent", "lent", "paid", "got", "sought", "set aside",
                                                "agreed", "done", "made", "wrote", "told", "said", "approved"):
        return "past"
    if word.endswith("ing") and window and window[-1] in ("is", "are", "am"):
        return "future"
    return "present"


@lru_cache(maxsize=1)
def _cancel_patterns() -> tuple[re.Pattern, re.Pattern, re.Pattern, re.Pattern]:
    data = load("triggers")

    def words(phrases) -> re.Pattern:
        return re.compile(r"(?<!\S)(?:" + "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
                          + r")(?!\S)")

    return (words(data["negation"]), words(data["negation_exceptions"]), words(data["discussion"]),
            words(data["denials"]))


def is_negated(tokens: list[Token], start: int, end: int) -> bool:
    """A negation, refusal or hedge between `start` and `end` (token indexes), exceptions excepted."""
    negation, exceptions, _, _ = _cancel_patterns()
    text = " ".join(t.lower for t in tokens[max(0, start):end]).replace(" n't", " not").replace("n't", " not")
    return bool(negation.search(exceptions.sub(" ", text)))


def is_discussion(tokens: list[Token], start: int, end: int) -> bool:
    text = _POLITE.sub(" ", " ".join(t.lower for t in tokens[max(0, start):end]))
    return bool(_cancel_patterns()[2].search(text))


# a speaker's courtesy, not a wish: "I would like to announce that Japan will provide"
_POLITE = re.compile(r"would like to (?:announce|inform|report|confirm|say|note|tell|share|express)")


def is_denied(tokens: list[Token], start: int, end: int) -> bool:
    """A denial after the figure: '... €38 million were not confirmed by Dublin'."""
    return bool(_cancel_patterns()[3].search(" ".join(t.lower for t in tokens[max(0, start):end])))
