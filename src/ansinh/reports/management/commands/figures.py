r"""`manage.py figures refresh [--month YYYY-MM | --since YYYY-MM]`: recompute the figures
summary (reports.CommuneMonth) for every commune; idempotent.

Default: this month and the 13 before it (a dashboard's year of series and its baseline).
Nightly cron (docs/decisions/0013-figures-at-scale.md), after the day's imports:

    30 2 * * *  cd /srv/ansinh && .venv/bin/python manage.py figures refresh
"""

import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from ansinh.rules.months import Month


class Command(BaseCommand):
    help = "Recompute the figures summary read by the dashboard, its exports and the home page."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        refresh = sub.add_parser("refresh", help="Recompute months of the summary (idempotent).")
        refresh.add_argument("--month", help="YYYY-MM: only this month")
        refresh.add_argument("--since", help="YYYY-MM: this month through the current one")

    def handle(self, *args, action, **options):
        from ansinh.reports.figures import refresh

        this = Month.of(date.today())
        try:
            if options.get("month"):
                months = [Month.parse(options["month"])]
            else:
                since = Month.parse(options["since"]) if options.get("since") else this - 13
                months = [since + i for i in range(this - since + 1)]
        except ValueError as exc:
            raise CommandError(str(exc))
        for m in months:
            started = time.perf_counter()
            n = refresh(m.first_day())
            self.stdout.write(f"{m}: {n} communes ({(time.perf_counter() - started):.1f} s)")
