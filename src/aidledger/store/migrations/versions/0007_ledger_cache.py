"""A ledger version bumped by triggers, and a cache of results computed at a version.

Revision ID: 0007
Revises: 0006

Totals scan every counted entry; they are computed once per version of the reconciled ledger and kept in
`ledger_cache`. The version lives in database triggers rather than in the code that writes, so no writer
(ingest, review, import, load, a hand-written UPDATE) can change `entries` or `reported_totals` without
moving it, in the same transaction, and another process can never be served a stale result.

SQLite triggers fire per row (an UPDATE of one small row, cheap there). PostgreSQL's fire per statement and
bump once per transaction: updating one row thousands of times in a transaction leaves a chain of row
versions that every next update walks. The bump locks the version row until commit, so on PostgreSQL two
transactions that change entries now run one after the other.

A later migration that rebuilds `entries` or `reported_totals` in batch mode (copy and rename) on SQLite
drops their triggers with the old table and must create them again, or cached totals would go stale.
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TABLES = ("entries", "reported_totals")
SQLITE_EVENTS = ("insert", "update", "delete")
BUMP = "UPDATE ledger_version SET version = version + 1"
POSTGRES_FUNCTION = f"""
CREATE FUNCTION aidledger_bump_ledger_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('aidledger.version_bumped', true) IS DISTINCT FROM 'on' THEN
        {BUMP};
        PERFORM set_config('aidledger.version_bumped', 'on', true);
    END IF;
    RETURN NULL;
END $$"""


def upgrade() -> None:
    op.create_table("ledger_version", sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("version", sa.BigInteger, nullable=False))
    op.execute("INSERT INTO ledger_version (id, version) VALUES (1, 0)")
    op.create_table("ledger_cache", sa.Column("key", sa.String(200), primary_key=True),
                    sa.Column("version", sa.BigInteger, nullable=False),
                    sa.Column("value", sa.Text, nullable=False))
    if op.get_bind().dialect.name == "sqlite":
        for table in TABLES:
            for event in SQLITE_EVENTS:
                op.execute(f"CREATE TRIGGER {table}_version_{event} AFTER {event.upper()} ON {table} "
                           f"BEGIN {BUMP}; END")
    else:
        op.execute(POSTGRES_FUNCTION)
        for table in TABLES:
            op.execute(f"CREATE TRIGGER {table}_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                       "FOR EACH STATEMENT EXECUTE FUNCTION aidledger_bump_ledger_version()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in TABLES:
            for event in SQLITE_EVENTS:
                op.execute(f"DROP TRIGGER {table}_version_{event}")
    else:
        for table in TABLES:
            op.execute(f"DROP TRIGGER {table}_version ON {table}")
        op.execute("DROP FUNCTION aidledger_bump_ledger_version()")
    op.drop_table("ledger_cache")
    op.drop_table("ledger_version")
