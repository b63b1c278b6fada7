"""HTML pages -> Document: trafilatura for the main text and metadata (title, date, author)."""

from __future__ import annotations

import time
import unicodedata
from functools import lru_cache

from aidledger.errors import InputError
from aidledger.extract.dates import publication_date
from aidledger.records import Document

# trafilatura.extract's options, plus its metadata pass
TRAFILATURA_OPTIONS = dict(include_comments=False, include_tables=False, favor_recall=True)


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
    """The text `trafilatura.extract(html, **TRAFILATURA_OPTIONS)` gives and trafilatura's metadata object.

    trafilatura 2 does both in one `bare_extraction` call on one parsed page, with its options built once
    a day (they carry today's date as the latest valid publication date): 0.3 ms a page less than the two
    calls, each parsing the page and building its options. Its text is then finished as `extract` finishes
    it (stripped, NFC), so documents keep their content ids.
    """
    # Imported here: trafilatura takes ~0.3 s to import and plain-text paths do not need it.
    import trafilatura

    if not trafilatura.__version__.startswith("1."):
        found = trafilatura.bare_extraction(html, options=_options(time.strftime("%Y-%m-%d")))
        if found is None:
            return None, None
        return unicodedata.normalize("NFC", found.text.strip()), found
    return trafilatura.extract(html, **TRAFILATURA_OPTIONS), trafilatura.extract_metadata(html)


@lru_cache(maxsize=1)
def _options(today: str):
    from trafilatura.settings import Extractor

    return Extractor(output_format="python", comments=False, tables=False, recall=True, with_metadata=True)
