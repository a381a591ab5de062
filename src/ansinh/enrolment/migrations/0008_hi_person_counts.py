# The covering index first, then the foreign key's own index dropped by its name: the person's
# cards are never without an index (decision 0030). Not an AlterField(db_index=False): Django
# then drops every index on the column it does not own as a Meta index, the partial unique
# index of `one_open_hi_enrolment_per_person` too, and rebuilds the foreign key on PostgreSQL.

import django.db.models.deletion
from django.db import migrations, models

FK_INDEX = "enrolment_hienrolment_person_id_c8d8005b"


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
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{FK_INDEX}"',
                    reverse_sql=f'CREATE INDEX "{FK_INDEX}" ON "enrolment_hienrolment" ("person_id")',
                ),
            ],
        ),
    ]
