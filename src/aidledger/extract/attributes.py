"""Attributes of a figure from its sentence: donor, recipient, channel, scope, aid type, sector.

Every function here looks at one sentence (its text, tokens, actors and the
figure's span) and returns one attribute, so each rule can be read and tested alone.
"""

from __future__ import annotations

import re
from functools import lru_cache

from aidledger.extract.actors import Actor
from aidledger.extract.frames import Frame, verb_forms
from aidledger.extract.lexicon import alternation, load, starts, whole_words
from aidledger.extract.money import qualifier_words
from aidledger.extract.text import CLAUSE_BREAK, LIST_ITEM, Sentence, Token, in_closed_relative

NON_DONORS = {"UKR", "RUS", "BLR", "PRK", "IRN"}  # recipients or belligerents, never donors to Ukraine
STATE_CODES = frozenset(c["code"] for c in load("actors")["countries"])  # states, not organisations
FORUMS = frozenset(load("actors")["forums"])  # groups with no money of their own: what they raise is their members'
# Sentinels donor_for returns when the sentence says who acts and it is nobody we can credit:
# many donors at once ("allies have pledged"), or the recipient's own side ("Shmyhal said the government
# adopted ..."). The caller must not fall back to the paragraph's donor then.
MANY_DONORS = Actor(0, 0, "*", "collective", "several donors")
RECIPIENT_SIDE = Actor(0, 0, "-", "recipient", "the recipient itself")
UKRAINE_MARKERS = re.compile(r"\b(?:Ukraine|Ukrainian|Ukrainians|Kyiv|Kiev|Kyiv's|Ukraine's|Zelensk\w*)\b")
_PP_BEFORE = re.compile(
    r"(?:\b(?:to|for|in|with|into|towards|against|on|at|via|through|under|within|alongside|from|of|by|"
    r"between|than|like|unlike|including|after|before)\s+(?:the\s+|a\s+|an\s+)?"
    r"|counterpart\s+)$",
    re.I,
)
_CLAUSE_HEAD = re.compile(r"\s*(?:,|\()\s*(?:which|who|with|that)\b|\s*[:(]\s*[$€£¥A-Z]")
# "before Washington was expected to ...", "after Japan had pledged": a conjunction opens a clause
_SUBORDINATORS = re.compile(r"\b(?:after|before|since|as|while|when|until|once)\s+(?:the\s+)?$", re.I)
# "after EU leaders agreed": the people of a body or state speak for it
_FINITE_AFTER = re.compile(r"(?:\s+(?:leaders|officials|ministers|lawmakers|legislators|governments|negotiators))?"
                           r"\s+(?:was|were|is|are|has|had|have|will|would|could|should|can|may|might|did|does|"
                           r"also|then|itself|said|announced|pledged|agreed|decided|promised)\b")
_CHANNEL = re.compile(
    r"\b(?P<prep>through|via|to|into|under|within|from|channell?ed through|by way of)\s+(?:the\s+|a\s+|an\s+|its\s+)?"
    r"(?P<name>(?:[A-Z][\w'’.-]*\s+|of\s+|for\s+|and\s+|the\s+|on\s+){0,8}?"
    r"(?:[Tt]rust [Ff]und|[Ff]und|[Ff]acility|[Pp]rogramme|[Pp]rogram|[Mm]echanism|[Ii]nitiative|[Pp]latform|"
    r"[Pp]ackage \(CAP\)|Comprehensive Assistance Package|PEACE project|URTF|CAP)"
    r"(?:\s+(?:for|of)\s+(?:[A-Z][\w'’.-]*\s*){1,6})?)"
)


@lru_cache(maxsize=1)
def _scope_patterns() -> dict[str, re.Pattern]:
    scopes = load("triggers")["scope"]
    return {name: re.compile(whole_words(cues), re.I) for name, cues in scopes.items()}


@lru_cache(maxsize=1)
def _keyword_tables() -> tuple:
    """One regex per table; the group that matched names the label, so one search finds the first keyword."""
    items = load("items")

    def compile_table(table: dict) -> tuple[re.Pattern, list[str]]:
        labels = list(table)
        parts = [f"(?P<g{i}>{alternation(words, fold=True)})" for i, words in enumerate(table.values())]
        firsts = starts([w for words in table.values() for w in words], fold=True)
        return re.compile(firsts + r"\b(?:" + "|".join(parts) + ")", re.I), labels

    return compile_table(items["aid_types"]), compile_table(items["sectors"]), compile_table(items["instruments"])


# ---------------------------------------------------------------- donor


def donor_for(sentence: Sentence, actors: list[Actor], frame: Frame | None, tokens: list[Token],
              target_start: int, target_end: int, figures: list | None = None) -> Actor | None:
    """The actor who gives: one named with the sum, else the subject of the governing verb."""
    givers = [a for a in actors if a.code not in NON_DONORS]
    named = _giver_named_with_sum(sentence, givers, frame, tokens, target_start, target_end)
    if named is not None:
        return named
    if frame is not None and frame.inner is not None and frame.inner.role == "receive":
        # "Ukraine received the tranche of the IMF": the giver follows; the subject is the recipient or
        # the channel ("the World Food Programme will receive C$25 million"), never the donor
        verb = tokens[frame.inner.index]
        return _giver_after(sentence, givers, verb.end, target_end + 80) or _source_before_verb(
            sentence, givers, verb.start) or _reporter(sentence, givers, tokens, frame.inner.index)
    return _subject_giver(sentence, actors, givers, frame, tokens, target_start, target_end, figures)


def _giver_named_with_sum(sentence: Sentence, givers: list[Actor], frame: Frame | None, tokens: list[Token],
                          target_start: int, target_end: int) -> Actor | None:
    """A giver the sum itself names: thanked, agent, owner, source ('from Norway'), or many of them."""
    if frame is not None and frame.inner is not None:
        thank = _thank_object(frame, givers, tokens, target_start)
        if thank is not None:
            return thank
    if _many_named_after(sentence, givers, target_end):
        return MANY_DONORS  # "... financed by the United States, Japan, ... and other partners"
    agent = _bracketed_share(sentence, givers, target_start, target_end) or _nominal_agent(
        sentence, givers, target_start) \
        or _lender_not_guarantor(sentence, givers, target_start, target_end) or _possessor(
        sentence, givers, target_start) \
        or _noun_source(sentence, givers, target_start) \
        or _relative_giver(sentence, givers, tokens, target_end) or _giver_as_modifier(sentence, givers, target_end)
    if agent is not None:
        return agent
    if _many_sources(sentence, target_start, target_end, frame, tokens) or _SHARED_PACKAGE.match(sentence.text,
            target_end - sentence.start) or _JOINT_BEFORE.search(sentence.text, max(0, target_start - sentence.start - 60),
                                                                  target_start - sentence.start):
        return MANY_DONORS  # "received USD 2.9 billion from international partners"
    source = source_after(sentence, givers, target_end) or source_before(sentence, givers, target_start) \
        or source_opening(sentence, givers)
    if source is not None:
        return source  # "a EUR 50 million guarantee from the United States": the giver is named with the sum
    owner = _possessor(sentence, givers, target_start, "vehicle")
    if owner is not None and not any(a.end <= owner.start for a in givers):
        return owner  # (not "Japan contributed to the World Bank's PEACE Project of ...": Japan gives)
    if _MOBILIZED.search(sentence.text, max(0, target_start - sentence.start - 90), target_start - sentence.start) \
            and not _REVIEW_UNLOCKS.search(sentence.text, 0, target_start - sentence.start) \
            or _FUND_RECEIVED.search(sentence.text, max(0, target_start - sentence.start - 90), target_start - sentence.start):
        return MANY_DONORS  # "the World Bank has mobilized $46 billion": raised from many givers, none named
    return None


