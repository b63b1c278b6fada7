"""Counted goods ("five mobile gas turbine generators") and services ("remote medical care").

Heads come from ``data/items.yaml``. A counted noun phrase is a number (digits or
words, or "a third"/"another" for one) followed by up to five modifiers and a
goods head; a service is a noun phrase headed by a service noun. Whether either
is a commitment is decided by the caller from the sentence's frame.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from aidledger.extract.dates import MONTHS
from aidledger.extract.lexicon import alternation, load, plural, starts
from aidledger.extract.text import BULLET, LIST_ITEM

_DETERMINERS = {"the", "a", "an", "this", "that", "these", "those", "its", "their", "his", "her", "our"}
# Heads too generic to stand without a count or a model name ("weapons", "systems"): "will send weapons"
# is talk about aid, "will send SCALP cruise missiles" is a commitment.
GENERIC_HEADS = {"weapon", "system", "vehicle", "machine", "unit", "kit", "equipment", "gun", "plane", "ship",
                 "boat", "car", "truck", "missile", "rocket", "shell", "round", "munition", "drone"}
_VAGUEST = frozenset(("weapon", "system", "unit", "kit", "equipment", "machine", "munition"))
STOP_MODIFIERS = {"additional", "more", "new", "further", "extra", "other", "another", "of", "the", "its", "their",
                  "some", "related", "modern", "advanced", "used", "much-needed", "urgently", "needed", "vital", "key"}
_NUMBER_WORDS = ("one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
                 "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred dozen "
                 "dozens hundreds thousands several").split()
_ORDINAL_ONE = (r"(?:a|an)\s+(?:second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|single"
                r"|(?:further|additional|extra)(?!\s+(?:\d|one|two|three|four|five|six|seven|eight|nine|ten|dozen)\b))")
# Months and words after which a number is part of a name, not a count ("Leopard 2 tanks", "Strv 122").
_NAME_BEFORE = re.compile(r"(?:^|\s)(?!(?:January|February|March|April|May|June|July|August|September|October|"
                          r"November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|The|In|On|By|"
                          r"Of|And|With|Some|About|Over|Nearly|Almost|Around|All|Another|Further)\b)[A-Z][\w.]*\s$")


@dataclass(frozen=True, slots=True)
class ItemMention:
    kind: str  # in_kind | service
    start: int
    end: int
    item: str
    head: str
    quantity: int | None
    aid_type: str | None
    sector: str | None
    from_verb: bool = False  # "train Ukrainian pilots": the verb is itself the service
    cue: int = -1  # where the cue of goods given as examples starts ("such as", "including"), if any


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern, re.Pattern, dict, dict, set]:
    data = load("items")
    heads: dict[str, dict] = {}
    for noun, entry in data["goods"].items():
        heads[noun] = entry
        heads[plural(noun, entry)] = entry
    things = data["measured_things"]
    measures = data["measure_words"]
    number = (rf"(?:(?:a|an)\s+(?:further|additional|new|extra)\s+)?"
              rf"(?P<num>\d+\.\d+(?=\s+(?:million|thousand))|\d{{1,3}}(?:,\d{{3}})+|\d+|(?:{'|'.join(_NUMBER_WORDS)})(?:[\s-]+(?:{'|'.join(_NUMBER_WORDS)}|and))*"
              rf"|{_ORDINAL_ONE})(?P<scale>\s+(?:million|thousand))?"  # "almost 4 million rounds"
              rf"(?:\s+(?:units?|pieces?)\s+of)?(?:\s+of\s+(?:its|their|the|his|her|our))?")
    # Greedy, so "gas turbine generators" wins over "gas turbine"; never across a conjunction or a number.
    # Model names may carry digits after the first word ("Challenger 2", "Leopard 2A4", "155mm").
    word = r"(?!(?:and|or|of|to|for|with|in|on|from|by|as|plus|per|each)\b)"
    # a calibre may open the phrase: "18 155mm howitzers"
    modifiers = (rf"(?P<mods>(?:(?:{word}(?![\d$€£¥])[\w'’./-]+|\d{{2,3}}-?mm)\s+"
                 rf"(?:{word}(?![$€£¥])[\w'’./-]+\s+){{0,4}})?)")
    goods = re.compile(
        rf"(?<![\w$€£¥.,/-])(?:(?:more than|over|about|around|nearly|almost|up to|some|at least)\s+)?{number}\s+{modifiers}"
        rf"(?:(?P<measure>{alternation(measures, fold=True)})\s+of\s+(?:the\s+)?"
        rf"(?P<thing>(?:[\w'’-]+\s+){{0,3}}?(?:{alternation(things, fold=True)}|{alternation(heads, fold=True)}))"
        rf"|(?P<head>{alternation(heads, fold=True)}))(?![\w-])",
        re.I,
    )
    services = data["services"]
    service = re.compile(rf"{starts(services, fold=True)}\b(?P<head>{alternation(services, fold=True)})\b", re.I)
    never = {n.lower() for n in data["never_items"]}
    return goods, service, heads, services, never


_MONEY_MODIFIERS = frozenset(("%", "percent", "million", "billion", "bn", "m", "thousand"))


_YEAR_BEFORE = re.compile(r"\b(?:(?i:in|since|by|until|from|through|during|early|late|mid)|"  # (months capitalised:
                          + "|".join(sorted((m.capitalize() for m in MONTHS), key=len, reverse=True))  # "may" is a verb)
                          + r")\.?\s+$")


# an acronym after "to the" is the receiving body, not a model name: "handed over to the SESU 50 ALIS mine detectors"
_TO_BODY = re.compile(r"\bto\s+the\s*$")


def find_goods(text: str, offset: int = 0) -> list[ItemMention]:
    goods, _, heads, _, never = _patterns()
    out = []
    pos = 0
    while (m := goods.search(text, pos)) is not None:
        pos = m.start() + 1  # a rejected match may hide a real count inside it ("In 2023 the government sent 50 ...")
        window = max(0, m.start() - 25)
        name = _NAME_BEFORE.search(text[window:m.start()])
        name_start = window + name.start() + name.group()[:1].isspace() if name else 0  # (past its leading space)
        if name and not _is_actor_name(name.group().strip()) and not (
                name.group().strip().isupper() and _TO_BODY.search(text, max(0, name_start - 12), name_start)):
            continue  # "Leopard 2 tanks", "Strv 122 tanks": a model number; but "give Ukraine 30 machines" counts
        qty = _quantity(m.group("num"))
        if qty and m.group("scale"):
            qty = int(qty * (1_000_000 if "million" in m.group("scale") else 1_000))
        elif isinstance(qty, float):
            continue
        if re.fullmatch(r"(?:19|20)\d\d", m.group("num")) and _YEAR_BEFORE.search(text, max(0, m.start() - 12), m.start()):
            continue  # a year, not a count: "In March 2022 Japan sent bulletproof vests"
        raw_mods = m.group("mods").split()
        if any(w.lower() in _DETERMINERS for w in raw_mods):
            continue  # the noun phrase ran over a clause: "2023 the government sent ..."
        mods = [w for w in raw_mods if w.lower() not in STOP_MODIFIERS]
        if qty is None or qty <= 0 or any(w.lower().rstrip("s") in never or w.lower() in never for w in mods):
            continue
        pos = m.end()
        if any(w.lower() in _MONEY_MODIFIERS for w in mods):
            continue  # "5 million doses" is a count, but "$5 million in trucks" is money; left to money
        if m.group("measure"):
            item, head, entry = _measured(m, mods, heads)
        else:
            head_raw = m.group("head")
            entry = heads.get(head_raw.lower(), {})
            head = _singular(head_raw.lower(), heads)
            model = _canonical_head(head_raw, head, entry)
            if entry.get("is") and mods and mods[-1].lower() in heads:
                # "20 infantry fighting vehicles Marder": the model names them, "Marder infantry fighting vehicle"
                item = " ".join([model] + mods[:-1] + [_singular(mods[-1].lower(), heads)])
            else:
                item = " ".join(mods + [model])
            head = item.split()[-1].lower()
        end = m.end()
        kind_after = _kind_after().match(text, end) if entry.get("is") and not m.group("measure") else None
        if kind_after:  # "three IRIS-T SLM systems": the model and its variant, then what they are
            item = f"{item}{kind_after.group('variant')} {_singular(kind_after.group('kind').lower(), heads)}"
            head, end = item.split()[-1].lower(), kind_after.end()
        classifier = _CLASSIFIER_AFTER.match(text, end)
        if classifier and not m.group("measure"):  # "30 mobile boiler units": the unit is the counted thing
            item, head, end = f"{item} {classifier.group(1)}", classifier.group(1), classifier.end()
        named = _MODEL_AFTER.match(text, end)
        if named and named.group("acronym"):
            item, end = named.group("acronym"), named.end()  # "four ... Rocket Systems (HIMARS)"
        elif named and not is_named(item) and not _is_actor_name(named.group("model").split()[0]):
            item, end = f"{named.group('model')} {item}", named.end()  # "648 self-propelled howitzers K9"
        out.append(ItemMention("in_kind", m.start() + offset, end + offset, _clean(item), head, qty,
                               entry.get("aid_type"), entry.get("sector")))
    return out




@lru_cache(maxsize=1)
def _kind_after() -> re.Pattern:
    """A model's variant and kind after its name: "IRIS-T SLM medium-range air defence systems"."""
    data = load("items")
    kinds = [plural(k, data["goods"].get(k) or {}) for k in data["model_kinds"]] + list(data["model_kinds"])
    return re.compile(r"(?P<variant>(?:\s+[A-Z][\w/-]*){0,2}(?:\s+(?!and\b|or\b|to\b|for\b)[a-z][\w-]*){0,3})\s+"
                      rf"(?P<kind>{alternation(kinds)})\b")


