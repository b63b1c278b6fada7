"""Stored and reflected XSS in a real browser: hostile articles, notes and filters render as inert text.

Articles whose titles, texts and URLs carry script tags, event-handler attributes, `javascript:` links and
attribute breakouts are ingested, a reviewer stores more of them in a note and an edited field, and Debian's
Chromium (Playwright) opens every dashboard page that shows them on a real uvicorn server on loopback. Every
payload, if it ran, would set `window.__xss` or open a dialog; neither may happen, the page may hold no
script, frame or event-handler attribute, and the payloads must be readable as text.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest

import aidledger
from aidledger.serve import Settings, create_app
from aidledger.serve.auth import create_token

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"

SCRIPT = "<script>window.__xss='script';alert('script')</script>"
IMG = "<img src=x onerror=\"window.__xss='img';alert('img')\">"
SVG = "\"><svg onload=\"window.__xss='svg';alert('svg')\">"
LINK = "<a href=\"javascript:window.__xss='link';alert('link')\">details</a>"
SINGLE = "'><body onload=alert('single')>"
PAYLOADS = (SCRIPT, IMG, SVG, LINK, SINGLE)
TITLE = f"Japan aid {SCRIPT} {IMG} {SVG}"
TEXT = (f"Tokyo, March 4, 2024\nJapan pledged $37 million to Ukraine {IMG} for demining {SCRIPT} on Monday "
        f"{SVG}, the foreign ministry said {LINK} {SINGLE}.\nThe money will buy {SCRIPT} detectors.\n")
HTML_ARTICLE = f"""<html><head><title>{SCRIPT} Norway aid</title>
<meta property="og:url" content="javascript:window.__xss='og'"></head>
<body onload="window.__xss='body'"><article><h1>Norway pledges {IMG}</h1>
<p>Oslo, April 2, 2024. Norway pledged NOK 500 million to Ukraine for energy repairs on Tuesday,
the government said. <a href="javascript:window.__xss='a';alert('a')">Read the statement</a>
<script>window.__xss='inline';alert('inline')</script>
Quoted in the release: &lt;script&gt;window.__xss='escaped';alert('escaped')&lt;/script&gt; and
&lt;img src=x onerror=alert('escaped-img')&gt; should read as text.</p>
<p><iframe src="javascript:alert('frame')"></iframe>Officials said more help would follow.</p>
</article></body></html>"""

INERT = """() => ({
  xss: typeof window.__xss === 'undefined' ? null : String(window.__xss),
  scripts: document.querySelectorAll('script').length,
  frames: document.querySelectorAll('iframe, frame, object, embed').length,
  handlers: [...document.querySelectorAll('*')].flatMap(el => [...el.attributes]
              .filter(a => a.name.toLowerCase().startsWith('on')).map(a => el.tagName + '@' + a.name)),
  jsLinks: [...document.querySelectorAll('[href], [src], [action], [formaction]')].map(el =>
              el.getAttribute('href') || el.getAttribute('src') || el.getAttribute('action') ||
              el.getAttribute('formaction')).filter(v => /^\\s*javascript:/i.test(v)),
})"""


@pytest.fixture(scope="module")
def hostile(browser, tmp_path_factory):
    """The service on loopback over hostile articles; a reviewer's note and edit carry payloads too."""
    from fastapi.testclient import TestClient
    from liveserver import live_server

    folder = tmp_path_factory.mktemp("hostile")
    (folder / "articles.jsonl").write_text(json.dumps({
        "title": TITLE, "text": TEXT, "published": "2024-03-04",
        "url": "javascript:window.__xss='url';alert('url')"}) + "\n", encoding="utf-8")
    (folder / "norway.html").write_text(HTML_ARTICLE, encoding="utf-8")
    url = f"sqlite:///{folder / 'ledger.db'}"
    ledger = aidledger.open_ledger(url)
    ledger.ingest([folder])
    app = create_app(Settings(url=url))
    entry = next(e for e in ledger.entries(donor="JPN") if e["amount"] == 37e6)
    token = create_token(ledger.engine, "ana")
    edited = TestClient(app).post(f"/api/entries/{entry['id']}/review", headers={"Authorization": f"Bearer {token}"},
                                  json={"action": "edit", "values": {"channel": SVG, "item": SCRIPT},
                                        "note": f"checked {IMG} {LINK}"})
    assert edited.status_code == 201, edited.text
    with live_server(app) as base:
        yield base, ledger, entry["id"]


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    context.close()


