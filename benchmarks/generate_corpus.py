"""Write N realistic synthetic news articles as text files, HTML pages with page chrome, JSONL or a WARC.gz.

Half of the articles (``--aid-share``) are about aid: a templated lead (a donor, an amount, a date, an
official, each drawn at random) followed by one invented article of the dev corpus (corpus/dev/docs);
the others are ordinary news (markets, weather, sport, politics) with figures that are not aid, as in a
real crawl. Every article gets a unique dateline and lead, so no two have the same content hash. HTML
pages carry navigation, a cookie banner, related links, a footer and scripts; the WARC has a request
record before each response, and some non-article records (an image, a redirect, robots.txt).

    python benchmarks/generate_corpus.py 10000 --format warc --out /tmp/corpus10k
    python benchmarks/generate_corpus.py 500 --format html --out /tmp/pages --seed 7

Deterministic for a given N and seed.
"""

from __future__ import annotations

import argparse
import gzip
import html
import io
import json
import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DONORS = [("Japan", "Tokyo", "Foreign Minister Yoko Kamikawa"),
          ("Germany", "Berlin", "Defence Minister Boris Pistorius"),
          ("Canada", "Ottawa", "Prime Minister Justin Trudeau"),
          ("Norway", "Oslo", "Prime Minister Jonas Gahr Store"),
          ("Sweden", "Stockholm", "Defence Minister Pal Jonson"),
          ("Denmark", "Copenhagen", "Defence Minister Troels Lund Poulsen"),
          ("the Netherlands", "The Hague", "Prime Minister Mark Rutte"),
          ("Australia", "Canberra", "Defence Minister Richard Marles"),
          ("South Korea", "Seoul", "Foreign Minister Park Jin"),
          ("Poland", "Warsaw", "President Andrzej Duda")]
CURRENCIES = [("$", "million"), ("EUR ", "million"), ("$", "billion"), ("NOK ", "billion"), ("SEK ", "million")]
AIDS = ["humanitarian", "military", "financial", "energy", "demining", "reconstruction"]
VERBS = ["will provide", "pledged", "has allocated", "promised to give", "announced", "approved"]
OTHER_NEWS = [
    "Shares in {city} closed {pct} percent higher on Tuesday as investors weighed a {n} billion merger in the "
    "retail sector.",
    "The central bank in {city} held its main rate at {pct} percent, citing inflation that remains above target.",
    "Heavy rain is expected across the region this week, with up to {n} millimetres forecast in the hills "
    "near {city}.",
    "The home side won {n}-{m} in front of {k},000 fans, extending their unbeaten run to {m} matches.",
    "Lawmakers in {city} debated a budget of {n} billion for schools and hospitals in a session that ran "
    "past midnight.",
    "Ticket prices for the summer festival in {city} rose to {n} euros, organisers said, blaming higher costs.",
    "A new rail line linking {city} to the coast will cost {n} billion and open in {year}, the transport "
    "ministry said.",
    "Unemployment fell to {pct} percent in the third quarter, the statistics office in {city} reported.",
]
BACKGROUND = [
    "Officials said the details would be worked out with partners in the coming weeks.",
    "The announcement came after talks between the two governments earlier in the month.",
    "Analysts said the move reflected growing concern about the winter ahead.",
    "The ministry did not give a timetable for the deliveries.",
    "Opposition politicians called for more scrutiny of how the funds are spent.",
    "The talks also covered trade, energy security and visa rules, according to a joint statement.",
]
CHROME_TOP = ("<div class='cookie'>We use cookies to improve your experience. <button>Accept all</button></div>"
              "<header><a href='/' class='logo'>Daily Ledger News</a><nav><a href='/world'>World</a> "
              "<a href='/business'>Business</a> <a href='/sport'>Sport</a> <a href='/opinion'>Opinion</a> "
              "<a href='/subscribe'>Subscribe</a></nav></header>")
CHROME_SIDE = ("<aside><h3>Most read</h3><ol><li><a href='/a'>Markets slide as rates stay high</a></li>"
               "<li><a href='/b'>Storm warning for the weekend</a></li><li><a href='/c'>Cup final tickets sold out"
               "</a></li></ol><h3>Newsletter</h3><p>Sign up for our morning briefing.</p></aside>")
CHROME_BOTTOM = ("<section class='related'><h3>Related</h3><ul><li><a href='/r1'>Five things to know today</a></li>"
                 "<li><a href='/r2'>Opinion: what the budget means for you</a></li></ul></section>"
                 "<footer><p>© Daily Ledger News. All rights reserved.</p><a href='/privacy'>Privacy</a> "
                 "<a href='/terms'>Terms</a></footer><script>window.dataLayer=[];function t(){}</script>")


def articles(n: int, seed: int = 1, aid_share: float = 0.5) -> Iterator[dict]:
    """N articles as dicts: slug, title, text, published, url."""
    rng = random.Random(seed)
    docs = [p.read_text("utf-8") for p in sorted((ROOT / "corpus" / "dev" / "docs").glob("*.txt"))]
    start = date(2022, 3, 1)
    for i in range(n):
        day = start + timedelta(days=rng.randrange(900))
        if rng.random() < aid_share:
            title, body = _aid_article(rng, day, docs[i % len(docs)])
        else:
            title, body = _other_article(rng, day)
        text = f"{title}\n\n{body}"
        yield {"slug": f"n{i:07d}", "title": title, "text": text, "published": day.isoformat(),
               "url": f"https://news.example.org/{day:%Y/%m/%d}/n{i:07d}.html"}