_CLASSIFIER_AFTER = re.compile(r"\s+(unit|set)s?\b(?!\s+of\b)")
# A model name after the counted head: a word with a capital and a digit or hyphen, or in capitals
# ("K9", "M777", "CV90"), possibly two; or an acronym in brackets that names the item ("(HIMARS)").
_MODEL_WORD = r"(?:[A-Z][A-Za-z]*[-/]?[A-Z0-9][\w/-]*|[A-Z]{2,}[\w-]*)"
_MODEL_AFTER = re.compile(rf"\s+(?P<model>{_MODEL_WORD}(?:\s+{_MODEL_WORD})?)(?=[\s,.;:)]|$)"
                          rf"|\s+\((?P<acronym>[A-Z][A-Z0-9-]{{2,}})\)")


def _is_actor_name(word: str) -> bool:
    from aidledger.extract.actors import _gazetteer

    return word in _gazetteer()[1]


def _measured(m: re.Match, mods: list[str], heads: dict) -> tuple[str, str, dict]:
    """'245,000 rounds of 155mm ammunition' -> '155mm round'; '24 units of excavators' -> 'excavator'."""
    thing = m.group("thing").strip()
    measure = m.group("measure").lower()
    countable = load("items")["countable_measures"]
    if measure in countable:
        words = [w for w in thing.split()[:-1]] if thing.split()[-1].lower() in ("ammunition", "munitions") \
            else thing.split()
        head = countable[measure]
        return " ".join(mods + words + [head]), head, {"aid_type": "military", "sector": "defence"}
    last = thing.split()[-1]
    entry = heads.get(last.lower(), {})
    head = _singular(last.lower(), heads) if entry else last.lower()
    item = " ".join(mods + thing.split()[:-1] + [_canonical_head(last, head, entry) if entry else last])
    package = load("items")["package_measures"].get(measure)
    if package:  # the pack is what is counted
        return f"{package} of {item}", package, entry
    return item, item.split()[-1].lower(), entry