def _subject_giver(sentence: Sentence, actors: list[Actor], givers: list[Actor], frame: Frame | None,
                   tokens: list[Token], target_start: int, target_end: int, figures: list | None) -> Actor | None:
    """The subject of the verb that governs the sum, or many givers, or the recipient's own side."""
    anchor = target_start
    if frame is not None and frame.outer is not None:
        verb = tokens[frame.inner.index].start
        # a figure between the verb and ours means the verb belongs to an earlier clause
        if not any(verb < s < target_start for s, _ in figures or []):
            anchor = min(anchor, verb)
    if _collective_subject(sentence, givers, anchor) or _listed_subjects(sentence, givers, anchor) \
            or _THEY_JOINTLY.search(sentence.text, 0, anchor - sentence.start) \
            or _EVENT_TOTAL.search(sentence.text, 0, anchor - sentence.start) \
            or _MANY_AGREEMENTS.search(sentence.text, 0, target_start - sentence.start):
        return MANY_DONORS  # "donors have provided", "allies intend to": a total of many donors, no single one
    # a recipient-side official or body as subject ("Shmyhal said the government adopted ..."), or the
    # country itself right before the verb ("Ukraine itself has set aside ...")
    subject = _nearest_subject(sentence, [a for a in actors if (a.kind in ("official", "body")
                                          or a.code not in NON_DONORS or _right_before(sentence, a, anchor))
                                          and not (a.code in NON_DONORS and (_object_of_participle(sentence, a)
                                                                             or _after_preposition(sentence, a)))
                                          and not _met_object(sentence, a) and not _partner_of(sentence, a)],
                              anchor)
    if subject is not None and subject.code in NON_DONORS:
        partner = _coordinated_giver(sentence, givers, subject)
        return partner if partner is not None else RECIPIENT_SIDE
    if subject is not None and subject.code == "UN":  # "Japan and UNDP signed an agreement on a project of ...":
        partner = _coordinated_giver(sentence, [a for a in givers if a.kind in ("country", "capital", "demonym")],
                                     subject)  # the state pays, the agency delivers
        subject = partner or subject
    if subject is None and frame is not None and frame.outer is not None:
        subject = _nearest_subject(sentence, givers, tokens[frame.outer.index].start)
    if subject is not None:
        return subject
    if _nearest_subject(sentence, [a for a in actors if a.code in _BELLIGERENTS], anchor) is not None:
        return RECIPIENT_SIDE  # "Russia's defense spending is set to rise to 10.8 trillion roubles": nobody's aid
    return source_after(sentence, givers, target_end, tight=False)


_BELLIGERENTS = NON_DONORS - {"UKR"}
_PARTICIPLE_BEFORE = re.compile(r"\b[a-z]+(?:ing|ed)\s+(?:the\s+|its\s+|their\s+|more\s+)?$")


# the object of a verb of meeting: "Biden met Zelenskyy and announced", "Kishida visited Poland, where he pledged"
_MET_OBJECT = (r"\b(?:met|meets|meeting|told|tells|hosted|hosts|hosting|visited|visits|visiting|called|phoned|"
               r"thanked|welcomed|greeted|received|assured)\s+(?:with\s+)?(?:[A-Z][\w.-]*\s+){0,3}$")
_MET_BEFORE = re.compile(_MET_OBJECT)
_PREPOSITION_BEFORE = re.compile(r"\b(?:of|by|from|against|with|on|in|for|to|at)\s+(?:the\s+)?(?:(?:\d[\d,]*|some|about|"
                                 r"around|more than|over)\s+)?$|\b\d[\d,]*\s+$"  # "will train 60 Ukrainian engineers"
                                 r"|" + _MET_OBJECT)


def _after_preposition(sentence: Sentence, actor: Actor) -> bool:
    """'Japan since the start of full-scale aggression of Russia has provided': inside a phrase, no subject."""
    return bool(_PREPOSITION_BEFORE.search(sentence.text, max(0, actor.start - sentence.start - 40),
                                           actor.start - sentence.start))


def _met_object(sentence: Sentence, actor: Actor) -> bool:
    """A place visited or a person met is no subject: 'Kishida visited Poland, where he pledged'."""
    return bool(_MET_BEFORE.search(sentence.text, max(0, actor.start - sentence.start - 40), actor.start - sentence.start)) \
        and not _WHO_AFTER.match(sentence.text, actor.end - sentence.start)  # "welcomed Kishida, who pledged"


# the other party of an agreement is no subject: "Japan has signed an agreement with UNDP to provide US$30 million"
_PARTNER_BEFORE = re.compile(r"\b(?:agreements?|accords?|memorand\w+|contracts?|arrangements?|partnership|signed|"
                             r"concluded|notes|letters?)\s+with\s+(?:the\s+)?"
                             # (and its short name in brackets after the full one: "with the World Food Programme (WFP)")
                             r"(?:[A-Z][\w'’.-]*\s+(?:(?:for|of|and|on)\s+(?:the\s+)?)?){0,8}\(?$")


def _partner_of(sentence: Sentence, actor: Actor) -> bool:
    return bool(_PARTNER_BEFORE.search(sentence.text, max(0, actor.start - sentence.start - 100), actor.start - sentence.start))


_WHO_AFTER = re.compile(r",?\s+(?:who|which|that)\b")


def _object_of_participle(sentence: Sentence, actor: Actor) -> bool:
    """'... its personnel training Ukrainian soldiers, and will contribute NZ$4 million': an object, no subject."""
    return bool(_PARTICIPLE_BEFORE.search(sentence.text, max(0, actor.start - sentence.start - 30),
                                          actor.start - sentence.start))


_AUXILIARIES = {"itself", "has", "have", "had", "will", "would", "is", "was", "also", "already", "now", "been",
                "has been", "just", "so", "far", "then", "alone"}


def _right_before(sentence: Sentence, actor: Actor, anchor: int) -> bool:
    """Is the actor the subject right before the verb, with at most auxiliaries between ('Ukraine itself has')?"""
    gap = sentence.text[actor.end - sentence.start:anchor - sentence.start]
    if not gap.startswith((" ", "'")) or re.match(r"\s+[A-Z]", gap):
        return False  # "Ukraine Facility", "Ukraine Fund": part of a name
    return all(w.lower() in _AUXILIARIES for w in gap.split())


def _coordinated_giver(sentence: Sentence, givers: list[Actor], subject: Actor) -> Actor | None:
    """'Kamikawa ... and Kuleba signed and exchanged notes': the donor coordinated with the recipient's side."""
    before = [a for a in givers if a.end <= subject.start]
    for a in reversed(before):
        gap = sentence.text[a.end - sentence.start:subject.start - sentence.start]
        if re.search(r"\b(?:and|with|together with)\b", gap) and len(gap) < 120:
            return a
    return None


def _giver_after(sentence: Sentence, givers: list[Actor], start: int, end: int) -> Actor | None:
    """The giver named after a receive verb: 'received $1bn from Japan', 'the tranche of the IMF'."""
    for a in givers:
        if start <= a.start < end:
            before = sentence.text[max(0, a.start - sentence.start - 30):a.start - sentence.start]
            if _AMONG_FROM.search(before):
                return MANY_DONORS  # "received $3.1bn of external financing, including from the EU ...": many
            if re.search(r"\b(?:from|of|by)\s+(?:the\s+)?$", before):
                return a
    return None


def _source_before_verb(sentence: Sentence, givers: list[Actor], verb: int) -> Actor | None:
    """The giver fronted before a receive verb, as translated releases put it: 'In total, from Japan within ERA
    already received JPY 311.9 bln'."""
    for a in reversed(givers):
        if verb - 60 <= a.end <= verb and re.search(r"\bfrom\s+(?:the\s+)?$", sentence.text[:a.start - sentence.start]):
            return a
    return None


_AMONG_FROM = re.compile(r"\b(?:including|in particular|notably|among others|among them|mainly|mostly)\s+from\s+"
                         r"(?:the\s+)?$")


def _thank_object(frame: Frame, givers: list[Actor], tokens: list[Token], target: int) -> Actor | None:
    """The recipient thanks or asks; the giver is the object: 'thanked Japan for', 'asked Tokyo for'."""
    for trig in (frame.outer, frame.inner):
        if trig is None or trig.lemma not in ("thank", "grateful", "gratitude", "thanks") and trig.role != "request":
            continue
        after = [a for a in givers if tokens[trig.index].end <= a.start < target]
        if after:
            return after[0]
    # thanks frames elsewhere in the sentence ("grateful to Japan for the $7.6 billion ...")
    return None


def thank_donor(sentence: Sentence, actors: list[Actor], target: int) -> Actor | None:
    m = re.search(r"\b(?:thank\w*|grateful|gratitude)\b", sentence.text[: target - sentence.start], re.I)
    if not m:
        return None
    pos = sentence.start + m.end()
    after = [a for a in actors if a.code not in NON_DONORS and pos <= a.start < target]
    return after[0] if after else None


_PASSIVE_BY = re.compile(r"[^.;]{0,60}?\b(?:provided|given|pledged|allocated|granted|donated|sent|supplied|financed|"
                         r"funded|offered|disbursed|delivered|approved|committed|contributed|announced|guaranteed|"
                         r"backed|underwritten|covered|agreed|signed|made available|paid|promised|transferred|"
                         r"extended|earmarked|unveiled|appropriated|budgeted|lent)\s+(?:\w+\s+){0,3}?by\s+(?:the\s+)?")


# the head of a named aid vehicle ("Ukraine Facility", "Energy Support Fund", "Security Assistance Initiative")
VEHICLE_HEADS = alternation(load("triggers")["vehicle_heads"])


