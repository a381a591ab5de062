"""`manage.py worker`: the background worker (django-tasks-db's `db_worker`, same options),
whose worker id is its own process, "host:pid:start" (ansinh.common.lease), so that after a
crash or a restart `manage.py jobs recover` can tell the tasks it left "running" and mark them
failed (decision 0018). Run it instead of `db_worker`: a `db_worker` gets a random id, and a
task it leaves running stays so."""

from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Command as DBWorker

from ansinh.common import lease


class Command(DBWorker):
    help = "Run the background worker (db_worker, its id this process: host:pid:start)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(worker_id=None)

    def handle(self, *args, worker_id=None, **options):
        if not worker_id:
            owner = lease.this_owner()
            # db_worker's limit is 64 characters: past it (a very long host name) the worker
            # gets a random id, and the tasks it leaves running are not judged.
            worker_id = owner if len(owner) <= 64 else get_random_string(32)
        return super().handle(*args, worker_id=worker_id, **options)
