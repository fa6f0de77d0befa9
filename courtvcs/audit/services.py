"""Writing the audit log. Called inside the transaction of the change it records, so a
change and its audit entry are committed together or not at all."""

from typing import Any

from django.db import models
from django.forms.models import model_to_dict

from courtvcs import kztime

from .models import AuditEntry

SYSTEM_LABEL = "system"


def snapshot(instance: models.Model | None, fields: list[str] | None = None) -> dict | None:
    if instance is None:
        return None
    data = model_to_dict(instance, fields=fields)
    return {k: (v.pk if isinstance(v, models.Model) else v) for k, v in data.items()
            if not isinstance(v, (list, set))}


def audit_record(*, actor, action: str, obj: models.Model, before: dict | None = None,
                 after: dict | None = None, hearing_id: int | None = None,
                 rule: str = "") -> AuditEntry:
    label = SYSTEM_LABEL if actor is None else f"{actor.username} ({actor.role or 'admin'})"
    return AuditEntry.objects.create(
        at=kztime.now(), actor=actor, actor_label=label, action=action,
        object_type=obj._meta.label_lower, object_id=str(obj.pk), hearing_id=hearing_id,
        rule=rule, before=before, after=after,
    )


def changed(before: dict | None, after: dict | None) -> dict[str, Any]:
    before, after = before or {}, after or {}
    return {k: after.get(k) for k in after if before.get(k) != after.get(k)}