@lru_cache(maxsize=1)
def _sum_patterns() -> dict[str, re.Pattern]:
    """The patterns that find a giver named with the sum, all built on one list of sum nouns (triggers.yaml)."""
    noun = r"(?:" + "|".join(sorted(load("triggers")["sum_nouns"], key=len, reverse=True)) + r")s?"
    return {
        # the possessor of the sum or of its noun: "the EU's €50 billion Ukraine Facility",
        # "New Zealand's earlier contribution of $4 million"
        "possessed": re.compile(r"'s?\s+(?:(?:new|additional|latest|first|second|third|fresh|planned|own)\s+)?$"
                                rf"|'s?\s+(?:[a-z-]+\s+){{0,3}}?{noun}\s+(?:of|worth|totalling|totaling)\s+"
                                rf"(?:{qualifier_words()}\s+)?$"),
        # a named vehicle of the possessor: "the EU's Ukraine Facility of up to EUR 50 billion"
        "vehicle": re.compile(rf"'s?\s+(?:[A-Z][\w-]*\s+){{1,4}}{VEHICLE_HEADS}\s+(?:of|worth|totalling|totaling)\s+"
                              rf"(?:{qualifier_words()}\s+)?$"),
        # the subject of a reduced relative clause: "the ¥740bn ($5.5bn) package Tokyo pledged"
        "relative": re.compile(rf"\)?\s+(?:[a-z-]+\s+){{0,2}}?{noun}\s+(?:that\s+|which\s+)?(?:the\s+)?$"),
        # the giver as the kind of money: "€100 million in EU grants"
        "modified": re.compile(rf"\s+(?:[a-z-]+\s+)?{noun}\b"),
        # the source of the sum's noun, before the sum: "a guarantee from Norway worth NOK 1.5 billion"
        "sourced_noun": re.compile(rf"\b{noun}\s+(?:from|of)\s+(?:the\s+)?{_STATE_OF}$"),  # "grant aid of Japan of"
        "sourced_sum": re.compile(r"\s+(?:worth|of|totalling|totaling|amounting to|valued at)\s+"
                                  rf"(?:{qualifier_words()}\s+)?"),
        # "US$ 300 mln — concessional loan of the Republic of Korea"
        "of_giver": re.compile(rf"\)?\s*[—–-]?\s*(?:(?!(?:for|to|with|in|on)\b)[\w-]+\s+){{0,3}}?{noun}\s+(?:of|by)\s+"
                               r"(?:the\s+)?"),
    }


# a giver's share given in brackets after its name: "the United States (USD 20 billion), the European Union
# (EUR 18.1 billion), Canada (CAD 5 billion)"
_OPEN_BRACKET = re.compile(r"\s*\(\s*(?:" + qualifier_words() + r"\s*)?")
_CLOSE_BRACKET = re.compile(r"\s*\)")


def _bracketed_share(sentence: Sentence, givers: list[Actor], target_start: int, target_end: int) -> Actor | None:
    if not _CLOSE_BRACKET.match(sentence.text, target_end - sentence.start):
        return None
    return next((a for a in givers if a.end < target_start and _OPEN_BRACKET.fullmatch(
        sentence.text, a.end - sentence.start, target_start - sentence.start)), None)


# the agent of a noun of giving, then what it gives: "the adoption by the European Union of the €50 billion
# Ukraine Facility", "the approval by the United States Congress in April of a bill that includes US$7.8 billion"
_NOMINAL_BY = re.compile(r"\b" + alternation(load("triggers")["giving_nouns"], fold=True) + r"\s+by\s+(?:the\s+)?$", re.I)
_NOMINAL_OBJECT = re.compile(r"[^.;:()]{0,30}?\bof\b[^.;:]{0,100}")


def _nominal_agent(sentence: Sentence, givers: list[Actor], target_start: int) -> Actor | None:
    before = [a for a in givers if a.end < target_start]
    last = before[-1] if before else None  # no other giver between the agent and the sum
    if last is None:
        return None
    lo, rel, end = max(0, last.start - sentence.start - 40), last.start - sentence.start, last.end - sentence.start
    if _NOMINAL_BY.search(sentence.text, lo, rel):
        return last if _NOMINAL_OBJECT.fullmatch(sentence.text, end, target_start - sentence.start) else None
    # "guarantees provided by Japan for World Bank lending since 2023 total US$3.9 billion" (other names may stand
    # between the agent and the total)
    return next((a for a in reversed(before) if _GIVEN_BY.search(
        sentence.text, max(0, a.start - sentence.start - 40), a.start - sentence.start) and _TOTAL_BEFORE_SUM.fullmatch(
        sentence.text, a.end - sentence.start, target_start - sentence.start)), None)


_GIVEN_BY = re.compile(r"\b(?:guarantees?|loans?|grants?|funds|funding|aid|assistance|support|contributions?|"
                       r"disbursements?)\s+(?:provided|extended|granted|given|pledged|committed|offered|issued|"
                       r"disbursed)\s+by\s+(?:the\s+)?$", re.I)
_TOTAL_BEFORE_SUM = re.compile(rf"[^.;:()]{{0,80}}?\b(?:total|totals|totalled|totaled|amount to|amounts to|amounted to|"
                               rf"reach|reached|reaches|stand at|stood at|exceed|exceeded|exceeds|come to|came to)\s+"
                               rf"(?:{qualifier_words()}\s+)?")


def _possessor(sentence: Sentence, givers: list[Actor], target_start: int, pattern: str = "possessed") -> Actor | None:
    for a in givers:
        if a.end < target_start and _sum_patterns()[pattern].fullmatch(sentence.text, a.end - sentence.start,
                                                                       target_start - sentence.start):
            return a
    return None


def _noun_source(sentence: Sentence, givers: list[Actor], target_start: int) -> Actor | None:
    """'a guarantee from Norway worth NOK 1.5 billion': the source of the sum's noun, named before the sum."""
    patterns, rel = _sum_patterns(), target_start - sentence.start
    for a in givers:
        if a.end < target_start and patterns["sourced_sum"].fullmatch(sentence.text, a.end - sentence.start, rel) \
                and patterns["sourced_noun"].search(sentence.text, max(0, a.start - sentence.start - 60),
                                                    a.start - sentence.start):
            return a
    return None


def _relative_giver(sentence: Sentence, givers: list[Actor], tokens: list[Token], target_end: int) -> Actor | None:
    """'the ¥740bn ($5.5bn) package Tokyo pledged in 2023': the subject of the relative clause gives it."""
    for a in givers:
        if a.start <= target_end or not _sum_patterns()["relative"].fullmatch(
                sentence.text, target_end - sentence.start, a.start - sentence.start):
            continue
        nxt = re.match(r"\s+(?:had\s+|has\s+|have\s+)?(\w+)", sentence.text[a.end - sentence.start:])
        verb = nxt.group(1).lower() if nxt else ""
        return a if verb in verb_forms(roles=("provide", "control")) or verb in _WISH_VERBS else None
    return None


_WISH_VERBS = {"wants", "want", "wanted", "hopes", "hoped"}  # "a €50bn facility that the Commission wants to use"
_MODIFIER_BEFORE = re.compile(r"\)?\s+(?:(?:in|of)\s+(?:new\s+|additional\s+|further\s+)?)?$")


def _giver_as_modifier(sentence: Sentence, givers: list[Actor], target_end: int) -> Actor | None:
    """'€100 million in EU grants', 'a €250 million EU guarantee': the giver names the kind of money.

    Not the lending banks: in 'guarantee a $500 million World Bank loan' the bank lends what the subject backs."""
    for a in givers:
        if a.code not in load("actors")["lending_banks"] and 0 <= a.start - target_end < 25 \
                and a.kind in ("org", "country", "demonym") \
                and _MODIFIER_BEFORE.fullmatch(sentence.text, target_end - sentence.start, a.start - sentence.start) \
                and _sum_patterns()["modified"].match(sentence.text, a.end - sentence.start):
            return a
    return None


def _reporter(sentence: Sentence, givers: list[Actor], tokens: list[Token], verb: int) -> Actor | None:
    """'Germany's defence ministry said two more systems had arrived': the giver's side reports the delivery."""
    reporting = verb_forms(roles=("report",), lemmas=("announce", "confirm"))
    report = next((t for t in reversed(tokens[:verb]) if t.lower in reporting), None)
    if report is None:
        return None
    subject = _nearest_subject(sentence, givers, report.start)
    return subject if subject is not None and subject.kind in ("body", "country", "capital", "official") else None


def _lender_not_guarantor(sentence: Sentence, givers: list[Actor], target_start: int, target_end: int) -> Actor | None:
    """The passive agent, unless it only backs what the clause's own subject lends: in 'The EIB signed a loan of
    EUR 100 mln ..., guaranteed by the EU' the EIB lends and the EU guarantees."""
    agent = _passive_agent(sentence, givers, target_end)
    if agent is None or not _BACKED.search(sentence.text, target_end - sentence.start, agent.start - sentence.start):
        return agent
    subject = _nearest_subject(sentence, givers, target_start)
    if subject is not None and not _NEW_CLAUSE.search(sentence.text, subject.end - sentence.start,
                                                      target_start - sentence.start):
        return None  # the lender heads the same clause
    return agent


_NEW_CLAUSE = re.compile(CLAUSE_BREAK + r"|,\s+and\b")


