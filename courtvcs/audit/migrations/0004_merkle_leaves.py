"""The log's order: one leaf per sealed audit entry (docs/audit.md).

The leaves are append-only like the entries: on PostgreSQL the trigger function of 0003
refuses UPDATE and DELETE row by row; on SQLite UPDATE is refused (DELETE stays with the
ORM guard because the test runner flushes SQLite tables with DELETE).
"""

import django.db.models.deletion
from django.db import migrations, models

PG_UP = """
CREATE TRIGGER audit_leaf_append_only BEFORE UPDATE OR DELETE ON audit_auditleaf
    FOR EACH ROW EXECUTE FUNCTION courtvcs_audit_append_only();
"""
PG_DOWN = "DROP TRIGGER IF EXISTS audit_leaf_append_only ON audit_auditleaf;"
SQLITE_UP = """
CREATE TRIGGER audit_leaf_append_only BEFORE UPDATE ON audit_auditleaf
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only (UPDATE refused)'); END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS audit_leaf_append_only;"


def run(schema_editor, sql_by_vendor):
    sql = sql_by_vendor.get(schema_editor.connection.vendor)
    if sql:
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(sql)


def up(apps, schema_editor):
    run(schema_editor, {"postgresql": PG_UP, "sqlite": SQLITE_UP})


def down(apps, schema_editor):
    run(schema_editor, {"postgresql": PG_DOWN, "sqlite": SQLITE_DOWN})


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0003_append_only_triggers'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditLeaf',
            fields=[
                ('index', models.BigIntegerField(primary_key=True, serialize=False, verbose_name='position in the log')),
                ('leaf_hash', models.BinaryField(max_length=32, verbose_name='leaf hash')),
                ('sealed_at', models.DateTimeField(verbose_name='sealed at')),
                ('entry', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='leaf', to='audit.auditentry', verbose_name='audit entry')),
            ],
            options={
                'verbose_name': 'audit log leaf',
                'verbose_name_plural': 'audit log leaves',
                'ordering': ['index'],
                'constraints': [models.CheckConstraint(condition=models.Q(('index__gte', 0)), name='audit_leaf_index_not_negative')],
            },
        ),
        migrations.RunPython(up, down),
    ]
