"""Indexes an import pays for on every receipt and month but no query needs (decision 0012).

* receipt.person_id and contributionmonth.person_id alone: served by (person, paid_on) and by
  the unique (person, month);
* receipt.recorded_by_id: never filtered on;
* receipt.number's varchar_pattern_ops twin (PostgreSQL): nothing matches numbers with LIKE.

Only the indexes are dropped (the foreign keys stay as they are, not re-validated).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

#: (model, column, suffix) of each dropped index; names as Django derives them.
DROPPED = [
    ("receipt", "person_id", ""),
    ("receipt", "recorded_by_id", ""),
    ("contributionmonth", "person_id", ""),
    ("receipt", "number", "_like"),  # PostgreSQL only
]


def _targets(apps, schema_editor):
    for model_name, column, suffix in DROPPED:
        if suffix == "_like" and schema_editor.connection.vendor != "postgresql":
            continue
        model = apps.get_model("enrolment", model_name)
        table = model._meta.db_table
        yield model, column, suffix, schema_editor._create_index_name(table, [column], suffix)


def drop_indexes(apps, schema_editor):
    for _model, _column, _suffix, name in _targets(apps, schema_editor):
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def create_indexes(apps, schema_editor):
    for model, column, suffix, name in _targets(apps, schema_editor):
        field = next(f for f in model._meta.fields if f.column == column)
        if suffix == "_like":
            schema_editor.execute(schema_editor._create_like_index_sql(model, field))
        else:
            schema_editor.execute(schema_editor._create_index_sql(model, fields=[field], name=name))


class Migration(migrations.Migration):
    dependencies = [
        ("enrolment", "0002_figures_indexes"),
        ("registry", "0003_figures_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop_indexes, create_indexes)],
            state_operations=[
                migrations.AlterField(
                    model_name="contributionmonth",
                    name="person",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="contribution_months",
                        to="registry.person",
                    ),
                ),
                migrations.AlterField(
                    model_name="receipt",
                    name="person",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="receipts",
                        to="registry.person",
                    ),
                ),
                migrations.AlterField(
                    model_name="receipt",
                    name="recorded_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
    ]
