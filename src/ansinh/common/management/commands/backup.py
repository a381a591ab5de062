r"""`ansinh backup [--output FILE]`: a consistent copy of the whole database, taken while the
application runs (SQLite: the online backup API; PostgreSQL: pg_dump -Fc).

Nightly, before the figures refresh (server time Asia/Ho_Chi_Minh), keeping 30 days:

    15 1 * * *  cd /srv/ansinh && .venv/bin/ansinh backup \
                && find var/backups -name 'ansinh-*' -mtime +30 -delete

(one line in the crontab: docs/operations.md).
"""

from django.core.management.base import BaseCommand, CommandError

from ansinh.common.backup import BackupError, backup


class Command(BaseCommand):
    help = "Copy the whole database to a backup file (default var/backups/ansinh-<time>)."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="the backup file to write")

    def handle(self, *args, output=None, **options):
        try:
            path = backup(output)
        except BackupError as exc:
            raise CommandError(str(exc))
        size = path.stat().st_size
        self.stdout.write(f"{path} ({size:,} bytes)")