def _aid_article(rng: random.Random, day: date, doc: str) -> tuple[str, str]:
    donor, city, official = rng.choice(DONORS)
    symbol, scale = rng.choice(CURRENCIES)
    amount = rng.choice([5, 12, 20, 37, 50, 75, 100, 150, 250, 400]) + rng.randrange(10) / 10
    aid, verb = rng.choice(AIDS), rng.choice(VERBS)
    title = f"{donor[0].upper() + donor[1:]} {verb} {symbol}{amount:g} {scale} in {aid} aid for Ukraine"
    lead = (f"{city.upper()}, {day:%b} {day.day} (Wire) - {donor[0].upper() + donor[1:]} {verb} {symbol}{amount:g} "
            f"{scale} in {aid} aid to Ukraine, {official} said on {day:%A}.")
    body = doc.split("\n\n", 1)[-1]  # the dev article without its own headline
    return title, "\n\n".join([lead, *rng.sample(BACKGROUND, 2), body, *rng.sample(BACKGROUND, 3)])


def _other_article(rng: random.Random, day: date) -> tuple[str, str]:
    city = rng.choice(DONORS)[1]
    paras = [t.format(city=city, pct=rng.randrange(1, 9), n=rng.randrange(2, 90), m=rng.randrange(1, 6),
                      k=rng.randrange(10, 80), year=2025 + rng.randrange(6)) for t in rng.sample(OTHER_NEWS, 7)]
    title = f"{city}: {paras[0].split(',')[0][:70]}"
    lead = f"{city.upper()}, {day:%b} {day.day} (Wire) - {paras[0]}"
    return title, "\n\n".join([lead] + paras[1:] + rng.sample(BACKGROUND, 5))


def page_html(article: dict) -> str:
    """The article as a news site's page: chrome around it, metadata in the head."""
    title = html.escape(article["title"])
    paras = "".join(f"<p>{html.escape(p)}</p>" for p in article["text"].split("\n\n")[1:])
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title} | Daily Ledger News</title>"
            f"<meta property='og:title' content='{title}'>"
            f"<meta property='article:published_time' content='{article['published']}T08:00:00Z'>"
            f"<link rel='canonical' href='{article['url']}'></head><body>{CHROME_TOP}<main><article>"
            f"<h1>{title}</h1><p class='byline'>By Staff Reporter, {article['published']}</p>{paras}</article>"
            f"{CHROME_SIDE}</main>{CHROME_BOTTOM}</body></html>")


def write_warc(path: Path, items: Iterator[dict], extras: bool = True) -> int:
    """A per-record gzipped WARC of request/response pairs; every 50th article is followed by an image,
    a redirect or robots.txt record (not articles). Returns the number of article responses."""
    from warcio.warcwriter import WARCWriter

    count = 0
    with open(path, "wb") as f:
        writer = WARCWriter(f, gzip=True)
        for count, article in enumerate(items, start=1):
            _write_exchange(writer, article["url"], "200 OK", "text/html; charset=utf-8",
                            page_html(article).encode("utf-8"))
            if extras and count % 50 == 0:
                _write_exchange(writer, article["url"] + ".jpg", "200 OK", "image/jpeg", b"\xff\xd8\xff" + bytes(200))
                _write_exchange(writer, article["url"] + "?amp", "301 Moved Permanently", "text/html", b"")
                _write_exchange(writer, "https://news.example.org/robots.txt", "200 OK", "text/plain",
                                b"User-agent: *\nDisallow:\n")
    return count


def _write_exchange(writer, url: str, status: str, content_type: str, body: bytes) -> None:
    from warcio.statusandheaders import StatusAndHeaders

    request = StatusAndHeaders(f"GET {url} HTTP/1.1", [("Host", "news.example.org")], is_http_request=True)
    writer.write_record(writer.create_warc_record(url, "request", http_headers=request))
    headers = StatusAndHeaders(status, [("Content-Type", content_type), ("Content-Length", str(len(body)))],
                               protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers))


def write(n: int, fmt: str, out: Path, seed: int = 1, aid_share: float = 0.5) -> Path:
    """Write the corpus in one format under `out`; returns the file or folder to ingest."""
    out.mkdir(parents=True, exist_ok=True)
    items = articles(n, seed, aid_share)
    if fmt == "warc":
        target = out / f"corpus-{n}.warc.gz"
        write_warc(target, items)
    elif fmt == "jsonl":
        target = out / f"corpus-{n}.jsonl.gz"
        with gzip.open(target, "wt", encoding="utf-8") as f:
            for a in items:
                f.write(json.dumps({"html": page_html(a), "url": a["url"]}, ensure_ascii=False) + "\n")
    elif fmt in ("text", "html"):
        target = out / f"corpus-{n}-{fmt}"
        for a in items:
            shard = target / a["slug"][:-3]  # 1,000 files a folder
            shard.mkdir(parents=True, exist_ok=True)
            if fmt == "text":
                (shard / f"{a['slug']}.txt").write_text(a["text"], "utf-8")
            else:
                (shard / f"{a['slug']}.html").write_text(page_html(a), "utf-8")
    else:
        raise SystemExit(f"unknown format {fmt!r}: use text, html, jsonl or warc")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of articles")
    parser.add_argument("--format", default="warc", choices=["text", "html", "jsonl", "warc"])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--aid-share", type=float, default=0.5)
    args = parser.parse_args()
    print(write(args.n, args.format, args.out, args.seed, args.aid_share))


if __name__ == "__main__":
    main()