def visit(page, url: str) -> dict:
    """Open `url`, give any payload time to fire, and return what the page shows of script activity."""
    page.goto(url, wait_until="load")
    page.wait_for_timeout(150)  # onerror of a broken image and onload of an SVG fire just after load
    return page.evaluate(INERT)


def assert_inert(page, url: str) -> None:
    found = visit(page, url)
    assert page.dialogs == [], (url, page.dialogs)
    assert found == {"xss": None, "scripts": 0, "frames": 0, "handlers": [], "jsLinks": []}, (url, found)


def test_stored_payloads_never_run_on_any_page(hostile, page):
    base, ledger, entry_id = hostile
    norway = next(e["id"] for e in ledger.entries(donor="NOR"))
    for path in ("/", "/ledger", "/ledger?q=demining", "/ledger?donor=JPN", f"/entries/{entry_id}",
                 f"/entries/{entry_id}#evidence", f"/entries/{norway}#evidence", "/donors/JPN", "/donors/NOR"):
        assert_inert(page, base + path)


def test_reflected_payloads_in_filters_and_paths_never_run(hostile, page):
    base, _, _ = hostile
    for payload in PAYLOADS:
        assert_inert(page, f"{base}/ledger?donor={quote(payload)}&q={quote(payload)}&channel={quote(payload)}")
        assert_inert(page, f"{base}/entries/{quote(payload, safe='')}")  # the 404 page names the id
        assert_inert(page, f"{base}/donors/{quote(payload, safe='')}")
        assert_inert(page, f"{base}/login?next={quote(payload)}")
    page.goto(f"{base}/login?next={quote('javascript:alert(1)')}")
    assert page.locator("input[name=next]").get_attribute("value") == "/"


def test_payloads_read_as_text_where_they_are_shown(hostile, page):
    base, ledger, entry_id = hostile
    assert_inert(page, f"{base}/entries/{entry_id}#evidence")
    shown = page.locator("main").inner_text()
    for payload in (TITLE, SCRIPT, IMG, SVG.strip(), LINK, SINGLE):
        assert payload in shown, payload
    assert "javascript:window.__xss='url'" in shown  # the article's URL, as text and not a link
    mark = page.locator("mark.evidence").first
    assert mark.is_visible() and IMG in mark.inner_text() and "$37 million" in mark.inner_text()
    assert SVG in page.locator("dl.facts").inner_text()  # the edited channel
    audit = page.locator("table.audit").inner_text()
    assert f"checked {IMG} {LINK}" in audit
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "security-hostile-entry.png"), full_page=True)

    norway = next(e["id"] for e in ledger.entries(donor="NOR"))
    assert_inert(page, f"{base}/entries/{norway}#evidence")
    article = page.locator("div.article").first.inner_text()
    assert "<script>window.__xss='escaped';alert('escaped')</script>" in article


def test_the_api_serves_hostile_text_as_json_not_html(hostile, page):
    base, ledger, entry_id = hostile
    document_id = ledger.entry(entry_id)["members"][0]["document_id"]
    for path in (f"/api/documents/{document_id}", f"/api/entries/{entry_id}",
                 f"/api/entries/{quote(SCRIPT, safe='')}"):
        response = page.request.get(base + path)
        assert response.headers["content-type"].startswith("application/json"), path
        assert_inert(page, base + path)
    export = page.request.get(base + "/api/export/documents.json")  # a download, never rendered as a page
    assert export.headers["content-type"].startswith("application/json")
    assert export.headers["content-disposition"].startswith("attachment")
    assert TITLE in {d["title"] for d in export.json()}