def _canonical_head(raw: str, head: str, entry: dict) -> str:
    """A model name as head keeps its name, singular: 'F-16s' -> 'F-16', 'Bushmasters' -> 'Bushmaster'.

    The item is named as the article names it (what an analyst would write); its kind ('fighter jet')
    is known from items.yaml and gives the aid type and sector."""
    if entry.get("is"):
        name = raw if raw[:1].isupper() or any(c.isdigit() for c in raw) else head
        return _singular_model(re.sub(r"(?<=\d)s$|(?<=[A-Z])s$", "", name))
    return head


def _singular_model(name: str) -> str:
    return name[:-1] if name.endswith("s") and name[:-1].lower() in load("items")["goods"] else name


def find_uncounted(text: str, offset: int, verb_ends: list[int], item_ends: tuple[int, ...] = ()) -> list[ItemMention]:
    """Plural goods without a count right after a provide verb ('will send SCALP cruise missiles'),
    and those coordinated with them or with counted goods ('eight Archer systems and NLAW weapons')."""
    out = []
    for pos in verb_ends:
        found = _listed_kinds(text, offset, pos - offset) or _uncounted_list(text, offset, pos - offset)
        single = _SINGLE.match(text, pos - offset) if not found else None
        item = _uncounted_np(single, offset, singular=True) if single else None
        out += found or ([item] if item is not None else [])
    for pos in item_ends:
        nxt = _LIST_NEXT.match(text, pos - offset)
        if nxt:
            out += _uncounted_list(text, offset, nxt.end())
    return out


