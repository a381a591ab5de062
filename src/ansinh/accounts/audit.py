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


def audited_update(user, queryset, **changes) -> int:
    """UPDATE a queryset's rows and log one audit entry per row (set-based, for jobs such as
    the monthly cycle): `before` holds the changed fields' old values, `after` the new ones."""
    fields = list(changes)
    rows = list(queryset.values_list("pk", *fields))
    if not rows:
        return 0
    model = queryset.model
    count = model._base_manager.filter(pk__in=[r[0] for r in rows]).update(**changes)
    after = json.loads(json.dumps(changes, cls=DjangoJSONEncoder))
    user = user if getattr(user, "pk", None) else None
    AuditEntry.objects.bulk_create(
        (
            AuditEntry(
                user=user,
                action=AuditEntry.Action.UPDATE,
                model=model._meta.label_lower,
                object_id=str(pk),
                before=json.loads(
                    json.dumps(dict(zip(fields, old, strict=True)), cls=DjangoJSONEncoder)
                ),
                after=after,
            )
            for pk, *old in rows
        ),
        batch_size=2000,
    )
    return count
