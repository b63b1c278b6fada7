"""Readable views for Datasette and SQL users: ledger, evidence_readable, totals_by_donor.

Revision ID: 0003
Revises: 0004

Order: 0004 (service: audit, tokens, full-text search) was written first and revises 0002, so this one
follows it to keep one head: 0001 -> 0002 -> 0004 -> 0003.

- `ledger`: one readable row per entry: donor, "what" (EUR 50,000,000 / 12 x transformer / service: ...),
  stage, types, amounts, whether it counts, and the links of its reports.
- `evidence_readable` (the table `evidence` already has that name): every evidence span with its
  commitment, entry, figure, sentence and report.
- `totals_by_donor`: counted money per donor at three stage thresholds (announced or later, decided or
  later, disbursed or delivered), as `aidledger totals` sums them.

Full-text search (FTS5 tables `documents_fts`, `evidence_fts` kept in step by triggers) comes from 0004.
Views are plain SQL on both SQLite and PostgreSQL; only the string aggregate and number formatting
differ. A later migration that rebuilds `entries`, `evidence`, `commitments` or `documents` in batch mode
on SQLite must drop these views first and recreate them (`drop_views()` / `create_views()`), because
SQLite checks views when a table is renamed.
"""
from alembic import op

revision = "0003"
down_revision = "0004"
branch_labels = None
depends_on = None

ANNOUNCED_OR_LATER = ("announced", "pledged", "decided", "approved", "committed", "allocated", "disbursed",
                      "delivered")
DECIDED_OR_LATER = ANNOUNCED_OR_LATER[2:]
DISBURSED = ("disbursed", "delivered")

DIALECT = {
    "sqlite": {"aggregate": "group_concat(link, ' | ')",
               "amount": "printf('%,d', CAST(e.amount AS INTEGER))"},
    "postgresql": {"aggregate": "string_agg(link, ' | ' ORDER BY link)",
                   "amount": "to_char(e.amount, 'FM999,999,999,999,999,990')"},
}


def _stages(stages: tuple[str, ...]) -> str:
    return ", ".join(f"'{s}'" for s in stages)


def view_sql(dialect: str) -> dict[str, str]:
    """The SELECT of each view for `dialect` (sqlite or postgresql)."""
    d = DIALECT.get(dialect, DIALECT["postgresql"])
    links = (f"SELECT entry_id, {d['aggregate']} AS links FROM (SELECT DISTINCT m.entry_id, "
             "COALESCE(doc.url, doc.source) AS link FROM entry_members m "
             "JOIN commitments c ON c.id = m.commitment_id JOIN documents doc ON doc.id = c.document_id) "
             "AS member_links GROUP BY entry_id")
    return {
        "ledger": (
            "SELECT e.id AS entry_id, e.date, e.donor, e.recipient, "
            "CASE WHEN e.kind = 'money' THEN COALESCE(e.currency, '') || ' ' || " + d["amount"] + " "
            "WHEN e.kind = 'in_kind' THEN COALESCE(CAST(e.quantity AS TEXT) || ' x ', '') || COALESCE(e.item, '') "
            "ELSE 'service: ' || COALESCE(e.item, '') END AS what, "
            "e.status AS stage, e.kind, e.aid_type, e.sector, e.channel, e.amount, e.currency, e.qualifier, "
            "e.amount_usd, e.amount_eur, e.rate_date, e.counted_usd, e.quantity, e.item, "
            "CASE WHEN e.counts_toward_total THEN 'yes' ELSE 'no' END AS counts, e.rejected, "
            "e.parent_entry_id AS part_of, e.sources, e.mentions, s.links AS source_links "
            f"FROM entries e LEFT JOIN ({links}) AS s ON s.entry_id = e.id"),
        "evidence_readable": (
            "SELECT ev.id, m.entry_id, ev.commitment_id, c.donor, c.kind, c.status AS stage, c.amount, c.currency, "
            "c.quantity, c.item, substr(ev.sentence, ev.amount_start - ev.start + 1, ev.amount_end - ev.amount_start) "
            "AS figure, ev.sentence, ev.start, ev.\"end\", ev.is_primary, doc.title, "
            "COALESCE(doc.url, doc.source) AS source, doc.published "
            "FROM evidence ev JOIN commitments c ON c.id = ev.commitment_id "
            "JOIN documents doc ON doc.id = ev.document_id "
            "LEFT JOIN entry_members m ON m.commitment_id = ev.commitment_id"),
        "totals_by_donor": (
            "SELECT donor, COUNT(*) AS entries, "
            f"SUM(CASE WHEN status IN ({_stages(ANNOUNCED_OR_LATER)}) THEN counted_usd END) AS announced_usd, "
            f"SUM(CASE WHEN status IN ({_stages(DECIDED_OR_LATER)}) THEN counted_usd END) AS decided_usd, "
            f"SUM(CASE WHEN status IN ({_stages(DISBURSED)}) THEN counted_usd END) AS disbursed_usd "
            "FROM entries WHERE kind = 'money' AND counts_toward_total GROUP BY donor"),
    }


def create_views() -> None:
    for name, select in view_sql(op.get_bind().dialect.name).items():
        op.execute(f"CREATE VIEW {name} AS {select}")


def drop_views() -> None:
    for name in view_sql(op.get_bind().dialect.name):
        op.execute(f"DROP VIEW IF EXISTS {name}")


def upgrade() -> None:
    create_views()


def downgrade() -> None:
    drop_views()