_BACKED = re.compile(r"\b(?:guaranteed|backed|underwritten|insured|covered)\b")
_PREPOSITION = re.compile(r"\b(?:from|of|for|to|with|through)\b")


def _passive_agent(sentence: Sentence, givers: list[Actor], target_end: int) -> Actor | None:
    tail = sentence.text[target_end - sentence.start:]
    m = re.match(r"\s+by\s+(?:the\s+)?", tail) or _PASSIVE_BY.match(tail)  # "trained by Spanish instructors"
    if not m:
        return None
    pos = target_end + m.end()
    for a in givers:
        # "signed by Chancellor Rachel Reeves": a title may stand between, but no preposition ("backed by a
        # guarantee from Norway": Norway backs the guarantee); a programme is no agent
        gap = sentence.text[pos - sentence.start:max(pos, a.start) - sentence.start]
        if a.kind != "channel" and 0 <= a.start - pos < 25 and (
                not _PREPOSITION.search(gap) or re.fullmatch(_STATE_OF, gap)):  # "by the Government of Japan"
            return a
    return None


def _nearest_subject(sentence: Sentence, givers: list[Actor], anchor: int) -> Actor | None:
    """The closest donor-capable actor left of `anchor` that is not inside a prepositional phrase."""
    for a in sorted((a for a in givers if a.end <= anchor), key=lambda a: a.start, reverse=True):
        before = sentence.text[max(0, a.start - sentence.start - 25):a.start - sentence.start]
        after = sentence.text[a.end - sentence.start:a.end - sentence.start + 30]
        heads_clause = bool(_CLAUSE_HEAD.match(after)) or bool(  # "Canada, which will provide", "the UK, with £2bn"
            _SUBORDINATORS.search(before) and _FINITE_AFTER.match(after))
        if _PP_BEFORE.search(before) and not before.rstrip().lower().endswith(("of", "from")) and not heads_clause:
            continue
        if a.kind in ("org", "channel") and is_channel_mention(sentence, a):
            continue
        if _OBSTACLE_AFTER.match(after):
            continue  # "Leaders overcome Hungary's veto; the Ukraine Facility is adopted": Hungary blocked it
        if _ALLY_OF.match(after) and _ARTICLE_BEFORE.search(before):
            continue  # "South Korea, another U.S. ally that ..., has set aside": the ally is the subject
        if _INCLUDING.search(sentence.text[:a.start - sentence.start]):
            continue  # "Japan's support, including ... the G7 loan, has reached": a part, not the subject
        if in_closed_relative(sentence.text, a.start - sentence.start, a.end - sentence.start,
                              anchor - sentence.start):
            continue  # "the Netherlands, which is the neighbour of Belgium, earlier reserved": not Belgium
        return a
    return None


_ALLY_OF = re.compile(r"\s+(?:ally|allies|partner|partners|member|members|neighbou?rs?)\b")
_ARTICLE_BEFORE = re.compile(r"\b(?:another|a|an|fellow|key|close|major|the)\s+$", re.I)
_OBSTACLE_AFTER = re.compile(r"['’]s?\s+(?:\w+\s+)?" + alternation(load("triggers")["obstacle_nouns"]) + r"\b"
                             # "Hungary having delayed a 50 billion euro EU programme"
                             r"|\s+(?:having\s+|has\s+|had\s+)?" + alternation(load("triggers")["obstacle_verbs"]) + r"\b")
# money raised from many, or investment a fund hopes to draw in: no single giver
# "a broader $122 billion international support package": put together by many
# ... or before it: "a joint Nordic package worth USD 500 million", "a combined contribution of $1bn"
_JOINT_BEFORE = re.compile(r"\b(?:joint|combined|collective)\s+(?:[\w-]+\s+){0,2}?(?:package|contribution|fund|"
                           r"financing|pledge|initiative)\s+(?:worth|of|totall?ing|valued at)\s+(?:[a-z]+\s+){0,2}$", re.I)
# (a sum given "to the G7 loan" or "into the joint fund" is the giver's share of it)
_SHARED_PACKAGE = re.compile(r"\)?(?!\s+(?:to|towards|into|under|within|through|via)\s)\s+(?:[\w-]+\s+){0,2}?(?:(?:total|overall|broader|wider)\s+(?:support\s+)?"
                             r"(?:package|envelope)|(?:international|multilateral|multi-donor|joint|collective|"
                             r"global|Team Europe)\s+(?:[\w-]+\s+){0,2}?(?:package|effort|fund|financing|support|"
                             r"assistance|aid)|(?:G7|G-7|G20|G-20)\s+(?:[\w-]+\s+){0,2}?(?:scheme|loan|loans|"
                             r"initiative|mechanism|package|facility|framework))\b")
# lower case: "the International Fund for Ukraine" is a name; "a $50bn (£38bn) G7 scheme" is the group's ("a loan of
# 471.9 billion yen under the G7 scheme" is the giver's share of it)
_MOBILIZED = re.compile(r"\b(?:mobili[sz](?:e|ed|es|ing)|unlock(?:s|ed|ing)?|leverag(?:e|es|ed|ing)|"
                        r"crowd(?:s|ed|ing)? in)\b", re.I)
# ... but a lender's review or approval unlocks the lender's own money: "The IMF approved the fourth review ...,
# unlocking about $2.2 billion"
_REVIEW_UNLOCKS = re.compile(r"\b(?:reviews?|approv(?:al|ed|es|ing)|completion|completed)\b[^;]{0,100}"
                             r"\bunlock(?:s|ed|ing)?\s+(?:(?:a\s+)?(?:further|another|new|next)\s+)?(?:disbursement\s+of\s+)?"
                             r"(?:about|around|some|roughly|nearly|approximately|up to)?\s*$", re.I)
# what a fund has been given, with no giver named: "the Energy Support Fund, which has received pledges of more than"
_FUND_RECEIVED = re.compile(r"\b(?:[Ff]unds?|[Ff]acility|[Pp]ool|[Aa]ppeal|[Pp]latform|[Mm]echanism)\b[^.;$€£¥]{0,25}?\b"
                            r"(?:received|attracted|raised|collected|gathered|drawn|secured)\s+(?:(?:total\s+)?(?:pledges|"
                            r"contributions|commitments|donations|funding|financing)\s+(?:of|worth|totalling|totaling|"
                            r"amounting to)\s+)?(?:" + qualifier_words() + r"\s+)?$")
_INCLUDING = re.compile(r"\b(?:including|such as|among them|among others)\b"
                        r"(?:(?!,\s+(?:while|whereas|but|and|as|when)\s)[^;.]){0,80}$")  # ", while X said": X's own
_COLLECTIVE = re.compile(r"\b(?:donors|allies|partners|countries|nations|member states|members|governments|lenders|"
                         r"creditors|the West|Western (?:countries|nations|governments|partners|allies)|"
                         r"the international community|the coalition|participants|"
                         r"(?-i:conference|[Oo]rgani[sz]ers)|(?:crowdfunding |fundraising )?(?:campaign|fundraiser|telethon|appeal))\b", re.I)


def _collective_subject(sentence: Sentence, givers: list[Actor], anchor: int) -> bool:
    """A collective noun closer to the verb than any named actor (outside prepositional phrases) is the subject."""
    left = sentence.text[:anchor - sentence.start]
    last = None
    for last in (m for m in _COLLECTIVE.finditer(left) if not left.endswith("United ", 0, m.start())):
        pass  # ("the United Nations Development Programme" is one agency)
    if last is None:
        return False
    pos = sentence.start + last.start()  # an actor there (or after) is the subject, e.g. "Allies" = NATO
    subject = _nearest_subject(sentence, givers, anchor)
    if in_closed_relative(left, last.start(), last.end(), len(left)):
        return False  # "Japan, which hosted a conference on recovery, has promised": not the clause's subject
    if _PAIR_WITH_RECIPIENT.search(left, max(0, last.start() - 40), last.start()):
        return False  # "the Japanese and Ukrainian governments exchanged notes on grant aid": the giver and its partner
    if _OBJECT_OF_VERB.search(left, 0, last.start()):
        return False  # "It hosted the 2024 Tokyo conference and pledged ...": the object of another verb
    return (subject is None or subject.start < pos) and (_COUNTED.search(left, 0, last.start()) or not re.search(
        r"\b(?i:of|with|to|for|among|by|at|in|on|during|from|through|before|after|between|than)\s+"
        # (a year closes the phrase: "since the creation of the Fund in 2022 the donors contributed")
        r"(?!(?i:which|whom)\s)(?:(?!(?:19|20)\d\d\b)[\w']+\s+){0,3}$",  # "through which allies have pledged"
        left[:last.start()]))  # "At the conference held in Tokyo, the Prime Minister announced"


