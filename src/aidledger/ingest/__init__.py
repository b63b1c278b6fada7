"""Ingest: files and folders -> `Document`s (text plus metadata), one at a time.

Supported: ``.txt`` (UTF-8, with a detected fallback for legacy encodings),
``.html``/``.htm`` (main text and metadata by trafilatura), ``.jsonl`` (one article
per line: ``text`` or ``html``, ``url``, ``published``, ``title``) and folders,
recursively; containers of many articles are streamed (``containers.py``: WARC and
WARC.gz crawls, JSONL.gz, RSS/Atom feeds, ``.urls`` and ``.feeds`` lists fetched
politely by ``fetch.py``). Every problem is raised as `InputError` naming the input, so a
caller can count it and go on with the next file.
"""

from __future__ import annotations

from aidledger.ingest.readers import SUPPORTED, iter_documents, read_document, read_path, read_text_file

__all__ = ["SUPPORTED", "iter_documents", "read_document", "read_path", "read_text_file"]
