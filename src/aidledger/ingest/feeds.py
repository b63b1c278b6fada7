"""RSS and Atom feeds (feedparser) and lists of URLs: article records, fetched where needed.

A feed entry that carries the full article (Atom ``content``, RSS ``content:encoded``) becomes an HTML
record directly; an entry with only a summary and a link becomes a URL record, fetched politely by
`aidledger.ingest.fetch`. A ``.urls`` file lists article URLs, a ``.feeds`` file lists feed URLs, one a
line (blank lines and ``#`` comments are skipped).
"""

from __future__ import annotations

import html
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from aidledger.errors import InputError
from aidledger.ingest.fetch import Fetcher
from aidledger.ingest.raw import RawRecord, documents
from aidledger.records import Document


def read_feed(path: Path) -> Iterator[Document | InputError]:
    """Articles of a local feed file; linked pages are fetched with the default (public-only) policy."""
    with Fetcher() as fetcher:
        yield from documents(iter_feed(path.read_bytes(), str(path)), fetcher)


def read_url_list(path: Path) -> Iterator[Document | InputError]:
    with Fetcher() as fetcher:
        yield from documents(iter_url_list(_lines(path), str(path)), fetcher)


def read_feed_list(path: Path) -> Iterator[Document | InputError]:
    with Fetcher() as fetcher:
        yield from documents(iter_feed_list(_lines(path), str(path), fetcher), fetcher)


def iter_feed(data: bytes, name: str) -> Iterator[RawRecord | InputError]:
    """One record per entry of the feed in `data`."""
    import feedparser

    feed = feedparser.parse(data)
    if not feed.entries:
        problem = f"is not a feed ({feed.bozo_exception})" if feed.bozo else "has no entries"
        yield InputError(name, problem, "pass an RSS or Atom document")
        return
    for number, entry in enumerate(feed.entries, start=1):
        yield _entry_record(entry, f"{name}:{number}")


def iter_url_list(lines: Iterable[str], name: str, first_line: int = 1) -> Iterator[RawRecord | InputError]:
    """One URL record per listed address."""
    for number, line in enumerate(lines, start=first_line):
        url = line.strip()
        if not url or url.startswith("#"):
            continue
        if not url.startswith(("http://", "https://")):
            yield InputError(f"{name}:{number}", f"{url[:80]!r} is not an http(s) URL", "one URL per line")
            continue
        yield RawRecord(f"{name}:{number}", "url", url, url=url)


def iter_feed_list(lines: Iterable[str], name: str, fetcher: Fetcher) -> Iterator[RawRecord | InputError]:
    """The entries of every listed feed, each feed fetched once."""
    for item in iter_url_list(lines, name):
        if isinstance(item, InputError):
            yield item
            continue
        try:
            page = fetcher.get(item.url)
        except InputError as exc:
            yield exc
            continue
        yield from iter_feed(page.body, f"{item.source}({item.url})")


def _entry_record(entry, source: str) -> RawRecord | InputError:
    published = _entry_date(entry)
    link = entry.get("link")
    content = max((c.get("value", "") for c in entry.get("content", [])), key=len, default="")
    if content.strip():
        return RawRecord(source, "html", _page(entry.get("title", ""), content), url=link, published=published)
    if link and link.startswith(("http://", "https://")):
        return RawRecord(source, "url", link, url=link, published=published)
    if entry.get("summary", "").strip():
        return RawRecord(source, "html", _page(entry.get("title", ""), entry["summary"]), url=link,
                         published=published)
    return InputError(source, "entry has no content, summary or link", "the feed carries no article here")


def _page(title: str, body_html: str) -> str:
    """A feed's HTML fragment as a page, so the same HTML path (trafilatura) reads it."""
    t = html.escape(title)
    return f"<html><head><title>{t}</title></head><body><article><h1>{t}</h1>{body_html}</article></body></html>"


def _entry_date(entry) -> str | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return time.strftime("%Y-%m-%d", parsed) if parsed else None


def _lines(path: Path) -> list[str]:
    from aidledger.ingest.readers import read_text_file

    return read_text_file(path).splitlines()