_PAIR_WITH_RECIPIENT = re.compile(r"\b(?:[A-Z][\w-]+\s+and\s+(?:the\s+)?Ukrain\w*|Ukrain\w*\s+and\s+(?:the\s+)?[A-Z][\w-]+)\s+$")
_OBJECT_OF_VERB = re.compile(r"\b(?:host(?:s|ed|ing)?|co-host(?:s|ed|ing)?|organi[sz]ed|convened|attended|joined|"
                             r"opened|addressed|chaired|held|thanked|told|urged|invited|called on|met)\s+"
                             r"(?:the\s+|its\s+|a\s+|an\s+)?(?:[\w'-]+\s+){0,3}$")
_COUNTED = re.compile(r"\b(?:more than|over|some|nearly|about|at least|almost)\s+\d[\d,]*\s+$")  # "more than 50 countries"


# "from the Government of the Netherlands", "from the people of Japan": the state behind the words
_STATE_OF = r"(?:(?:[Gg]overnment|[Pp]eople)\s+of\s+(?:the\s+)?)?"  # "Kingdom of ..." are names
# The title before a state's short name, where a list label or a destination may carry it: "Republic of Korea: ...",
# "for the armed forces of the Republic of Moldova"
STATE_TITLE = r"(?:(?:Republic|Kingdom|Government|State|Grand Duchy)\s+of\s+(?:the\s+)?)"
_SOURCE_LOOSE = re.compile(r"[^.;]{0,40}?\bfrom\s+(?:the\s+)?" + _STATE_OF)
# the sum's own noun phrase, then "from": "(about EUR 26 million) from Norway", "in grants from Japan"
_SUM_NP = (r"\)?(?:\s*\([^()]{0,40}\))?\s+(?:[–—-]\s+)?(?:(?:in|of)\s+)?(?:[a-z-]+\s+){0,2}"  # ("... – loan from Canada")
           # or the loan's own name: "A US$1.0 billion Second Recovery Development Policy Loan from the IBRD"
           r"(?:(?:[A-Z][\w-]*\s+){0,5}(?:Loan|Grant|Credit|Guarantee|Facility|Operation)s?\s+)?")
_SOURCE_TIGHT = re.compile(_SUM_NP + r"from\s+(?:the\s+)?" + _STATE_OF)


# Plural nouns for a set of givers ("from donors", "all participants"): many givers, none named
GIVER_PLURALS = (r"(?:donors|partners|allies|countries|creditors|lenders|governments|sponsors|participants|sources|"
                 r"nations|states|member states|members|international community|Nordics|Baltics)")
_FROM_MANY = (r"(?:from|by)\s+(?:the\s+|its\s+|their\s+|all\s+)?"
              r"(?:(?:\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a dozen|dozens of|several|many|"
              r"tens of thousands of|thousands of|hundreds of|hundreds of thousands of|millions of|"
              r"more than \w+|over \w+|some \w+)\s+)?(?:(?:international|western|foreign|other|external|"
              r"European|Western|key|participating|official|bilateral|multilateral)\s+)*" + GIVER_PLURALS + r"(?:\b|')")
_MANY_AFTER_SUM = re.compile(_SUM_NP + _FROM_MANY)
# one giver named with many unnamed: "has channelled more than $60 billion from the World Bank and a dozen donors"
_SOME_AND_MANY_AFTER_SUM = re.compile(_SUM_NP + r"from\s+[^.;]{0,50}?\band\s+(?:a dozen|dozens of|several|many|other|"
                                      r"\d+|more than \w+|over \w+|some \w+)\s+(?:other\s+)?" + GIVER_PLURALS + r"\b")
_RECEIVED_FROM_MANY = re.compile(r"\b(?:received|receives|receive|got|obtained)\b[^.;]{0,40}?\b" + _FROM_MANY
                                 + r"[^.;$€£¥\d]{0,40}$")
_MANY_AFTER_VERB = re.compile(r"[^.;]{0,60}?\b" + _FROM_MANY)
# "... of agreements were announced at the conference by all participants"
_MANY_PASSIVE = re.compile(r"[^.;]{0,40}?\b(?:provided|given|pledged|announced|committed|made|contributed|financed|"
                           r"funded|raised|mobili[sz]ed|secured)\s+(?:[\w-]+\s+){0,3}?" + _FROM_MANY)


# "... more than $45 billion to the budget, financed by the United States, Japan, the United Kingdom and others",
# "US$130 million ..., funded by contributions to the URTF from Japan, the United Kingdom, Ireland and Iceland"
_NAMED_PASSIVE = re.compile(r"[^.;]{0,60}?\b(?:financed|funded|paid for|(?:will|would|is|are)\s+(?:be\s+)?provided)\b"
                            r"(?!\s+(?:in\s+part|partly|partially)\b)"
                            r"(?:[^.;]{0,50}?\bfrom|"
                            r"\s+(?:jointly\s+)?by)\s+")


def _many_named_after(sentence: Sentence, givers: list[Actor], target_end: int) -> bool:
    """Two or more givers named as the sum's funders after it: their shares are not split."""
    m = _NAMED_PASSIVE.match(sentence.text, target_end - sentence.start)
    if m is None:
        return False
    pos = sentence.start + m.end()
    first = next((a for a in givers if pos <= a.start <= pos + 4), None)
    return first is not None and _listed_after(sentence, givers, first)


def _many_sources(sentence: Sentence, target_start: int, target_end: int, frame: Frame | None,
                  tokens: list[Token]) -> bool:
    """Is the giver a plural 'from partners' phrase right after the sum or after its receive verb (also when the
    verb comes first: "... received funds from international partners in the amount of USD 9.6 billion")?"""
    rel = target_end - sentence.start
    if _MANY_AFTER_SUM.match(sentence.text, rel) or _MANY_PASSIVE.match(sentence.text, rel) \
            or _SOME_AND_MANY_AFTER_SUM.match(sentence.text, rel) \
            or _RECEIVED_FROM_MANY.search(sentence.text, 0, target_start - sentence.start):
        return True
    if frame is not None and frame.inner is not None and frame.inner.role == "receive":
        return bool(_MANY_AFTER_VERB.match(sentence.text, tokens[frame.inner.index].end - sentence.start))
    return False


def _listed_subjects(sentence: Sentence, givers: list[Actor], anchor: int) -> bool:
    """'Denmark, Norway and Sweden will together finance ...': three or more donors coordinated as the
    subject make a joint or summed figure, not one donor's commitment."""
    before = [a for a in givers if a.end <= anchor and a.kind != "official"]
    if not before:
        return False
    tail = sentence.text[before[-1].end - sentence.start:anchor - sentence.start]
    if _WITH_MANY.match(tail) and len(tail) < 90:
        return True  # "the EU, its member states and European financial institutions have made available"
    if len(tail) > 45:
        return False
    listed = _coordinated(sentence, before[::-1])
    if _MANY_WITH.search(sentence.text[:listed[-1].start - sentence.start]) or len(listed) >= 2 and any(
            _COLLECTIVE.fullmatch(sentence.text[a.start - sentence.start:a.end - sentence.start]) for a in listed):
        return True  # "European allies and Canada have committed" ("allies" may stand for NATO named before)
    if len(listed) == 2 and _JOINTLY.search(tail):
        return True  # "The U.K. and Norway will jointly fund": one sum for two givers
    if _JOINTLY.search(tail) and _MEMBERS_AND.search(sentence.text, 0, before[-1].start - sentence.start):
        return True  # "G7 members and the European Union together have pledged"
    return len({a.code for a in listed}) >= 3


_MEMBERS_AND = re.compile(rf"\b{GIVER_PLURALS}\s+(?:and|&)\s+(?:the\s+)?$")
# Between the members of a list of actors: "Denmark, Norway and Sweden", "the UK & Norway"
_COORDINATION = r"\s*(?:,|,?\s+and|,?\s+as well as|&)\s+(?:the\s+|its\s+|their\s+)?"  # "the EU and its member states"
_COORDINATED = re.compile(_COORDINATION)


def _coordinated(sentence: Sentence, actors: list[Actor]) -> list[Actor]:
    """The run of `actors` (in text order, or reversed to walk back from the last) joined by commas and 'and'."""
    chain = actors[:1]
    for a in actors[1:]:
        left, right = sorted((a, chain[-1]), key=lambda x: x.start)
        if not _COORDINATED.fullmatch(sentence.text, left.end - sentence.start, right.start - sentence.start):
            break
        chain.append(a)
    return chain


_MANY_NOUNS = (r"(?:(?:its|their|the|other|European|western|Western|Nordic|international|financial|NATO|EU)\s+)*"
               r"(?:member states|Member States|allies|partners|donors|countries|institutions|nations)\b")