def find_examples(text: str, offset: int) -> list[ItemMention]:
    """Goods named as examples of aid ('non-lethal items such as food rations and field ambulances', 'power
    equipment including transformers and switchgear'): a cue of items.yaml `example_cues` (or a colon) at most 40
    characters and no clause break after a noun of `example_nouns`, then every conjunct headed by goods, passing
    over those that are not."""
    cues, nouns = _example_patterns()
    out, done = [], 0
    for m in cues.finditer(text):  # cues are rarer than the nouns: look back from each
        if m.start() < done:
            continue
        noun = next((n for n in nouns.finditer(text, max(done, m.start() - 70), m.start())
                     if m.start() - n.end() <= 40 and not _GAP_BREAK.search(text, n.end(), m.start())), None)
        if noun is None or _NOT_GIVEN.search(text, noun.end(), m.start()):
            continue
        done = m.end()
        cue = m.start("cue") if m.group("cue") else m.start("colon")
        out += [replace(u, cue=offset + cue) for u in _uncounted_list(text, offset, m.end(), skip=True)]
    return out


# between the noun and its examples, a need or a price: "what support may be required, such as spare parts",
# "the systems each cost around $1 billion, including missiles"
_NOT_GIVEN = re.compile(r"\b(?:required|needed|needs?|requires|lacks?|lacking|wanted|wants|costs?|priced)\b", re.I)
_GAP_BREAK = re.compile(r"[.;:()\n]")


@lru_cache(maxsize=1)
def _example_patterns() -> tuple[re.Pattern, re.Pattern]:
    data = load("items")
    # a cue after a space or comma, or a colon: "Equipment from Self-Defense Forces stocks: bulletproof vests, helmets"
    cues = re.compile(rf"(?:[ ,](?P<cue>{alternation(data['example_cues'], fold=True)})|(?P<colon>:))(?=\s)", re.I)
    nouns = re.compile(rf"\b(?:{alternation(data['example_nouns'], fold=True)})\b", re.I)
    return cues, nouns


def find_labelled_goods(text: str, offset: int, bare: bool = False) -> list[ItemMention]:
    """The goods a labelled list line names after its label: '(1) Energy: autotransformers, gas turbine generators
    and equipment for thermal power plants'; with `bare`, also a line that is only goods ('- Tactical vehicles;',
    '- Javelin and AT-4 anti-armor systems'), where a generic kind counts as it does among examples."""
    label = _LINE_LABEL.match(text)
    if label:
        return _uncounted_list(text, offset, label.end(), skip=True)
    mark = LIST_ITEM.match(text) if bare else None
    return _uncounted_list(_line_case(text, mark.end()), offset, mark.end() - 1, skip=True, kinds=True) if mark else []


def _line_case(text: str, start: int) -> str:
    """The line with its first word in lower case when only the line start capitalises it ('- Tactical vehicles',
    '- Small arms and ammunition'); a goods name keeps its capital ('- Stinger missiles')."""
    word = re.match(r"[A-Z][a-z]+\b", text[start:])
    if word is None or word.group().lower() in _patterns()[2]:
        return text
    return text[:start] + text[start].lower() + text[start + 1:]


_LINE_LABEL = re.compile(rf"\s*(?:{BULLET}|\(?\d{{1,2}}[.)]|\([a-z]\))?\s*[A-Z][^:.;\n]{{0,40}}:(?=\s)")


def _listed_kinds(text: str, offset: int, rel: int) -> list[ItemMention]:
    """A list of goods that names a generic kind among specific ones ('has sent drones, gas masks and protective
    suits'): the kind counts there, though alone ('will send drones') it is only talk about aid."""
    found = _uncounted_list(text, offset, rel, kinds=True)
    specific = [u for u in found if _singular(u.head, _patterns()[2]) not in GENERIC_HEADS]
    return found if len(found) >= 2 and specific else []


def _uncounted_list(text: str, offset: int, rel: int, skip: bool = False, kinds: bool = False) -> list[ItemMention]:
    """Goods noun phrases from `rel` on, following commas and 'and' while each conjunct is goods (`skip`: passing
    over those that are not; `kinds`: a generic head such as 'drones' counts, as among examples)."""
    out = []
    for _ in range(8):
        m = _UNCOUNTED.match(text, rel)
        found = _uncounted_np(m, offset, examples=skip or kinds) if m else None
        # a conjunct that is no goods is passed over among examples, or once the list has begun with goods
        # ("bulletproof vests, helmets, winter clothing, tents and cameras")
        if found is None and not ((skip or out) and m):
            break
        if found is not None:
            out.append(found)
        end = found.end - offset if found else m.start("np") + len(m.group("np").rstrip())
        # past the goods' origin or use: "vests and helmets from SDF stocks, as well as tents"
        tail = _TAIL_BEFORE_NEXT.match(text, end) if found else None
        nxt = _LIST_NEXT.match(text, tail.end() if tail else end)
        if not nxt:
            break
        rel = nxt.end()
    return out


