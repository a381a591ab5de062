"""`ansinh restore FILE`: replace the whole database with a backup made by `ansinh backup`
(all of it or nothing). The current database is first saved as var/backups/before-restore-*.
Stop the application (and the worker) first: pages open during a restore may fail."""

from django.core.management.base import BaseCommand, CommandError

from ansinh.common.backup import BackupError, restore


class Command(BaseCommand):
    help = "Replace the whole database with a backup file made by `ansinh backup`."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the backup file")
        parser.add_argument(
            "--noinput",
            "--no-input",
            dest="interactive",
            action="store_false",
            help="do not ask for confirmation",
        )
        parser.add_argument(
            "--no-keep",
            dest="keep",
            action="store_false",
            help="do not save the current database first",
        )

    def handle(self, *args, file, interactive=True, keep=True, **options):
        if interactive:
            answer = input(
                f"Toàn bộ dữ liệu hiện tại sẽ được thay bằng bản sao lưu {file}.\n"
                f"All current data will be replaced by the backup {file}.\n"
                "Gõ 'yes' để tiếp tục / type 'yes' to continue: "
            )
            if answer.strip().lower() not in ("yes", "có", "co"):
                raise CommandError("Đã hủy / cancelled.")
        try:
            saved = restore(file, keep_current=keep)
        except BackupError as exc:
            raise CommandError(str(exc))
        if saved:
            self.stdout.write(f"the database before the restore: {saved}")
        self.stdout.write(f"restored from {file}")
