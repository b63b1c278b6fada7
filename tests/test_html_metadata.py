"""HTML -> Document takes title, author, url and date as trafilatura's whole metadata pass does, without the rest."""

import json
import sys
from pathlib import Path

import pytest

from aidledger.ingest.html import html_to_document

trafilatura = pytest.importorskip("trafilatura")
if trafilatura.__version__.startswith("1."):
    pytest.skip("trafilatura 1 takes its own metadata path", allow_module_level=True)

ROOT = Path(__file__).resolve().parents[1]


def _pages():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import generate_corpus

    pages = [p.read_text("utf-8") for p in sorted(ROOT.glob("corpus/*/docs/*.html"))]
    pages += [p.read_text("utf-8") for p in sorted((ROOT / "src/aidledger/sample").glob("*.html"))]
    pages += [generate_corpus.page_html(a) for a in generate_corpus.articles(40, seed=9)]
    ld = json.dumps({"@type": "NewsArticle", "headline": "LD title", "datePublished": "2023-04-05",
                     "author": {"@type": "Person", "name": "Olena Petrenko"}})
    pages.append(f"<html><head><script type='application/ld+json'>{ld}</script><meta name='author' content='Ivan'>"
                 "</head><body><article><p>" + "Canada will send 8 tanks to Ukraine, Ottawa said. " * 8 +
                 "</p></article><aside><div class='author-name'>Somebody Else</div><time datetime='2020-01-01'>x"
                 "</time></aside></body></html>")
    return pages


def test_documents_carry_trafilaturas_metadata():
    from trafilatura.settings import Extractor

    options = Extractor(output_format="python", comments=False, tables=False, recall=True, with_metadata=True)
    for page in _pages():
        meta = trafilatura.bare_extraction(page, options=options)
        doc = html_to_document(page, "page.html")
        assert (doc.title, doc.author, doc.url) == (meta.title, meta.author, meta.url)
        assert doc.published == meta.date or (meta.date is None and doc.published is not None)
