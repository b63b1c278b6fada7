"""Extract: commitments from the text of one article (no model weights: grammar and lexicons).

The entry point is `extract(text, published=None) -> list[Commitment]`. The
pipeline and its data files are described in ``core.py``.
"""

from aidledger.extract.core import extract

__all__ = ["extract"]
