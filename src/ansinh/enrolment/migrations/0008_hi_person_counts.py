# The covering index first, then the foreign key's own index dropped (its name derived as
# Django derives it, as migration 0003 does): the person's cards are never without an index
# (decision 0030). Not an AlterField(db_index=False): Django then drops every index on the
# column it does not own as a Meta index, the partial unique index of
# `one_open_hi_enrolment_per_person` too, and rebuilds the foreign key on PostgreSQL.

import django.db.models.deletion
from django.db import migrations, models


def _fk_index(apps, schema_editor):
    model = apps.get_model("enrolment", "hienrolment")
    field = model._meta.get_field("person")
    name = schema_editor._create_index_name(model._meta.db_table, [field.column], "")
    return model, field, name


def drop_fk_index(apps, schema_editor):
    _model, _field, name = _fk_index(apps, schema_editor)
    schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def create_fk_index(apps, schema_editor):
    model, field, name = _fk_index(apps, schema_editor)
    schema_editor.execute(schema_editor._create_index_sql(model, fields=[field], name=name))


class Migration(migrations.Migration):
    dependencies = [
        ("enrolment", "0007_enrolment_open_flag"),
        ("registry", "0003_figures_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="hienrolment",
            index=models.Index(
                fields=["person"],
                include=("id", "status", "start_month", "card_to"),
                name="hi_person_counts",
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="hienrolment",
                    name="person",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="hi_enrolments",
                        to="registry.person",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop_fk_index, create_fk_index)],
        ),
    ]