_WITH_MANY = re.compile(_COORDINATION + _MANY_NOUNS)
_MANY_WITH = re.compile(_MANY_NOUNS + _COORDINATION + "$")
# "Together they have committed", "they had collectively provided": a plural subject's joint total
_THEY_JOINTLY = re.compile(r"\b(?:[Tt]ogether|[Cc]ollectively|[Jj]ointly|[Bb]etween them),? they\b|"
                           r"\bthey (?:have |had |will |would )?(?:together|collectively|jointly)\b|"
                           # "supported by 14 donors, which together have provided more than US$150 million"
                           rf"\b{GIVER_PLURALS},?\s+(?:which|that|who)\s+(?:have\s+|had\s+)?(?:together|collectively|"
                           r"jointly|between them)\b|"
                           # "their combined support for Ukraine would exceed 10 billion euros"
                           r"\b[Tt]heir\s+(?:combined|joint|collective)\s+|"
                           # "the Nordics together have allocated about €50 billion"
                           rf"\b(?:the\s+)?{GIVER_PLURALS}\s+(?:together|collectively|combined|jointly)\s+(?:have|had|will|"
                           r"would|are|were|gave|provided|pledged|allocated|committed)\b")
# what a gathering raised: "pledges at the conference exceeded €10bn", "commitments made during the summit"
_EVENT_TOTAL = re.compile(r"\b(?:pledges|commitments|contributions|announcements)\s+(?:made\s+|announced\s+)?(?:at|during)\s+"
                          r"(?:the|this|last|that)\s+(?:[\w-]+\s+){0,3}?(?:conference|summit|meeting|forum|event)\b"
                          r"[^.;]{0,30}$", re.I)
# many agreements' value: "more than 110 agreements worth over EUR 16 bln were signed during the conference"
_MANY_AGREEMENTS = re.compile(r"\b(?:\d{2,}[\d,]*|dozens\s+of|numerous)\s+(?:[\w-]+\s+)?(?:agreements|"
                              r"deals|documents|memoranda|contracts)\s+(?:worth|totall?ing|valued\s+at|with\s+a\s+"
                              r"(?:total\s+)?value\s+of|amounting\s+to)\s+(?:[a-z]+\s+){0,2}$", re.I)
_JOINTLY = re.compile(r"\b(?:jointly|together|collectively|combined|between them)\b", re.I)


_ENUMERATION = re.compile(r"(?:,|\(|;|\band)\s*(?:the\s+)?$")
# "from the EU in the framework of the Ukraine Facility – EUR 1.5 bln": what the giver's sum comes under, then a dash
_FRAMEWORK_GAP = re.compile(r"\s+(?:in the framework of|under|within|through|via)\s[^,;.\d$€£¥]{1,60}?\s[–—-]\s*"
                            rf"(?:{qualifier_words()}\s+)?")
_QUALIFIED_GAP = re.compile(rf"\s+(?:{qualifier_words()}\s+)?")  # "from Japan 4.5 bln"
_LABEL_GAP = re.compile(rf"\s*[-–—:]\s*(?:{qualifier_words()}\s+)?")


_FROM_OPENER = re.compile(LIST_ITEM.pattern + r"from\s+(?:the\s+)?" + _STATE_OF)


def source_opening(sentence: Sentence, givers: list[Actor]) -> Actor | None:
    """'- from the IMF within the EFF programme - US$ 400 mln': a list line opened by 'from X' is X's."""
    m = _FROM_OPENER.match(sentence.text)
    if m is None:
        return None
    return next((a for a in givers if abs(a.start - sentence.start - m.end()) <= 4), None)


_FROM_BEFORE = re.compile(r"\bfrom\s+(?:the\s+)?" + _STATE_OF + "$")
_RECEIVING = re.compile(r"\b(?:receive|receives|received|receiving|get|gets|got|go to|goes to|went to)\b", re.I)


def source_before(sentence: Sentence, givers: list[Actor], target_start: int) -> Actor | None:
    """'from Norway - USD 100 million': a breakdown line labels the sum with its giver."""
    for a in givers:
        gap = sentence.text[a.end - sentence.start:target_start - sentence.start]
        lead = sentence.text[:a.start - sentence.start]
        if a.end <= target_start and gap == " " and _ENUMERATION.search(lead) and not _RECEIVING.search(lead):
            return a  # "(Japan $4.5 billion, the United States $20 billion)"; not "WFP will receive $25m, UNICEF $20m"
        if a.end <= target_start and (_LABEL_GAP.fullmatch(gap) or _QUALIFIED_GAP.fullmatch(gap)
                                      or _FRAMEWORK_GAP.fullmatch(gap)):
            # only "from X -": a bare label ("- Türkiye: 8.5 million") names a recipient as often as a giver
            if _FROM_BEFORE.search(sentence.text[:a.start - sentence.start]):
                return a
    return None


_OF_STATES_SUM = re.compile(r"\)?\s+of\s+(?:the|a|an|its)\s+(?:(?:new|latest|additional|fresh|next|first|second|third|"
                            r"final)\s+)?")
_STATES_SUM_NOUN = re.compile(r"\s+(?:[a-z-]+\s+)?(?:grant|loan|package|aid|assistance|tranche|contribution|support|"
                              r"funding|financing)s?\b")


def source_after(sentence: Sentence, givers: list[Actor], target_end: int, tight: bool = True) -> Actor | None:
    """'$5 million in aid from Japan'."""
    tail = sentence.text[target_end - sentence.start:]
    if tight:
        m = _SOURCE_TIGHT.match(tail) or _sum_patterns()["of_giver"].match(tail)
    else:
        m = _SOURCE_LOOSE.match(tail)
    if m and _sale().search(sentence.text, max(0, target_end - sentence.start - 60), target_end - sentence.start + m.end()):
        return None  # "an order worth EUR 60 million for transformers from Siemens": the seller, not a giver
    if m is None and tight:  # "USD 3 bln of the new US grant": the state that owns the sum it is part of
        whole = _OF_STATES_SUM.match(tail)
        owner = next((a for a in givers if a.start == target_end + whole.end()), None) if whole else None
        return owner if owner is not None and _STATES_SUM_NOUN.match(sentence.text, owner.end - sentence.start) else None
    if m:
        pos = target_end + m.end()
        for a in givers:
            if -4 <= a.start - pos < 3 and not _made_in().match(sentence.text, a.end - sentence.start):
                return MANY_DONORS if _listed_after(sentence, givers, a) else a  # the form may take "the"
    return None


@lru_cache(maxsize=1)
def _made_in() -> re.Pattern:
    """'a $250m package of US weapons': the state where the goods are made, not the giver."""
    return re.compile(r"(?:-made)?\s+(?:" + alternation(load("items")["origin_nouns"]) + r")\b")


def _listed_after(sentence: Sentence, givers: list[Actor], first: Actor) -> bool:
    """'from the Netherlands and Sweden', 'from the Commission, Italy, Germany and France': givers share the sum."""
    chain = _coordinated(sentence, [first] + [a for a in givers if a.start > first.start])
    return len({a.code for a in chain}) >= 2


def is_channel_mention(sentence: Sentence, actor: Actor) -> bool:
    """'through the World Bank', 'via Office of the UN High Commissioner', 'to the NATO trust fund (CAP)'."""
    before = sentence.text[max(0, actor.start - sentence.start - 70):actor.start - sentence.start]
    before = re.sub(r"\s*\($", " ", before)  # an acronym in brackets after the full name
    return bool(re.search(r"\b(?:through|via|to|into|under|within|by way of)\s+(?:the\s+|a\s+|an\s+|its\s+)?"
                          # (a coordinated agency with its full name in brackets: "to the UNDP (United Nations
                          # Development Programme) and the UNICEF")
                          r"(?:(?:\(?[A-Z][\w'’-]*\)?|of|the|for|and|so-called|new|joint)\s+){0,12}$", before))


@lru_cache(maxsize=1)
def _sale() -> re.Pattern:
    """Words that make a "from X" after a sum name a seller: "an order worth EUR 60m ... from Siemens"."""
    data = load("triggers")
    return re.compile(whole_words(data["purchase_verbs"] + data["sale_words"]), re.I)


@lru_cache(maxsize=1)
def _other_beneficiaries() -> re.Pattern:
    """Places and groups aid goes to that are plainly not Ukraine (data/actors.yaml)."""
    return re.compile(r"\b(?:the\s+)?" + alternation(load("actors")["other_beneficiaries"]) + r"\b")


# ---------------------------------------------------------------- recipient and channel


# "to be shipped to Sudan and Yemen", "delivered to Moldova": the goods end up elsewhere
_DESTINATION = re.compile(r"\b(?:shipped|delivered|sent|exported|transported|distributed)\s+to\s+(?:the\s+)?"
                          # "A further €22 million will support Moldova"
                          r"|\b(?:will|would|shall|should|to)\s+(?:also\s+)?(?:support|help|assist|benefit)\s+(?:the\s+)?")


# "to the Danish model", "for the British-led coalition": a programme named after a country, not the country
_SCHEME_AFTER = re.compile(r"(?:-led)?\s+(?:model|scheme|initiative|mechanism|programme|program|fund|facility|format|"
                           r"coalition|platform|approach)\b")


_ONCE_MEANT = re.compile(r"\b(?:originally|initially|previously|once|first)\s+(?:\w+\s+)?$")