def _uncounted_np(m: re.Match, offset: int, singular: bool = False, examples: bool = False) -> ItemMention | None:
    """The longest prefix of the phrase that ends in a plural goods head ('SCALP cruise missiles'), or with
    `singular` in a singular one, counted as one ('a NASAMS air defence system'). Among `examples` of goods
    ("items such as helmets and drones") a generic head names a kind of goods; only the vaguest need a name."""
    generic = _VAGUEST if examples else GENERIC_HEADS
    _, _, heads, _, never = _patterns()
    words = m.group("np").split()
    if words and words[-1].endswith("."):  # the sentence's full stop, not an abbreviation's ("U.S.")
        words[-1] = words[-1][:-1] if words[-1].count(".") == 1 else words[-1]
    for i in range(len(words), 0, -1):
        head = words[i - 1].lower().rstrip(",")
        entry = heads.get(head)
        if entry is None:
            continue
        number_ok = (head == _singular(head, heads)) if singular else (head != _singular(head, heads))
        if number_ok and not any(w.lower() in never for w in words[:i]):
            mods = [w for w in words[:i - 1] if w.lower() not in STOP_MODIFIERS]
            # a generic head needs a name, or a modifier that makes a goods entry of it ("demining machines")
            if _singular(head, heads) in generic and not is_named(" ".join(mods + [words[i - 1]])) and not (
                    i > 1 and f"{words[i - 2].lower()} {_singular(head, heads)}" in heads):
                return None
            item = " ".join(mods + [_canonical_head(words[i - 1], _singular(head, heads), entry)])
            start = offset + m.start("np")
            end = start + len(" ".join(words[:i]))
            return ItemMention("in_kind", start, end, _clean(item), item.split()[-1].lower(), 1 if singular else None,
                               entry.get("aid_type"), entry.get("sector"))
    return None if singular else _uncountable_np(m, words, offset)


def _uncountable_np(m: re.Match, words: list[str], offset: int) -> ItemMention | None:
    """A mass noun of goods in a list ('tents, winter clothing, headlamps', 'ammunition, artillery rounds'):
    the phrase ends in one of items.yaml `listed_mass_goods`."""
    things = load("items")["listed_mass_goods"]
    low = [w.lower().rstrip(",") for w in words]
    for i in range(len(words), 0, -1):
        for width in (2, 1):
            if i - width >= 0 and " ".join(low[i - width:i]) in things:
                mods = [w for w in words[:i - width] if w.lower() not in STOP_MODIFIERS]
                if any(w[:1].isupper() for w in mods):
                    return None  # "Russian ammunition", "Ukraine's fuel": not a good on the list
                item = " ".join(mods + [w.rstrip(",") for w in words[i - width:i]])
                start = offset + m.start("np")
                entry = things[" ".join(low[i - width:i])]
                return ItemMention("in_kind", start, start + len(" ".join(words[:i])), _clean(item),
                                   item.split()[-1].lower(), None, entry.get("aid_type"), entry.get("sector"))
    return None


# One named item after the verb: "will donate a NASAMS air defence system", "sent Ukraine an IRIS-T battery"
_SINGLE = re.compile(r"\s+(?:(?:Ukraine|Kyiv)\s+(?:with\s+)?)?(?:a|an|one)\s+(?:(?:new|further|additional|second|"
                     r"third|fourth|fifth)\s+)?(?P<np>(?:(?!(?:to|for|and|or|from|in|of|as|on|at|into|with|by|that|"
                     r"which|is|was|will)\b)[A-Za-z0-9][\w'’/-]*\s*){1,5})")


# What may follow a conjunct of goods before ", as well as" or ", and" carries the list on
_TAIL_BEFORE_NEXT = re.compile(r"\s+(?:from|for|against|made by|made in|produced by|built by|with)\s+[^,;:.()]{1,40}?"
                               r"(?=,\s*(?:and|as well as|plus)\s)")
# Between the conjuncts of a list of goods: ", ", " and ", ", and ", " as well as ", " plus ".
_LIST_NEXT = re.compile(r"\s*(?:,\s*(?:and\b|as well as\b|plus\b)?|\s(?:and|as well as|plus)\b)(?=\s)")


# After the verb (and the particle of 'handed over'): optional object pronoun/recipient ("Ukraine with"),
# determiners, then up to 5 words.
_UNCOUNTED = re.compile(r"\s+(?:over\s+)?(?:(?:Ukraine|Kyiv|it|them)\s+(?:with\s+)?)?(?:(?:its|their|his|her|our|some|more|"
                        r"additional|further|new|the|remaining)\s+)*(?P<np>(?:(?!(?:to|for|and|or|from|in|of|as|on|at|"
                        r"into|with|by|once|if|when|that|which|is|are|was|were|be|been|has|have|had|will|would|"
                        r"can|could|only|including|such|like|notably|especially|mainly)\b)[A-Za-z][\w'’./-]*\s*){1,6})")


