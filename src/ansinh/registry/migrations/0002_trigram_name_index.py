"""On PostgreSQL, a trigram index makes 'name contains' search fast at province scale.

Skipped on SQLite, and skipped (with a warning) where the role may not create pg_trgm.
"""

import logging

from django.db import migrations, transaction

log = logging.getLogger(__name__)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic():
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            schema_editor.execute(
                "CREATE INDEX IF NOT EXISTS registry_person_name_trgm "
                "ON registry_person USING gin (name_folded gin_trgm_ops)"
            )
    except Exception as exc:  # noqa: BLE001 - an optional speed-up, never a failed migration
        log.warning("pg_trgm index not created: %s", exc)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS registry_person_name_trgm")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
