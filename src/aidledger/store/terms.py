"""Full-text postings in ledger order: for each word, the entries whose evidence holds it, newest first.

`entry_terms` has one row per (term, entry) with the entry's sort key, `day` = coalesce(date, ''), keyed
(term, day, entry_id): the rows of one term are the entries holding it in the order a ledger page lists
entries, so a search page reads the first page of a term's rows and stops, whether the word is in three
entries or in all of them, and the next page continues after the cursor in the same index.

Terms are the words as each backend's full-text search reads them, so a word found here is the word its
full-text index finds. PostgreSQL: the lexemes of to_tsvector('simple', sentence), computed in SQL.
SQLite: FTS5's unicode61 tokenizer (the evidence index) splits text at every character that is not a letter,
a digit or private-use and folds case; a word of ASCII letters and digits is therefore exactly the same token
here, split and lower-cased in Python. Words with other characters FTS5 also strips of diacritics, which is
not reproduced: they are left out of the postings and searched through FTS5 (`aidledger.serve.queries`).

The rebuild brings a donor's postings in line with its entries, writing only the rows that changed, found by
the `donor` column (`index_donor`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from sqlalchemy import bindparam, delete, func, literal_column, or_, select, text
from sqlalchemy.engine import Connection

from aidledger.store.schema import entries, entry_members, entry_terms, evidence

# A run of FTS5 token characters (unicode61's default categories L*, N* and Co)
TOKEN = re.compile(r"(?:[^\W_]|[\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd])+")
BATCH = 50_000  # SQLite: fresh postings sorted and gathered this many at a time (what memory holds of them)


def ascii_terms(words: str) -> list[str] | None:
    """The tokens of `words` as SQLite's FTS5 reads them, or None if one has a character other than ASCII."""
    tokens = TOKEN.findall(words)
    return [t.lower() for t in tokens] if all(t.isascii() for t in tokens) else None


def index_donor(conn: Connection, donor: str | None) -> None:
    """Bring the donor's postings in line with its entries as just rebuilt.

    Only what changed is written: most entries come back from a rebuild as they were, and a donor's postings
    are spread over the whole index (it is ordered by term), so rewriting them all dirtied most of its pages
    (+25-55% on a one-donor rebuild of the benchmark ledger). The fresh postings are gathered in a temporary
    table, not in memory, however many the donor has.
    """
    fresh, has_postings = _queries(conn.dialect, donor is None)
    same_donor = "donor IS NULL" if donor is None else "donor = :donor"
    param = {} if donor is None else {"donor": donor}
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(POSTGRES_SYNC.format(fresh=fresh, same_donor=same_donor.replace(":donor", "%(donor)s")),
                             {**fresh.params, "donor": donor})
        return
    # A donor with no postings yet (a new ledger, a new donor) has them written directly
    direct = conn.execute(has_postings, param).first() is None
    if not direct:
        conn.exec_driver_sql(FRESH_TABLE)
        conn.exec_driver_sql("DELETE FROM temp.fresh_terms")
    postings: set[tuple] = set()
    for entry_id, entry_day, sentence in conn.execute(fresh.execution_options(yield_per=1000), param):
        postings.update((t.lower(), entry_day, entry_id) for t in TOKEN.findall(sentence) if t.isascii())
        if len(postings) >= BATCH:
            _write(conn, postings, donor, direct)
    _write(conn, postings, donor, direct)
    for sql in [] if direct else SQLITE_SYNC:
        conn.execute(text(sql.format(same_donor=same_donor)), {"donor": donor})


@lru_cache(maxsize=16)
def _queries(dialect, null_donor: bool):
    """A donor's fresh postings (PostgreSQL: compiled, to run inside POSTGRES_SYNC; SQLite: its entries'
    sentences, tokenized in Python) and whether it has postings, built once per backend and kind of donor,
    the donor bound at execution (building them anew cost ~0.3 ms a donor)."""
    which = entries.c.donor.is_(None) if null_donor else entries.c.donor == bindparam("donor")
    sentences = entries.join(entry_members, entry_members.c.entry_id == entries.c.id).join(
        evidence, evidence.c.commitment_id == entry_members.c.commitment_id)
    day = func.coalesce(entries.c.date, literal_column("''"))  # the page index's expression (migration 0005)
    has_postings = select(entry_terms.c.term).where(
        entry_terms.c.donor.is_(None) if null_donor else entry_terms.c.donor == bindparam("donor")).limit(1)
    if dialect.name == "postgresql":
        term = func.unnest(func.tsvector_to_array(func.to_tsvector(
            literal_column("'simple'::regconfig"), evidence.c.sentence)))
        fresh = select(term.label("term"), day.label("day"), entries.c.id.label("entry_id")).select_from(
            sentences).where(which).distinct().compile(dialect=dialect)
        return fresh, has_postings
    return select(entries.c.id, day, evidence.c.sentence).select_from(sentences).where(which), has_postings


def forget_donors_but(conn: Connection, donors: set[str | None]) -> None:
    """Delete the postings of every donor not in `donors` (a rebuild of the whole ledger brings those of
    `donors` in line; a donor none of whose commitments is left has no entries any more)."""
    others = entry_terms.c.donor.not_in([d for d in donors if d is not None])
    conn.execute(delete(entry_terms).where(others if None in donors else or_(others, entry_terms.c.donor.is_(None))))


def _write(conn: Connection, postings: set[tuple], donor: str | None, direct: bool) -> None:
    """Sorted, into the postings or the temporary table of fresh ones (the same posting may come again in a
    later batch); by the driver's executemany: rows built by SQLAlchemy cost as much again as the insert."""
    if not postings:
        return
    if direct:
        conn.exec_driver_sql("INSERT OR IGNORE INTO entry_terms (term, day, entry_id, donor) VALUES (?, ?, ?, ?)",
                             [(*p, donor) for p in sorted(postings)])
    else:
        conn.exec_driver_sql("INSERT OR IGNORE INTO temp.fresh_terms VALUES (?, ?, ?)", sorted(postings))
    postings.clear()


FRESH_TABLE = ("CREATE TEMP TABLE IF NOT EXISTS fresh_terms (term TEXT, day TEXT, entry_id TEXT, "
               "PRIMARY KEY (term, day, entry_id)) WITHOUT ROWID")
SAME_KEY = "f.term = t.term AND f.day = t.day AND f.entry_id = t.entry_id"
SQLITE_SYNC = [
    f"DELETE FROM entry_terms AS t WHERE {{same_donor}} AND NOT EXISTS (SELECT 1 FROM temp.fresh_terms f "
    f"WHERE {SAME_KEY})",
    "INSERT INTO entry_terms (term, day, entry_id, donor) SELECT term, day, entry_id, :donor FROM temp.fresh_terms f "
    f"WHERE NOT EXISTS (SELECT 1 FROM entry_terms t WHERE {SAME_KEY})",
]
# The fresh postings once, the stale ones deleted and the new ones inserted in key order, in one statement
POSTGRES_SYNC = (
    "WITH fresh AS MATERIALIZED ({fresh}), stale AS (DELETE FROM entry_terms t WHERE t.{same_donor} "
    f"AND NOT EXISTS (SELECT 1 FROM fresh f WHERE {SAME_KEY})) "
    "INSERT INTO entry_terms (term, day, entry_id, donor) SELECT term, day, entry_id, %(donor)s FROM fresh "
    "ORDER BY term, day, entry_id ON CONFLICT DO NOTHING")