# What a sum or programme is for, or the fields it covers, is no service of its own
_PURPOSE_BEFORE = re.compile(r"\b(?:to (?:finance|fund|support|pay for|cover)|earmarked for|used (?:for|to provide)|"
                             r"(?:fields?|areas?|sectors?) (?:of|such as|including)|such as|"
                             # "The funds will be directed on purchase of equipment for repair of ..."
                             r"(?:funds|money|grant|loan|allocation) (?:will be |are |were |is |was )?\w+ (?:on|to|for)"
                             r"(?: \w+){0,6} for"
                             # "with the remainder going to demining and the repair of roads"
                             r"|(?:remainder|rest|balance|money|funds|sum|amount) (?:will |would )?"
                             r"(?:go|goes|going|went) (?:to|towards))\s+(?:the\s+)?"
                             r"(?:[\w-]+,?\s+(?:and\s+)?){0,4}$", re.I)


def find_services(text: str, offset: int = 0) -> list[ItemMention]:
    _, service, _, services, _ = _patterns()
    modifier_of = _service_modifier_of()
    out = []
    for m in service.finditer(text):
        entry = services.get(m.group("head").lower(), {}) or {}
        following = re.match(r"\s+([\w-]+)", text[m.end():])
        if following and following.group(1).lower() in modifier_of:
            continue  # "demining equipment", "training centre": a modifier, not the service
        if m.group("head")[0].isupper() and m.start() > 0 and text[m.start() - 2:m.start()].strip() not in ("", ".", '"'):
            continue  # part of a name: "EU Civil Protection Mechanism", "Humanitarian Demining"
        if re.search(r"\bto\s+$", text[max(0, m.start() - 4):m.start()]):
            continue  # "to repair", "to shelter": a verb of purpose
        if _PURPOSE_BEFORE.search(text, max(0, m.start() - 60), m.start()):
            continue  # "to finance the repair of hospitals", "in fields such as energy, demining": what money is for
        start, end = _expand_np(text, m.start(), m.end())
        item = _clean(text[start:end])
        if _bare(item):
            continue  # "support for energy and demining", "food, shelter and protection": a field, not a service
        out.append(ItemMention("service", start + offset, end + offset, item, m.group("head").lower(), None,
                               entry.get("aid_type"), entry.get("sector")))
    return _merge_overlaps(out)


def _bare(item: str) -> bool:
    """Is the phrase only a field's name ('demining', 'medical care', "Japan's technology"): a noun of items.yaml
    `field_services` with nothing but `field_modifiers`, names or possessives before it?"""
    services, modifiers = _fields()
    words = item.lower().split()
    if not words or words[-1] not in services:
        return False
    return all(w in modifiers or w.endswith(("'s", "’s")) or w[:1] in "(\"" or
               item.split()[i][:1].isupper() for i, w in enumerate(words[:-1]))


@lru_cache(maxsize=1)
def _fields() -> tuple[frozenset, frozenset]:
    data = load("items")
    return frozenset(data["field_services"]), frozenset(data["field_modifiers"])


@lru_cache(maxsize=1)
def _service_modifier_of() -> frozenset:
    return frozenset(load("items")["service_modifier_of"])


_LEFT_STOP = re.compile(r"(?:^|[\s,;:(])(?:to|and|or|the|a|an|of|for|with|provide|providing|offer|offering|introduce|"
                        r"include|includes|including|in|on|by|as|well|its|their|his|her|our|will|would|also|is|are|"
                        r"was|were|be|been|that|which|plus|extend|share|sharing|deliver|send|supply|give|accept|"
                        r"from|into|through|via|using)$", re.I)


def _expand_np(text: str, start: int, end: int) -> tuple[int, int]:
    """Grow a service head into its noun phrase: modifiers to the left, an of/for complement to the right."""
    from aidledger.extract.frames import verb_forms

    words = list(re.finditer(r"[\w'’-]+", text[:start]))
    s = start
    for w in reversed(words[-5:]):
        if _LEFT_STOP.search(" " + w.group()) or text[w.end():s].strip(" ") not in ("",) \
                or w.group().lower() in verb_forms():
            break
        s = w.start()
    tail = re.match(r"\s+(?:for|of|in|on)\s+(?:the\s+)?(?:[\w'’-]+\s+){0,4}?[\w'’-]+(?=[,.;]|\s+(?:and|to|as|for|in|at)\b|$)",
                    text[end:])
    e = end + (tail.end() if tail else 0)
    return s, e


