"""HTML pages -> Document: trafilatura for the main text and metadata (title, date, author)."""

from __future__ import annotations

from aidledger.errors import InputError
from aidledger.extract.dates import publication_date
from aidledger.records import Document


def html_to_document(html: str, source: str) -> Document:
    # Imported here: trafilatura takes ~0.3 s to import and plain-text paths do not need it.
    import trafilatura

    if not html.strip():
        raise InputError(source, "the page is empty", "remove the file or fetch it again")
    try:
        text = trafilatura.extract(html, include_comments=False, include_tables=False, favor_recall=True)
        meta = trafilatura.extract_metadata(html)
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
