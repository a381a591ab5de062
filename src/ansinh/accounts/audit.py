"""Record who changed a person, household, enrolment or receipt, when, and what it was before."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from .models import AuditEntry


def snapshot(instance) -> dict:
    """A JSON-safe copy of a model's fields, as stored in the audit log."""
    data = model_to_dict(instance, fields=[f.name for f in instance._meta.concrete_fields])
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def record(
    user, instance, before: dict | None, action: str | None = None, after: dict | None = None
) -> AuditEntry:
    """Log one change of `instance`: `after` is its snapshot unless given (e.g. the shares of
    a target, which are rows of their own)."""
    if after is None and action != AuditEntry.Action.DELETE:
        after = snapshot(instance)
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
    """UPDATE a queryset's rows and log one audit entry per row, set-based (for jobs such as
    the monthly cycle): `before` holds the changed fields' old values, `after` the new ones.

    Two statements whatever the number of rows: INSERT INTO the audit log ... SELECT from
    the rows about to change, then the UPDATE, in one transaction.
    """
    model = queryset.model
    connection = connections[queryset.db]
    columns = [model._meta.get_field(name).column for name in changes]
    pairs = ", ".join(f"'{name}', t.{col}" for name, col in zip(changes, columns, strict=True))
    if connection.vendor == "postgresql":
        before, after = f"jsonb_build_object({pairs})", "CAST(%s AS jsonb)"
    else:
        before, after = f"json_object({pairs})", "%s"
    ids_sql, ids_params = queryset.values("pk").query.sql_with_params()
    pk = model._meta.pk.column
    sql = (
        f"INSERT INTO {AuditEntry._meta.db_table} "
        "(at, user_id, action, model, object_id, object_repr, before, after) "
        f"SELECT %s, %s, %s, %s, CAST(t.{pk} AS VARCHAR(40)), '', {before}, {after} "
        f"FROM {model._meta.db_table} t WHERE t.{pk} IN ({ids_sql})"
    )
    params = [
        connection.ops.adapt_datetimefield_value(timezone.now()),
        user.pk if getattr(user, "pk", None) else None,
        AuditEntry.Action.UPDATE.value,
        model._meta.label_lower,
        json.dumps(changes, cls=DjangoJSONEncoder),
        *ids_params,
    ]
    with transaction.atomic(using=queryset.db):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
        return queryset.update(**changes)