def service_from_verb(text: str, offset: int, verb_start: int, verb_end: int, lemma: str) -> ItemMention | None:
    """'train up to 10,000 Ukrainian soldiers' -> service 'training of up to 10,000 Ukrainian soldiers'."""
    entry = load("items")["service_verbs"].get(lemma)
    if entry is None:
        return None
    rel = verb_end - offset
    if re.match(r"\s+by\b", text[rel:]):  # "crews are being trained by Spanish instructors"
        return _passive_service(text, offset, verb_start, verb_end, entry)
    if re.match(r"\s+(?:of|for|to|in|on|at|with|from|under)\b", text[rel:]):
        return None  # "Training of Ukrainian crews", "provide training for the crews": a noun, left to the nouns
    # a quantifier opens the object: "train up to 10,000 soldiers" (its "to" must not end the object)
    obj = re.match(r"\s+((?:(?:up to|more than|over|about|around|nearly|almost|at least|as many as|some)\s+)?"
                   r"(?:[\w'’,.-]+\s+){0,6}?[\w'’-]+)(?=\s+(?:to|in|at|on|for|from|under|with|by|over|every|"
                   r"since|during|who|which|that|will|would|is|are|was|were|has|have|had|can|could)\b|[.;,:](?=\s|$)|$)",
                   text[rel:])
    requires = entry.get("requires")
    if requires and not (obj and any(w in obj.group(1).lower() for w in requires)):
        return None  # "host G7 leaders", "train the eye": the object must be someone aid is given to
    obj_text = _before_next_verb(obj.group(1)) if obj else ""
    end = verb_end + (obj.start(1) + len(obj_text) if obj else 0)
    item = entry["item"] + (f" of {obj_text}" if obj else "")
    return ItemMention("service", verb_start, end, item, entry["item"], None, entry.get("aid_type"),
                       entry.get("sector"), from_verb=True)


_PASSIVE_SUBJECT = re.compile(r"(?P<subject>(?:[\w'’-]+\s+){0,6}?[\w'’-]+)\s+(?:are|is|were|was|will be|have been|"
                              r"has been|had been|would be)(?:\s+(?:already|also|now|currently|being))*\s+$")


def _passive_service(text: str, offset: int, verb_start: int, verb_end: int, entry: dict) -> ItemMention | None:
    """'Ukrainian tank crews are being trained by Spanish instructors': the subject is who is served."""
    rel = verb_start - offset
    m = _PASSIVE_SUBJECT.search(text, max(0, rel - 80), rel)
    if m is None or not verb_end - verb_start or not text[verb_start - offset:verb_end - offset].endswith("ed"):
        return None
    subject = re.sub(r"^(?:the|The|a|A|an|An|some|Some)\s+", "", m.group("subject").split(",")[-1].strip())
    requires = entry.get("requires")
    if requires and not any(w in subject.lower() for w in requires):
        return None
    return ItemMention("service", verb_start, verb_end, f"{entry['item']} of {subject}", entry["item"], None,
                       entry.get("aid_type"), entry.get("sector"), from_verb=True)


def _before_next_verb(obj: str) -> str:
    """'Ukrainian deminers and provide demining equipment' -> 'Ukrainian deminers': a coordinated verb
    starts another predicate."""
    from aidledger.extract.frames import verb_forms

    m = re.search(r"\s+(?:and|or)\s+(\w+)", obj)
    return obj[:m.start()] if m and m.group(1).lower() in verb_forms() else obj


def _merge_overlaps(items: list[ItemMention]) -> list[ItemMention]:
    out: list[ItemMention] = []
    for it in items:
        if out and it.start < out[-1].end:
            continue
        out.append(it)
    return out


def _quantity(raw: str) -> int | None:
    raw = raw.strip().lower()
    if re.match(_ORDINAL_ONE, raw):
        return 1
    if raw[0].isdigit():
        return int(float(raw.replace(",", "")) * 1) if "." not in raw else float(raw)
    numbers = load("money")["numbers"]
    total = 0.0
    for word in re.split(r"[\s-]+", raw):
        if word in ("and",):
            continue
        if word in ("dozens", "hundreds", "thousands", "several"):
            return None  # vague counts are not quantities
        value = numbers.get(word)
        if value is None:
            return None
        total = total * 100 if value == 100 and total else total + value
    return int(total) if total else None


def _singular(word: str, heads: dict) -> str:
    return _singulars().get(word, word)


