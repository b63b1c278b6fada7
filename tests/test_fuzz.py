"""Property tests (hypothesis) for the money grammar, date resolution and whole-document extraction.

Together they run over 10,000 generated cases per CI run. Properties: nothing raises; every span lies
inside the text and cuts out what it claims; amounts are finite and positive; a generated amount is read
back exactly; evidence spans contain the amount's span.
"""

import math
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aidledger import extract
from aidledger.extract.dates import find_dates, publication_date
from aidledger.extract.money import find_money

def fast(examples: int) -> settings:
    return settings(max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow],
                    derandomize=True)

SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "C$": "CAD", "A$": "AUD"}
WORDS = {"euros": "EUR", "pounds": "GBP", "yen": "JPY", "Swiss francs": "CHF", "won": "KRW", "hryvnias": "UAH"}
SCALES = {"million": 1e6, "billion": 1e9, "bn": 1e9, "m": 1e6, "mln": 1e6, "thousand": 1e3}

noise = st.text(alphabet=string.ascii_letters + string.digits + " .,;:$€£¥()-–'\"\n", max_size=200)


@st.composite
def amounts(draw):
    whole = draw(st.integers(min_value=1, max_value=999))
    decimals = draw(st.sampled_from(["", ".5", ".25", ".1"]))
    scale = draw(st.sampled_from(list(SCALES)))
    glue = "" if scale in ("bn", "m", "mln") else " "
    if draw(st.booleans()):
        sym = draw(st.sampled_from(list(SYMBOLS)))
        text, currency = f"{sym}{whole}{decimals}{glue}{scale}", SYMBOLS[sym]
    else:
        word = draw(st.sampled_from(list(WORDS)))
        text, currency = f"{whole}{decimals} {scale if glue else 'million'} {word}", WORDS[word]
        scale = scale if glue else "million"
    return text, float(f"{whole}{decimals}") * SCALES[scale], currency


@fast(5000)
@given(amounts(), st.sampled_from(["Japan will give ", "A total of ", "", "Norway pledged "]),
       st.sampled_from([" to Ukraine.", " in aid", "", ", officials said."]))
def test_generated_amounts_are_read_back(amount, before, after):
    text, value, currency = amount
    sentence = before + text + after
    found = find_money(sentence)
    assert len(found) == 1
    m = found[0]
    assert sentence[m.start:m.end] == text
    assert math.isclose(m.amount, value, rel_tol=1e-9)
    assert m.currency in (currency, "$?")


@fast(3000)
@given(noise)
def test_money_grammar_never_raises_and_spans_stay_inside(text):
    for m in find_money(text):
        assert 0 <= m.start < m.end <= len(text)
        assert math.isfinite(m.amount) and m.amount > 0


@fast(1500)
@given(noise, st.dates().map(lambda d: d.isoformat()) | st.none())
def test_dates_never_raise_and_resolve_to_valid_values(text, published):
    for d in find_dates(text, published):
        assert 0 <= d.start < d.end <= len(text)
        assert len(d.value) in (4, 7, 10)
    publication_date(text)


articles = st.lists(st.one_of(
    noise,
    amounts().map(lambda a: f"Germany will provide {a[0]} to Ukraine, Berlin said on Tuesday."),
    st.sampled_from(["Japan will send 12 generators to Ukraine.", "By Jane Doe\nMarch 3, 2024",
                     "The damage is estimated at $486 billion.", "• TOP", "7:31 PM"]),
), max_size=8).map("\n".join)


@fast(1000)
@given(articles, st.dates().map(lambda d: d.isoformat()) | st.none())
def test_whole_document_extraction_keeps_its_promises(text, published):
    for c in extract(text, published=published):
        ev = c.evidence
        assert 0 <= ev.start < ev.end <= len(text)
        assert text[ev.start:ev.end] == ev.sentence
        if c.amount is not None:
            assert math.isfinite(c.amount) and c.amount > 0
        if ev.amount_start is not None:
            assert ev.start <= ev.amount_start < ev.amount_end <= ev.end
