from aidledger.extract.dates import find_dates, publication_date


def values(text, published):
    return [d.value for d in find_dates(text, published)]


def test_relative_expressions_resolve_against_publication():
    assert values("on Jan. 7", "2024-01-09") == ["2024-01-07"]
    assert values("in December", "2024-01-07") == ["2023-12"]
    assert values("on Tuesday", "2024-03-08") == ["2024-03-05"]
    assert values("last year", "2024-03-08") == ["2023"]
    assert values("on March 21, 2023", None) == ["2023-03-21"]
    assert values("21 March 2023", None) == ["2023-03-21"]


def test_unresolvable_without_base_are_skipped():
    assert values("on Tuesday", None) == []


def test_publication_date_prefers_byline_over_feed_items():
    text = ("News Feed\n7:31 PM\nA drone hit a depot on June 9, 2023, officials said.\n"
            "Headline here about aid\nby Jane Doe March 21, 2023 9:42 PM 2 min read\nBody text.")
    assert publication_date(text) == "2023-03-21"


def test_publication_date_from_date_line():
    assert publication_date("Title of story\n\nBy Staff Writer\nFebruary 20, 2024\nBody.") == "2024-02-20"


def test_numeric_date_styles():
    assert values("03.11.2023 | Ministry of Finance", None) == ["2023-11-03"]
    assert values("Seoul, 2022.03.11 (wire)", None) == ["2022-03-11"]


def test_yearless_dateline_needs_a_weekday_to_confirm_the_year():
    story = "BERLIN, March 3 (Wire) - Germany will send aid, the ministry said on Thursday. It began in 2022."
    assert publication_date(story) == "2022-03-03"
    assert publication_date("BERLIN, March 3 (Wire) - Germany will send aid. It began in 2022.") is None