@lru_cache(maxsize=1)
def _singulars() -> dict[str, str]:
    out = {}
    for noun, entry in load("items")["goods"].items():
        out[plural(noun, entry)] = noun
        out[noun] = noun
    return out


def _clean(item: str) -> str:
    item = re.sub(r"^(?:the|a|an|its|their)\s+", "", item.strip(), flags=re.I)
    return re.sub(r"\s+", " ", item)


# ---------------------------------------------------------------- anaphoric items

_ANAPHOR_BEFORE = re.compile(r"\b(?:the|these|those|such|more|another|further|additional|remaining|first|second|"
                             r"next|last|same)\b[\w\s-]{0,40}$", re.I)
_ANAPHOR_AFTER = re.compile(r"\s+of\s+(?:this|that|the same|these|those)\s+(?:type|kind|model|class)\b", re.I)


@lru_cache(maxsize=1)
def _item_class() -> dict[str, str]:
    return {head: name for name, heads in load("items")["item_classes"].items() for head in heads}


def is_named(item: str) -> bool:
    """Does the item carry a name or model ("MiG-29 fighter jet", "Starlink terminal"), not just a class?"""
    return any(w[:1].isupper() or any(c.isdigit() for c in w) for w in item.split())


def resolve_anaphor(mention: ItemMention, text: str, named: list[str]) -> ItemMention:
    """'14 aircraft of this type' -> the most recent named item of the same class in the article.

    `named` holds the named items mentioned so far, oldest first. A bare head takes a named item's
    name when both have the same head, or when an anaphoric cue ("of this type", "the first six",
    "12 more") points back and both heads are of one class (aircraft/jet, gun/howitzer).
    """
    if mention.kind != "in_kind" or is_named(mention.item) or not named:
        return mention
    head = mention.item.split()[-1].lower()
    cue = bool(_ANAPHOR_BEFORE.search(text[max(0, mention.start - 30):mention.end]) or
               _ANAPHOR_AFTER.match(text, mention.end))
    classes = _item_class()
    goods = load("items")["goods"]
    for earlier in reversed(named):
        earlier_head = earlier.split()[-1].lower()
        # a model name ("MiG-29") is of the class of the kind it stands for ("fighter jet")
        kind = (goods.get(earlier_head) or {}).get("is") if isinstance(goods.get(earlier_head), dict) else None
        earlier_class = classes.get(kind.split()[-1]) if kind else classes.get(earlier_head)
        if earlier_head == head or cue and classes.get(head) and classes.get(head) == earlier_class:
            if kind and earlier_head != head:  # "its first two jets" after "F-16s": "F-16 jet", the noun as written
                earlier, earlier_head = f"{earlier} {mention.item.split()[-1]}", head
            return ItemMention(mention.kind, mention.start, mention.end, earlier, earlier_head, mention.quantity,
                               mention.aid_type, mention.sector, mention.from_verb)
    return mention


_MODEL_START = re.compile(r"\s(?=[A-Z][\w-]*|\d+[\w-]*[A-Za-z])")


def named_goods(text: str) -> list[str]:
    """Named plural goods anywhere in a sentence ('asked for MiG-29 fighter jets'), whatever the verb:
    the names later anaphors ('14 aircraft of this type') point back to."""
    out = []
    for start in _MODEL_START.finditer(text):
        m = _UNCOUNTED.match(text, start.start())
        found = _uncounted_np(m, 0) if m else None
        if found is not None and is_named(found.item):
            out.append(found.item)
    return out


_ELLIPTICAL = re.compile(
    r"\b(?:followed by|then|and|with|plus)\s+(?:another|the remaining|a further|the last|the final|a further)?\s*"
    rf"(?P<num>\d{{1,3}}(?:,\d{{3}})*|{'|'.join(_NUMBER_WORDS)})"
    r"(?=\s+(?:in|by|around|before|after|during|next|this|from|over|at|within|later)\b|\s*[,.;](?:\s|$))", re.I)


def elliptical_counts(text: str, offset: int, item: ItemMention, end: int) -> list[ItemMention]:
    """'19 F-16s: six around New Year, followed by eight in 2024 and the remaining five in 2025': counts
    without a noun after counted goods are more of the same item (a delivery schedule)."""
    out = []
    for m in _ELLIPTICAL.finditer(text, item.end - offset, end - offset):
        qty = _quantity(m.group("num"))
        if isinstance(qty, int) and qty > 0:
            out.append(ItemMention("in_kind", m.start("num") + offset, m.end("num") + offset, item.item, item.head,
                                   qty, item.aid_type, item.sector))
    return out
