r"""`manage.py cycle run --month YYYY-MM` issues the monthly lists (idempotent);
`manage.py cycle remind --month YYYY-MM` reminds organisations missing reasons.

Cron (the office's server, Asia/Ho_Chi_Minh time), documented in docs/collection.md:

    # 06:00 on the 25th: issue this month's lists; 07:00 on the 18th: remind about reasons
    0 6 25 * *  cd /srv/ansinh && .venv/bin/python manage.py cycle run --month $(date +\%Y-\%m)
    0 7 18 * *  cd /srv/ansinh && .venv/bin/python manage.py cycle remind  # last month's cycle
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from ansinh.rules.months import Month


class Command(BaseCommand):
    help = "The monthly retention cycle: issue the lists (run) or remind about reasons (remind)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="Issue the due and unpaid lists of a month (idempotent).")
        run.add_argument("--month", help="YYYY-MM (default: this month)")
        run.add_argument("--office", help="Only this office code")
        remind = sub.add_parser(
            "remind", help="Remind organisations whose reasons for a cycle are missing."
        )
        remind.add_argument("--month", help="YYYY-MM of the cycle (default: last month)")

    def handle(self, *args, action, **options):
        from ansinh.collection import cycle, services

        try:
            month = Month.parse(options["month"]) if options.get("month") else None
        except ValueError as exc:
            raise CommandError(str(exc))
        if action == "run":
            month = month or Month.of(date.today())
            if options.get("office"):
                from ansinh.places.models import Office

                office = Office.objects.filter(code=options["office"]).first()
                if office is None:
                    raise CommandError(f"no office {options['office']!r}")
                results = [cycle.issue_cycle(office, month)]
            else:
                results = cycle.issue_all(month)
            for r in results:
                verb = "issued" if r.created else "already issued"
                self.stdout.write(
                    f"{r.run.office.code} {month}: {verb}: {r.run.due_count} due, "
                    f"{r.run.unpaid_count} unpaid, {r.run.suspended_count} suspended "
                    f"({r.run.elapsed_ms} ms)"
                )
            if not results:
                self.stdout.write("no office with collection organisations")
            # The cycle suspends people: the reports app refreshes its figures (signals.py).
            from ansinh.collection.signals import cycle_command_done

            cycle_command_done.send(sender=Command, month=month)
        else:
            month = month or (Month.of(date.today()) - 1)
            sent = services.remind_missing_reasons(month)
            self.stdout.write(f"{month}: {sent} reminder(s) sent")
