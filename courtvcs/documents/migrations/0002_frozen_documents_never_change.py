"""The database itself refuses to change a frozen document (R18).

A frozen document is an act signed by all three: its bytes and SHA-256 are the case
file's record, and a later change makes a new version (services.generate) instead.
PostgreSQL: UPDATE and DELETE of a frozen row are refused (TRUNCATE stays possible for the
test runner's flush). SQLite: UPDATE is refused; DELETE is left to the foreign key from
the hearing (PROTECT) because the test runner flushes SQLite tables with DELETE.
"""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION courtvcs_document_frozen() RETURNS trigger AS $$
BEGIN
    IF OLD.frozen THEN
        RAISE EXCEPTION 'document % is frozen (% refused); generate a new version', OLD.id, TG_OP;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER document_frozen BEFORE UPDATE OR DELETE ON documents_document
    FOR EACH ROW EXECUTE FUNCTION courtvcs_document_frozen();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS document_frozen ON documents_document;
DROP FUNCTION IF EXISTS courtvcs_document_frozen();
"""
SQLITE_UP = """
CREATE TRIGGER document_frozen BEFORE UPDATE ON documents_document
WHEN OLD.frozen
BEGIN SELECT RAISE(ABORT, 'the document is frozen (UPDATE refused); generate a new version'); END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS document_frozen;"


def up(apps, schema_editor):
    sql = {"postgresql": PG_UP, "sqlite": SQLITE_UP}.get(schema_editor.connection.vendor)
    if sql:
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(sql) if schema_editor.connection.vendor == "postgresql" else \
                cursor.connection.executescript(sql)


def down(apps, schema_editor):
    sql = {"postgresql": PG_DOWN, "sqlite": SQLITE_DOWN}.get(schema_editor.connection.vendor)
    if sql:
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(sql) if schema_editor.connection.vendor == "postgresql" else \
                cursor.connection.executescript(sql)


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]
    operations = [migrations.RunPython(up, down)]