# where the words about a figure stop: the next figure, but not a year ("NOK 500 million in 2024 to the ...")
_NEXT_FIGURE = re.compile(r"[$€£¥₩]|(?<!\d)(?!(?:19|20)\d\d(?![\d,.]\d))\d")


_PEOPLE_IN = re.compile(r"\)?\s+(?:in\s+[a-z]+\s+(?:aid|assistance)\s+)?(?:for|to)\s+(?:the\s+)?(?:people|civilians|those|"
                        r"families|communities|population|victims)\s+(?:(?:affected|hit)\s+by\s+(?:the\s+)?(?:[\w-]+\s+){0,3}?"
                        r"|living\s+|displaced\s+)?in\s+(?:the\s+)?")


def explicit_recipient(sentence: Sentence, actors: list[Actor], target_end: int) -> str | None:
    """The country a figure is explicitly for: 'to Ukraine', 'for Israel', 'to modernise the German army'."""
    where = _where_place(sentence, actors, target_end) or _agency_place(sentence, actors, target_end)
    if where is not None:
        return where
    tail = sentence.text[target_end - sentence.start:]
    cut = _NEXT_FIGURE.search(tail)
    tail = tail[: cut.start()] if cut else tail
    for m in _DESTINATION.finditer(tail[:160]):
        pos = target_end + m.end()
        for a in actors:
            if a.kind in ("country", "capital") and 0 <= a.start - pos < 2 and a.code != "UKR":
                return a.code
    hosted = _hosted_in(sentence, actors, target_end, tail[:160])
    if hosted:
        return hosted
    people = _PEOPLE_IN.match(tail)  # "for people affected by the situation in Lebanon"
    if people:
        place = next((a for a in actors if a.kind in ("country", "capital") and a.start == target_end + people.end()), None)
        if place is not None:
            return place.code
    channel = _CHANNEL_FIRST.match(tail)  # "through the International Organization for Migration (IOM) to Moldova"
    for m in _TO_OR_FOR.finditer(tail[:60 + (channel.end() if channel else 0)], channel.end() if channel else 0):
        if _ONCE_MEANT.search(tail, 0, m.start()):
            continue  # "helicopters originally intended for Afghanistan": where they were meant to go before
        # "to Ukraine", "for the Indo-Pacific", "to modernise the German armed forces" (up to two words between)
        for k in range(4):
            # never across another preposition: "for reconstruction through the EDCF" is not for the EDCF
            words = re.match(r"(?:the\s+)?(?:(?!(?:through|via|by|under|with|from|within|" + _AGAINST + r")\s)[a-z]+\s+)"
                             + "{" + str(k) + "}" + r"(?:the\s+)?" + STATE_TITLE + r"?[\"“]?",
                             tail[m.end():])  # "for the armed forces of the Republic of Moldova"
            if not words:
                break
            pos = target_end + m.end() + words.end()
            for a in actors:
                if a.kind in ("country", "capital", "demonym", "body") and 0 <= a.start - pos < 2 \
                        and not _SCHEME_AFTER.match(sentence.text, a.end - sentence.start) \
                        and not (a.kind == "demonym" and _GROUPS_AFTER.match(sentence.text, a.end - sentence.start)) \
                        and not (_OF_END.search(words.group()) and _MADE_IN.match(sentence.text, a.end - sentence.start)) \
                        and not (_made_in().match(sentence.text, a.end - sentence.start)  # "to buy US weapons for"
                                 and not _OWN_STOCKS.match(sentence.text, a.end - sentence.start)):
                    return a.code
            if _other_beneficiaries().match(tail, m.end() + words.end()):
                return "OTHER"
    return _supported_with(sentence, actors, target_end)


# a sum for an agency's work in a country: "US$9 million to WFP in Syria", "US$10 million in Afghanistan"
_IN_COUNTRY = re.compile(r"\s*\)?\s*(?:(?:to|for)\s+(?:the\s+)?(?:[A-Z][\w'’.-]*\s+){1,6}(?:\([A-Z]{2,8}\)\s+)?"
                         r"(?:(?:operations|programmes?|programs?|projects?|work)\s+)?)?in\s+(?:the\s+)?")


def _agency_place(sentence: Sentence, actors: list[Actor], target_end: int) -> str | None:
    m = _IN_COUNTRY.match(sentence.text, target_end - sentence.start)
    if m is None or _FOR_UKRAINE_AFTER.match(sentence.text, m.end()) \
            or UKRAINE_MARKERS.search(sentence.text, max(0, target_end - sentence.start - 60), target_end - sentence.start):
        return None  # "pledged $10 million in Warsaw for Ukraine", "trains Ukrainian deminers in Cambodia": a venue
    if not _SUM_END.search(sentence.text, 0, target_end - sentence.start):
        return None  # goods or a service "in Cambodia" are given there, not to it
    pos = sentence.start + m.end()
    return next((a.code for a in actors if a.kind == "country" and a.code != "UKR" and 0 <= a.start - pos < 2
                 and _PLACE_END.match(sentence.text, a.end - sentence.start)), None)


_SUM_END = re.compile(r"(?:\d|\b(?i:" + alternation(list(load("money")["scales"]) + [w.split()[-1] for w in load("money")["words"]])
                      + r")|\b" + alternation(load("money")["codes"]) + r")\)?$")  # a figure ends there, goods do not
_PLACE_END = re.compile(r"\s*(?:[,.;:)]|$)|\s+(?:and|for|to|in|through|via|this|last|next|since|over|during|as|by|"
                        r"from|with|under|while|where)\b")  # not "in U.S. military equipment": the goods' maker


_WHERE_CLAUSE = re.compile(r",?\s+where\s+[^;]{0,100}$")
# where a meeting is held is no recipient: "at a conference in Warsaw, where Japan pledged ..."
_VENUE = re.compile(r"\b(?:visit\w*|trip|travel\w*|tour\w*|arriv\w*|conferences?|summits?|meetings?|talks|forum|"
                    r"gathering|ceremony|held|hosted|stop\w*|flew|went)\b", re.I)
_FOR_UKRAINE_AFTER = re.compile(r"[^.;]{0,60}?\b(?:to|for|in)\s+(?:the\s+)?" + UKRAINE_MARKERS.pattern)


def _where_place(sentence: Sentence, actors: list[Actor], target_end: int) -> str | None:
    """'FAO programmes in Afghanistan, where it provided USD 5 million': the place the clause is about."""
    head = sentence.text[:target_end - sentence.start]
    if "where" not in head or _FOR_UKRAINE_AFTER.match(sentence.text, len(head)):
        return None  # (most figures have no "where" before them: skip the place patterns)
    for a in actors:
        if a.kind in ("country", "capital") and a.code != "UKR" and a.end < target_end \
                and _WHERE_CLAUSE.match(head, a.end - sentence.start) \
                and not _VENUE.search(head, max(0, a.start - sentence.start - 120), a.start - sentence.start):
            return a.code
    for m in _other_beneficiaries().finditer(head):
        if _WHERE_CLAUSE.match(head, m.end()):
            return "OTHER"
    return None


# goods the state keeps: "to replenishing U.S. weapons stocks" is for that state
_OWN_STOCKS = re.compile(r"(?:-made)?\s+[\w-]+\s+(?:stocks?|stockpiles?|inventor(?:y|ies)|reserves?|arsenals?)\b")
_TO_OR_FOR = re.compile(r"(?<!according )\b(?:to|for|towards)\s+")
# a people's groups are a channel, not a country: "to Danish and Ukrainian aid groups working near the front line"
_GROUPS_AFTER = re.compile(r"(?:\s+and\s+[A-Z][\w-]+)?\s+(?:(?:aid|humanitarian|relief|civil[- ]society|non-governmental)\s+)?"
                           r"(?:groups?|NGOs?|organi[sz]ations?|charities|agencies|partners)\b")
# a channel's proper name right after the sum: its own "for" is no destination, and the destination comes after it
_CHANNEL_FIRST = re.compile(r"\s*(?:through|via)\s+(?:the\s+)?(?:[A-Z][\w'’.-]*\s+(?:(?:for|of|and)\s+(?:the\s+)?)?){1,8}"
                            r"(?:\([A-Z]{2,8}\)\s*)?")


def names_other_beneficiaries(text: str) -> bool:
    """'Assistance for neighbouring countries (Poland, Moldova ...)': a list line's label says whose it is."""
    return any(_other_beneficiaries().match(text, m.end()) for m in _FOR_WHOM.finditer(text))


_FOR_WHOM = re.compile(r"\b(?:to|for|in)\s+")


# people helped where they are: "refugees and host communities in Moldova", "victims of the earthquake in Türkiye"
_WHERE_HELPED = re.compile(r"\b(?:refugees|evacuees|displaced|host communit\w*|victims|affected by the (?:conflict|war|"
                           r"crisis|fighting)|earthquake|floods?|cyclone|"
                           r"hurricane|typhoon|drought|famine|disaster)\b[^.;]{0,60}?\bin\s+(?:the\s+)?$")


