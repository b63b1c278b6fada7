"""HTML pages -> Document: trafilatura for the main text and metadata (title, date, author)."""

from __future__ import annotations

import logging
import time
import unicodedata
from functools import lru_cache

from aidledger.errors import InputError
from aidledger.extract.dates import publication_date
from aidledger.records import Document

# trafilatura.extract's options, plus its metadata pass
TRAFILATURA_OPTIONS = dict(include_comments=False, include_tables=False, favor_recall=True)
LOGGER = logging.getLogger(__name__)


def html_to_document(html: str, source: str) -> Document:
    if not html.strip():
        raise InputError(source, "the page is empty", "remove the file or fetch it again")
    try:
        text, meta = _text_and_metadata(html)
    except Exception as exc:  # trafilatura raises many lxml errors; translate them at this boundary
        raise InputError(source, f"HTML cannot be parsed ({type(exc).__name__})", "check the page is HTML") from exc
    if not text or not text.strip():
        raise InputError(source, "no article text found in the page", "pass the article page, not an index page")
    title = meta.title if meta else None
    if title and not text.startswith(title):
        text = f"{title}\n\n{text}"  # the headline belongs to the article; keep it as its first line
    published = (meta.date if meta else None) or publication_date(text)
    author = meta.author if meta else None
    url = meta.url if meta else None
    return Document(Document.content_id(text), text, source, title=title, published=published, author=author, url=url)


def _text_and_metadata(html: str):
    """The text `trafilatura.extract(html, **TRAFILATURA_OPTIONS)` gives and the metadata (title, author, url,
    date) of `trafilatura.bare_extraction(html, with_metadata=True)`, with the same values.

    trafilatura's metadata pass also looks for the site name, categories, tags and licence, which a Document
    does not keep: ~0.3 ms a page, 0.2 of trafilatura's extraction time. Here the page is parsed once and the
    four fields are taken in trafilatura's order by trafilatura's own functions (`_metadata`: meta tags, then
    JSON-LD, then the page; htmldate for the date, which itself reads the URL, meta tags and JSON-LD before
    the page). The text comes from `bare_extraction` on a copy of that tree, without its metadata pass, with
    options built once a day (they carry today's date as the latest valid publication date), and is finished
    as `extract` finishes it (stripped, NFC), so documents keep their content ids.
    """
    # Imported here: trafilatura takes ~0.3 s to import and plain-text paths do not need it.
    import trafilatura

    if trafilatura.__version__.startswith("1."):
        return trafilatura.extract(html, **TRAFILATURA_OPTIONS), trafilatura.extract_metadata(html)
    from trafilatura.utils import load_html

    options = _options(time.strftime("%Y-%m-%d"))
    tree = load_html(html, options.max_file_size)
    if tree is None:
        return None, None
    try:  # bare_extraction treats these two as "no document"
        meta = _metadata(tree, options.date_params)
    except (TypeError, ValueError):
        return None, None
    found = trafilatura.bare_extraction(tree, options=options)  # it works on a copy of the tree
    if found is None:
        return None, None
    return unicodedata.normalize("NFC", found.text.strip()), meta


@lru_cache(maxsize=1)
def _options(today: str):
    from trafilatura.settings import Extractor

    return Extractor(output_format="python", comments=False, tables=False, recall=True)


def _metadata(tree, date_params: dict):
    """trafilatura.metadata.extract_metadata's title, author, url and date, nothing else, the same way."""
    from htmldate import find_date
    from trafilatura.metadata import (
        examine_meta,
        extract_author,
        extract_meta_json,
        extract_title,
        extract_url,
    )
    from trafilatura.settings import Document as Metadata

    metadata = examine_meta(tree)
    if metadata.author and " " not in metadata.author:
        metadata.author = None
    try:
        metadata = extract_meta_json(tree, metadata)
    except Exception as err:  # noqa: BLE001 -- as trafilatura: bugs in its json_metadata.py
        LOGGER.warning("error in JSON metadata extraction: %s", err)
    if not metadata.title:
        metadata.title = extract_title(tree)
    if not metadata.author:
        metadata.author = extract_author(tree)
    if not metadata.url:
        metadata.url = extract_url(tree, None)
    date = find_date(tree, **{**date_params, "url": metadata.url})
    out = Metadata(title=metadata.title, author=metadata.author, url=metadata.url, date=date)
    out.clean_and_trim()
    return out
