"""The dashboard, driven in-process: escaping of article text, evidence highlighting, sign-in, CSRF, review forms."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import aidledger
from aidledger.serve import Settings, create_app
from aidledger.serve.auth import create_token
from aidledger.serve.render import highlight

SAMPLE = Path(aidledger.__file__).parent / "sample"
HOSTILE = ("<script>alert('title')</script> Japan aid\nMarch 4, 2024\n"
           "Japan pledged $37 million to Ukraine <img src=x onerror=alert(1)> for demining on Monday "
           "<script>alert(2)</script>, the ministry said.\n")


@pytest.fixture
def site(db_url, tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    ledger = aidledger.open_ledger(db_url)
    ledger.ingest([SAMPLE, tmp_path / "docs"])
    token = create_token(ledger.engine, "ana")
    return TestClient(create_app(Settings(url=db_url))), ledger, token


def hostile_entry(ledger) -> dict:
    return next(e for e in ledger.entries(donor="JPN") if e["amount"] == 37e6 and e["date"] == "2024-03-04")


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]+)"', html).group(1)


def test_article_text_is_escaped_everywhere(site):
    client, ledger, _ = site
    entry = hostile_entry(ledger)
    for path in ("/", "/ledger", "/ledger?donor=JPN", f"/entries/{entry['id']}", "/ledger?q=demining"):
        html = client.get(path).text
        assert "<script>alert" not in html and "<img src=x" not in html, path
    page = client.get(f"/entries/{entry['id']}").text
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page and "&lt;script&gt;alert(&#39;title&#39;)" in page


def test_entry_page_highlights_the_evidence_and_the_figure(site):
    client, ledger, _ = site
    entry = hostile_entry(ledger)
    page = client.get(f"/entries/{entry['id']}").text
    mark = re.search(r'<mark class="evidence" id="ev-\d+">(.*?)</mark>', page, re.S).group(1)
    assert '<strong class="amount">$37 million</strong>' in mark
    assert "Japan pledged" in mark and "&lt;img" in mark


def test_highlight_keeps_offsets_and_escapes():
    body = "a <b> Japan pledged $5m. tail & more"
    start = body.index("Japan")
    out = str(highlight(body, [{"id": 1, "start": start, "end": body.index(" tail"),
                                "amount_start": body.index("$"), "amount_end": body.index(".")},
                               {"id": 2, "start": 0, "end": 999, "amount_start": None, "amount_end": None}]))
    assert out == ('a &lt;b&gt; <mark class="evidence" id="ev-1">Japan pledged <strong class="amount">$5m'
                   '</strong>.</mark> tail &amp; more')


def test_overview_figures_link_through_to_filtered_ledger_and_evidence(site):
    client, ledger, _ = site
    overview = client.get("/").text
    link = re.search(r'href="(/ledger\?donor=JPN[^"]*)"', overview).group(1).replace("&amp;", "&")
    table = client.get(link).text
    figure = re.search(r'href="(/entries/e[0-9a-f]+)#evidence"', table).group(1)
    assert '<mark class="evidence"' in client.get(figure).text
    point = ledger.reported_totals()[0]
    donor_page = client.get(f"/donors/{point['donor']}").text
    assert "Itemised up to then" in donor_page and (point["as_of"] or "undated") in donor_page


def test_review_form_needs_csrf_and_a_signed_in_token(site):
    client, ledger, token = site
    entry = hostile_entry(ledger)
    good = csrf_of(client.get("/login").text)  # the first page also gives this browser its cookie
    form = {"action": "edit", "amount": "38000000"}
    assert client.post(f"/entries/{entry['id']}/review", data=form).status_code == 403
    assert client.post(f"/entries/{entry['id']}/review", data={**form, "csrf": "0" * 64}).status_code == 403
    anonymous = client.post(f"/entries/{entry['id']}/review", data={**form, "csrf": good}, follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
    assert client.post("/login", data={"token": token, "csrf": "bad"}).status_code == 403
    assert client.post("/login", data={"token": "ald_wrong", "csrf": good}).status_code == 401
    signed = client.post("/login", data={"token": token, "csrf": good, "next": f"/entries/{entry['id']}"})
    assert "Signed in as" in signed.text and "ana" in signed.text
    done = client.post(f"/entries/{entry['id']}/review", data={**form, "csrf": good, "note": "checked <b>"})
    assert done.status_code == 200
    assert ledger.entry(entry["id"])["amount"] == 38e6
    audit = done.text[done.text.index('id="audit"'):]
    assert "ana" in audit and "edit" in audit and "37000000.0 → 38000000.0" in audit and "checked &lt;b&gt;" in audit


def test_foreign_redirect_targets_are_refused(site):
    client, _, token = site
    good = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"token": token, "csrf": good, "next": "//evil.example/"},
                           follow_redirects=False)
    assert response.headers["location"] == "/"


def test_private_dashboard_sends_readers_to_sign_in(db_url):
    aidledger.open_ledger(db_url)
    client = TestClient(create_app(Settings(url=db_url, public_reads=False)))
    response = client.get("/ledger", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login?next=/ledger"


def test_unknown_pages_are_html_errors(site):
    client, _, _ = site
    response = client.get("/entries/e000000000000")
    assert response.status_code == 404 and "<h1>Error 404</h1>" in response.text


def test_ledger_links_keep_every_filter_valid(site):
    client, _, _ = site
    page = client.get("/ledger", params={"counted": "true", "kind": "money"}).text
    links = [link.replace("&amp;", "&") for link in re.findall(r'href="(/api/export/[^"]+)"', page)]
    assert len(links) == 2 and all("counted=true" in link for link in links)
    assert all(client.get(link).status_code == 200 for link in links)
