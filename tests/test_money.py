"""The money grammar on the forms wire copy uses."""

import pytest

from aidledger.extract.money import find_money, resolve_currency


@pytest.mark.parametrize("text, amount, currency, qualifier", [
    ("$37 million", 37e6, "$?", "exact"),
    ("US$2.5bn", 2.5e9, "USD", "exact"),
    ("€1.5 billion", 1.5e9, "EUR", "exact"),
    ("EUR 50 million", 50e6, "EUR", "exact"),
    ("40 million euros", 40e6, "EUR", "exact"),
    ("£300m", 300e6, "GBP", "exact"),
    ("¥740bn", 740e9, "JPY", "exact"),
    ("5.5 billion yen", 5.5e9, "JPY", "exact"),
    ("C$500,000", 5e5, "CAD", "exact"),
    ("A$100 million", 100e6, "AUD", "exact"),
    ("NOK 1 billion", 1e9, "NOK", "exact"),
    ("SEK 6.5bn", 6.5e9, "SEK", "exact"),
    ("CHF 5 mln", 5e6, "CHF", "exact"),
    ("130 billion won", 130e9, "KRW", "exact"),
    ("UAH 1.2 bln", 1.2e9, "UAH", "exact"),
    ("3 billion hryvnias", 3e9, "UAH", "exact"),
    ("1,500,000 euros", 1.5e6, "EUR", "exact"),
    ("five million euros", 5e6, "EUR", "exact"),
    ("half a billion euros", 5e8, "EUR", "exact"),
    ("three hundred million dollars", 3e8, "$?", "exact"),
    ("more than $7 billion", 7e9, "$?", "over"),
    ("nearly €2bn", 2e9, "EUR", "about"),
    ("up to £100m", 100e6, "GBP", "up_to"),
    ("$95M", 95e6, "$?", "exact"),
    ("$250k", 250e3, "$?", "exact"),
])
def test_single_amounts(text, amount, currency, qualifier):
    [m] = find_money(text)
    assert m.amount == pytest.approx(amount)
    assert (m.currency, m.qualifier) == (currency, qualifier)


def test_range_keeps_both_ends():
    [m] = find_money("a package of $15-20 billion")
    assert (m.amount, m.amount_min) == (20e9, 15e9)


def test_stated_conversion_is_one_amount():
    for text in ("15.8 billion yen ($106 million)", "NOK 1 billion (about $95 million)", "€500m, or about £430m,"):
        [m] = find_money(text)
        assert m.alt_amount is not None and m.alt_currency != m.currency


def test_increase_is_two_amounts_not_a_range():
    ms = find_money("raised its pledge from $100 million to $300 million")
    assert [m.amount for m in ms] == [100e6, 300e6]
    assert ms[0].preceded_by_from


def test_years_and_counts_are_not_money():
    assert find_money("In 2022, 18 packages of sanctions and 1,200 meters") == []


def test_spans_cut_out_the_amount():
    text = "Tokyo will also provide Ukraine with $470 million in grant aid"
    [m] = find_money(text)
    assert text[m.start:m.end] == "$470 million"


def test_bare_dollar_resolved_from_donor():
    assert resolve_currency("$?", "CAN") == ("CAD", True)
    assert resolve_currency("$?", "AUS") == ("AUD", True)
    assert resolve_currency("$?", "JPN") == ("USD", False)
    assert resolve_currency("kr?", "DNK") == ("DKK", True)


@pytest.mark.parametrize("text, amount, currency", [
    ("a further $500-million in aid", 500e6, "$?"),
    ("a 50-billion-euro aid package", 50e9, "EUR"),
])
def test_hyphenated_house_styles(text, amount, currency):
    [m] = find_money(text)
    assert (m.amount, m.currency) == (amount, currency)


@pytest.mark.parametrize("text, amount, currency", [
    ("Norway gave UNHCR $8 m in May", 8e6, "$?"),
    ("a grant of €3 m for schools", 3e6, "EUR"),
])
def test_a_space_before_a_one_letter_scale_after_a_currency(text, amount, currency):
    [m] = find_money(text)
    assert (m.amount, m.currency) == (amount, currency)


def test_a_bare_number_with_a_spaced_letter_is_no_money():
    assert find_money("a 12 m high wall") == []


def test_one_amount_written_in_two_scales():
    [m] = find_money("1.5 billion dollars (about 1 trillion 980 billion won)")
    assert (m.amount, m.alt_amount, m.alt_currency) == (1.5e9, 1.98e12, "KRW")
    [m] = find_money("$5 billion 20 million doses")  # the second scale counts doses, not money
    assert m.amount == 5e9


def test_a_tilde_marks_a_stated_conversion():
    [m] = find_money("€4 m (~$4.4 m)")
    assert (m.amount, m.alt_amount) == (4e6, 4.4e6)
