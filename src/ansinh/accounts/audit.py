"""Record who changed a person, household, enrolment or receipt, when, and what it was before."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.forms.models import model_to_dict

from .models import AuditEntry


def snapshot(instance) -> dict:
    """A JSON-safe copy of a model's fields, as stored in the audit log."""
    data = model_to_dict(instance, fields=[f.name for f in instance._meta.concrete_fields])
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def record(user, instance, before: dict | None, action: str | None = None) -> AuditEntry:
    after = None if action == AuditEntry.Action.DELETE else snapshot(instance)
    if action is None:
        action = AuditEntry.Action.CREATE if before is None else AuditEntry.Action.UPDATE
    return AuditEntry.objects.create(
        user=user if getattr(user, "pk", None) else None,
        action=action,
        model=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        before=before,
        after=after,
    )


def audited_save(instance, user, **save_kwargs):
    """Save a model instance and log the change; call inside the service's transaction."""
    before = None
    if instance.pk is not None:
        old = type(instance)._base_manager.filter(pk=instance.pk).first()
        before = snapshot(old) if old is not None else None
    instance.save(**save_kwargs)
    record(user, instance, before)
    return instance


def audited_delete(instance, user):
    before = snapshot(instance)
    record(user, instance, before, action=AuditEntry.Action.DELETE)
    instance.delete()


def history(instance):
    return AuditEntry.objects.filter(
        model=instance._meta.label_lower, object_id=str(instance.pk)
    ).select_related("user")
