"""The dashboard in a real browser: Playwright driving Debian's Chromium against `aidledger serve`'s app on loopback.

Screenshots are saved under test-artifacts/ (gitignored) for a person to look at.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import aidledger
from aidledger.serve import Settings, create_app
from aidledger.serve.auth import create_token

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
SAMPLE = Path(aidledger.__file__).parent / "sample"


@pytest.fixture(scope="module")
def server(browser, tmp_path_factory):
    """The service on a free loopback port, over the sample corpus, with a token for 'ana'."""
    from liveserver import live_server

    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'ledger.db'}"
    ledger = aidledger.open_ledger(url)
    ledger.ingest([SAMPLE])
    token = create_token(ledger.engine, "ana")
    with live_server(create_app(Settings(url=url))) as base:
        yield base, token, ledger


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_overview_filter_click_through_to_evidence_and_review(server, page):
    base, token, ledger = server
    page.goto(base + "/")
    assert page.locator("svg.chart rect").count() > 0
    assert page.get_by_role("heading", name="By donor").is_visible()
    shot(page, "01-overview")

    page.get_by_role("link", name="Ledger", exact=True).click()
    page.get_by_label("Donor").fill("JPN")
    page.get_by_label("Kind").select_option("money")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**/ledger?*donor=JPN*")
    donors = page.locator("table.ledger tbody tr td:nth-child(2)").all_inner_texts()
    assert donors and set(donors) == {"JPN"}
    shot(page, "02-ledger-filtered")

    page.locator("table.ledger a.figure").first.click()
    page.wait_for_url("**/entries/*#evidence")
    mark = page.locator("mark.evidence").first
    assert mark.is_visible()
    figure = mark.locator("strong.amount").inner_text()
    entry_id = page.url.split("/entries/")[1].split("#")[0]
    sentence = ledger.entry(entry_id)["members"][0]["evidence"][0]
    assert figure and figure in sentence["sentence"]
    shot(page, "03-entry-evidence")

    page.get_by_role("link", name="Sign in with a token").click()
    page.get_by_label("Token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**/entries/{entry_id}")
    page.locator("#e-amount").fill("12345678")
    page.locator("#e-note").fill("checked against the ministry release")
    page.get_by_role("button", name="Save edit").click()
    page.wait_for_url(f"**/entries/{entry_id}#audit")
    audit = page.locator("table.audit").inner_text()
    assert "ana" in audit and "edit" in audit and "12345678" in audit and "checked against the ministry" in audit
    assert ledger.entry(entry_id)["amount"] == 12345678
    page.locator("#audit").scroll_into_view_if_needed()
    shot(page, "04-review-audit")


def test_keyboard_reaches_content_and_filters(server, page):
    base, _, _ = server
    page.goto(base + "/ledger")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "f-q"
    page.keyboard.type("demining")
    page.keyboard.press("Enter")
    page.wait_for_url("**/ledger?q=demining*")
    assert page.locator("table.ledger tbody tr").count() >= 1


CONTRAST = """(selector) => {
  const rgb = (c) => c.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number);
  const linear = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  const lum = (c) => { const [r, g, b] = rgb(c).map(linear); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const background = (el) => { for (; el; el = el.parentElement) { const c = getComputedStyle(el).backgroundColor;
                                 if (!c.startsWith('rgba(0, 0, 0, 0)')) return c; } return 'rgb(255, 255, 255)'; };
  return [...document.querySelectorAll(selector)].filter(el => el.offsetParent !== null).map(el => {
    const [a, b] = [lum(getComputedStyle(el).color), lum(background(el))];
    return [el.tagName + ':' + el.textContent.trim().slice(0, 30), (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)];
  });
}"""


def test_text_has_readable_contrast(server, page):
    base, _, ledger = server
    entry = max(ledger.entries(), key=lambda e: e["sources"])
    for path in ("/", "/ledger", f"/entries/{entry['id']}"):
        page.goto(base + path)
        ratios = page.evaluate(CONTRAST, "h1, h2, th, td, a, p, dt, dd, label, button, mark, strong, footer")
        assert ratios, path
        low = [(what, round(r, 2)) for what, r in ratios if r < 4.5]  # WCAG AA for normal text
        assert not low, (path, low)
