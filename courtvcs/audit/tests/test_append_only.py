import pytest
from django.db import DatabaseError, connection, transaction

from courtvcs.audit.models import AppendOnlyError, AuditEntry
from courtvcs.audit.services import audit_record


def test_r5_audit_entries_cannot_be_changed_or_deleted_through_the_orm(world):
    entry = audit_record(actor=world.secretary, action="probe", obj=world.room)
    entry.action = "rewritten"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()


def test_r5_the_database_refuses_to_rewrite_the_audit_log(world):
    entry = audit_record(actor=world.secretary, action="probe", obj=world.room)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="rewritten")
    assert AuditEntry.objects.get(pk=entry.pk).action == "probe"


@pytest.mark.postgres
def test_r5_postgresql_refuses_to_delete_from_the_audit_log(world):
    entry = audit_record(actor=world.secretary, action="probe", obj=world.room)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