def _hosted_in(sentence: Sentence, actors: list[Actor], target_end: int, tail: str) -> str | None:
    """A figure for people in another country ('to support Ukrainian refugees in Moldova') is that country's."""
    end = target_end + len(tail)
    for a in actors:
        if a.kind in ("country", "capital") and a.code != "UKR" and target_end <= a.start < end \
                and _WHERE_HELPED.search(sentence.text, target_end - sentence.start, a.start - sentence.start):
            return a.code
    return None


# "supported Moldova with", "support for Moldova, with", "has provided Cambodia with"
_SUPPORTED = re.compile(r"\b(?:(?:support|help|assist|aid)(?:s|ed|ing)?|(?:support|help|assistance|aid)\s+(?:for|to)|"
                        r"provid(?:e|es|ed|ing)|suppl(?:y|ies|ied|ying)|equip(?:s|ped|ping)?)\s+(?:the\s+)?$")


def _supported_with(sentence: Sentence, actors: list[Actor], target_end: int) -> str | None:
    """'supported the Republic of Moldova with PLN 50 million': the object of 'support ... with' is the recipient."""
    for a in actors:
        if a.kind not in ("country", "capital") or a.end >= target_end:
            continue
        with_gap = sentence.text[a.end - sentence.start:target_end - sentence.start]
        if re.match(r",?\s+with\s+[^.;,]{0,45}$", with_gap) and _SUPPORTED.search(
                sentence.text[max(0, a.start - sentence.start - 30):a.start - sentence.start]):
            return a.code
    return None


_FOR_BEFORE = re.compile(r"\b(?:for|to|including|includes|include|covering|covers|between|among)\s+(?:the\s+)?$")


def shared_recipients(sentence: Sentence, actors: list[Actor], target_end: int) -> bool:
    """Is the figure for several countries at once ('assistance for Ukraine, Israel and Taiwan')?

    Looks after the figure, up to the next one, for a list of two or more countries opened by
    'for', 'to' or 'including' that holds Ukraine and another country: Ukraine gets only a part.
    """
    tail = sentence.text[target_end - sentence.start:]
    cut = _NEXT_FIGURE.search(tail)
    limit = target_end + min(cut.start() if cut else len(tail), 160)
    places = [a for a in actors if a.kind in ("country", "capital") and target_end <= a.start < limit]
    for i, first in enumerate(places):
        if not _FOR_BEFORE.search(sentence.text[:first.start - sentence.start]):
            continue
        chain = _coordinated(sentence, places[i:])
        # a list is closed by 'and': "to Ukraine, France said" is no list
        gaps = [sentence.text[x.end - sentence.start:y.start - sentence.start] for x, y in zip(chain, chain[1:])]
        closed = max((k + 2 for k, gap in enumerate(gaps) if "and" in gap or "as well" in gap), default=0)
        codes = {a.code for a in chain[:closed]}
        if "UKR" in codes and len(codes) >= 2:
            return True
    return False


def recipient_for(sentence: Sentence, actors: list[Actor], donor: str | None, default: str | None,
                  explicit: str | None) -> str | None:
    """The `explicit` recipient ('to/for <country>' after the figure, see explicit_recipient), else Ukraine if
    the sentence names it, else the default."""
    if explicit is not None:
        return explicit
    for a in actors:
        if a.kind == "country" and a.code != donor and a.code not in ("UKR", "RUS") and (
                _double_object(sentence, a) or _RECEIVES.match(sentence.text, a.end - sentence.start)):
            return a.code
    if UKRAINE_MARKERS.search(sentence.text):
        return "UKR"
    return default


_OF_END = re.compile(r"\bof\s+(?:the\s+)?$")
# a maker's name before goods, not a recipient: "for a package of US air defence components"
_MADE_IN = re.compile(r"\s+(?!(?:and|or|in|on|to|for|with|by|from|as|at|of|which|who|that|this|next|last|over|"
                      r"under|until|through|via|after|before|during|while|but|is|are|was|were|will|would|has|have|"
                      r"had|said|says)\b)[a-z]")


# verbs of defence: "for interceptor drones to counter Russia's nightly attacks" aims at Russia, gives it nothing
_AGAINST = alternation(load("triggers")["defence_verbs"])


# a country that receives: "Taiwan received a separate $2 billion in foreign military financing"
_RECEIVES = re.compile(r"\s+(?:(?:has|had|will|would|also|then|in turn)\s+)*"
                       + alternation(load("triggers")["receiving_forms"]) + r"\b")


def _double_object(sentence: Sentence, actor: Actor) -> bool:
    """'would send the U.S. Patriot missiles': a country right after a provide verb is its recipient."""
    before = sentence.text[max(0, actor.start - sentence.start - 16):actor.start - sentence.start]
    return bool(re.search(r"\b(?:send|sends|give|gives|provide|provides|supply|supplies|sell|sells|lend)\s+(?:the\s+)?$",
                          before))


def channel_for(sentence: Sentence, actors: list[Actor], donor: Actor | None, clause: tuple[int, int],
                target_start: int, target_end: int) -> str | None:
    """A fund, facility or organisation the aid passes through ('through the NATO trust fund', 'via UNICEF').

    Looked for in the figure's own clause only; an organisation is named by its canonical short name
    from the gazetteer ('WFP', 'UNICEF', 'World Bank'), so reports from different outlets agree.
    """
    lo, hi = clause[0] - sentence.start, clause[1] - sentence.start
    text = sentence.text
    best: tuple[int, str] | None = None
    orgs = [a for a in actors if a.kind == "org" and (donor is None or a.code != donor.code)
            and clause[0] <= a.start < clause[1]]
    for m in _CHANNEL.finditer(text, lo, hi):
        dist = min(abs(m.start() - (target_end - sentence.start)), abs(m.end() - (target_start - sentence.start)))
        inside = [a for a in orgs if m.start() <= a.start - sentence.start < m.end()]
        name = inside[0].name if inside and inside[0].name.isupper() else \
            re.sub(r"^(?:the|a|an)\s+", "", m.group("name").strip()).rstrip(".,;:")  # no sentence's full stop
        if best is None or dist < best[0]:
            best = (dist, name)
    for a in orgs:
        if is_channel_mention(sentence, a):
            dist = min(abs(a.start - target_end), abs(a.end - target_start))
            if best is None or dist < best[0]:
                best = (dist, a.name)
    return best[1] if best is not None and best[0] <= 120 else None


# ---------------------------------------------------------------- scope


_CLAUSE_JOIN = re.compile(r",\s+(?:and|but|while|whereas)\s+|;\s+")
_LEADS_TO_NEXT = re.compile(r"\b(?:bring|brings|bringing|brought|take|takes|taking|took|rais\w+|lift\w*|push\w*|"
                            r"increas\w+)\b[^.;$€£¥]{0,40}\bto\s+(?:(?:about|around|over|more than|some|nearly)\s+)?$")


def scope_for(sentence: Sentence, window: tuple[int, int], target_start: int, target_end: int,
              thanked: bool, over_perfect: bool) -> str:
    """The scope of the figure at [target_start, target_end) within `window` of its clause."""
    pats = _scope_patterns()
    w_start, w_end = window[0] - sentence.start, window[1] - sentence.start
    before = sentence.text[w_start:target_start - sentence.start]
    after = sentence.text[target_end - sentence.start:w_end]
    near_before = before[-28:]
    if re.search(r"\b(?:including|includes|include|of which|among them|of this|of that|out of which|of the total|"
                 r"of this amount|of that amount|of it|of the package|of the sum|the remaining|the rest|the balance)"
                 r",?\s*(?:some|about|around|nearly|over|more than|up to|another)?\s*$", near_before, re.I):
        return "part_of"
    if re.match(r"\s*(?:of|from)\s+(?:the|this|that|its|a)\s+(?:total\s+)?[$€£¥\d]", after):
        return "part_of"  # "$300m of the $1bn package"
    if _LEADS_TO_NEXT.search(after):
        after = ""  # "$4.5bn, taking its total to $12.1bn": the total cue belongs to the next figure
    before = _CLAUSE_JOIN.split(before)[-1]  # "$7bn so far, and will add $4.5bn": the cue is the other clause's
    if pats["cumulative"].search(after[:70]) or pats["cumulative"].search(before[-40:]):
        return "cumulative"
    if pats["previous"].search(before) or pats["previous"].search(after[:80]):
        return "cumulative" if thanked else "previous"
    if over_perfect:
        return "cumulative"
    return "new"


# ---------------------------------------------------------------- types and sectors


def aid_type_for(text: str) -> str | None:
    return _first_label(_keyword_tables()[0], text)


def sector_for(text: str) -> str | None:
    return _first_label(_keyword_tables()[1], text)


def instrument_for(text: str) -> str | None:
    return _first_label(_keyword_tables()[2], text)


def _first_label(table: tuple[re.Pattern, list[str]], text: str) -> str | None:
    pattern, labels = table
    m = pattern.search(text)
    return labels[int(m.lastgroup[1:])] if m else None
