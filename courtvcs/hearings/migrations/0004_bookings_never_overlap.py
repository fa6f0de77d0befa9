"""The database itself refuses two active bookings of one endpoint that overlap (R10, R15).

The booking service already locks the endpoints and checks the slot; this is the last
guard, so that no code path (a script, the admin, a future bug) can double-book a room.

PostgreSQL: an exclusion constraint over (endpoint, [starts_at, ends_at)) for active rows,
with btree_gist for the equality part.
SQLite: triggers refusing an insert, or an update that activates or moves a booking, when
an active booking of the same endpoint overlaps it.
"""

from django.db import migrations

PG_UP = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE hearings_endpointbooking ADD CONSTRAINT booking_no_overlap
    EXCLUDE USING gist (endpoint_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
    WHERE (active);
"""
PG_DOWN = "ALTER TABLE hearings_endpointbooking DROP CONSTRAINT IF EXISTS booking_no_overlap;"

_SQLITE_CHECK = """
WHEN NEW.active AND EXISTS (
    SELECT 1 FROM hearings_endpointbooking b
    WHERE b.endpoint_id = NEW.endpoint_id AND b.active AND b.id IS NOT NEW.id
      AND b.starts_at < NEW.ends_at AND NEW.starts_at < b.ends_at)
BEGIN SELECT RAISE(ABORT, 'booking_no_overlap: the endpoint is already booked in this period'); END;
"""
SQLITE_UP = f"""
CREATE TRIGGER booking_no_overlap_insert BEFORE INSERT ON hearings_endpointbooking {_SQLITE_CHECK}
CREATE TRIGGER booking_no_overlap_update BEFORE UPDATE OF active, starts_at, ends_at, endpoint_id
    ON hearings_endpointbooking {_SQLITE_CHECK}
"""
SQLITE_DOWN = """
DROP TRIGGER IF EXISTS booking_no_overlap_insert;
DROP TRIGGER IF EXISTS booking_no_overlap_update;
"""


def _run(schema_editor, scripts):
    sql = scripts.get(schema_editor.connection.vendor)
    if not sql:
        return
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "sqlite":
            cursor.connection.executescript(sql)
        else:
            cursor.execute(sql)


def up(apps, schema_editor):
    _run(schema_editor, {"postgresql": PG_UP, "sqlite": SQLITE_UP})


def down(apps, schema_editor):
    _run(schema_editor, {"postgresql": PG_DOWN, "sqlite": SQLITE_DOWN})


class Migration(migrations.Migration):
    dependencies = [("hearings", "0003_deadline_hearings_de_hearing_371b79_idx")]
    operations = [migrations.RunPython(up, down)]
