"""Database triggers that keep posted journal entries and lines immutable (the last line of defence).

Services refuse to touch a posted entry; these triggers make the database refuse too, whatever code
runs. Only the reconciliation columns of a posted line (``amount_residual``,
``amount_residual_currency``, ``reconciled``) may change. PostgreSQL also refuses DELETE of posted rows;
SQLite refuses UPDATE and INSERT into a posted entry but keeps DELETE, because the test runner flushes
SQLite tables with DELETE (PostgreSQL's flush uses TRUNCATE, which row triggers do not see).
"""

from django.db import migrations

_LINE_FROZEN = [
    "entry_id", "journal_id", "account_id", "partner_id", "date", "label", "debit", "credit",
    "amount_currency", "currency", "posted", "tax_id", "tax_base", "due_date", "company_id",
]
_ENTRY_FROZEN = [
    "journal_id", "number", "date", "ref", "narration", "state", "currency", "origin", "reversal_of_id",
    "posted_at", "posted_by_id", "company_id",
]


def _pg_changed(columns: list[str]) -> str:
    return " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in columns)


def _sqlite_changed(columns: list[str]) -> str:
    return " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in columns)


POSTGRES_UP = f"""
CREATE OR REPLACE FUNCTION accounting_line_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.posted THEN RAISE EXCEPTION 'posted journal lines cannot be deleted'; END IF;
    RETURN OLD;
  ELSIF TG_OP = 'INSERT' THEN
    IF EXISTS (SELECT 1 FROM accounting_journalentry WHERE id = NEW.entry_id AND state = 'posted') THEN
      RAISE EXCEPTION 'lines cannot be added to a posted journal entry';
    END IF;
    RETURN NEW;
  END IF;
  IF OLD.posted AND ({_pg_changed(_LINE_FROZEN)}) THEN
    RAISE EXCEPTION 'posted journal lines cannot change';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER accounting_line_guard BEFORE INSERT OR UPDATE OR DELETE ON accounting_journalline
  FOR EACH ROW EXECUTE FUNCTION accounting_line_guard();

CREATE OR REPLACE FUNCTION accounting_entry_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.state = 'posted' THEN RAISE EXCEPTION 'posted journal entries cannot be deleted'; END IF;
    RETURN OLD;
  END IF;
  IF OLD.state = 'posted' AND ({_pg_changed(_ENTRY_FROZEN)}) THEN
    RAISE EXCEPTION 'posted journal entries cannot change';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER accounting_entry_guard BEFORE UPDATE OR DELETE ON accounting_journalentry
  FOR EACH ROW EXECUTE FUNCTION accounting_entry_guard();
"""

POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS accounting_line_guard ON accounting_journalline;
DROP FUNCTION IF EXISTS accounting_line_guard();
DROP TRIGGER IF EXISTS accounting_entry_guard ON accounting_journalentry;
DROP FUNCTION IF EXISTS accounting_entry_guard();
"""

SQLITE_UP = [
    f"""CREATE TRIGGER accounting_line_guard_update BEFORE UPDATE ON accounting_journalline
    WHEN OLD.posted AND ({_sqlite_changed(_LINE_FROZEN)})
    BEGIN SELECT RAISE(ABORT, 'posted journal lines cannot change'); END""",
    """CREATE TRIGGER accounting_line_guard_insert BEFORE INSERT ON accounting_journalline
    WHEN EXISTS (SELECT 1 FROM accounting_journalentry WHERE id = NEW.entry_id AND state = 'posted')
    BEGIN SELECT RAISE(ABORT, 'lines cannot be added to a posted journal entry'); END""",
    f"""CREATE TRIGGER accounting_entry_guard_update BEFORE UPDATE ON accounting_journalentry
    WHEN OLD.state = 'posted' AND ({_sqlite_changed(_ENTRY_FROZEN)})
    BEGIN SELECT RAISE(ABORT, 'posted journal entries cannot change'); END""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS accounting_line_guard_update",
    "DROP TRIGGER IF EXISTS accounting_line_guard_insert",
    "DROP TRIGGER IF EXISTS accounting_entry_guard_update",
]


def _run(statements_by_vendor: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("accounting", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": [POSTGRES_UP], "sqlite": SQLITE_UP}),
            _run({"postgresql": [POSTGRES_DOWN], "sqlite": SQLITE_DOWN}),
        ),
    ]
