"""`ansinh risk train` learns each office's lapse-risk model from its issued lists and scores
the latest lists; `ansinh risk score` scores lists with the latest model; `ansinh risk show`
prints the models' measured quality (decision 0022).

Scheduled with the monthly cycle: `manage.py cycle run` (cron on the 25th) sends
`cycle_command_done`, and the risk app retrains and rescores in a background task.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from ansinh.rules.months import Month


class Command(BaseCommand):
    help = "Lapse risk of the retention lists: train the model, score lists, show the models."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        train = sub.add_parser("train", help="Train each office's model and score its lists.")
        train.add_argument("--office", help="Only this office code")
        train.add_argument("--as-of", help="YYYY-MM-DD: outcomes known on this day (default today)")
        score = sub.add_parser("score", help="Score lists with the office's latest model.")
        score.add_argument("--office", help="Only this office code")
        score.add_argument("--month", help="YYYY-MM: the lists of this month (default the latest)")
        score.add_argument("--all", action="store_true", help="Every issued list")
        sub.add_parser("show", help="The latest model of each office and its quality.")

    def _offices(self, code):
        from ansinh.places.models import Office

        qs = Office.objects.filter(cycles__isnull=False).distinct()
        if code:
            qs = Office.objects.filter(code=code)
            if not qs.exists():
                raise CommandError(f"no office {code!r}")
        return list(qs)

    def handle(self, *args, action, **options):
        from ansinh.collection.models import CycleRun
        from ansinh.risk import services

        if action == "show":
            shown = 0
            for office in self._offices(None):
                model = services.latest_model(office)
                if model is not None:
                    self.stdout.write(
                        f"{model.trained_at:%Y-%m-%d %H:%M} " + services.describe(model)
                    )
                    shown += 1
            if not shown:
                self.stdout.write("no model trained yet: run `ansinh risk train`")
            return
        offices = self._offices(options.get("office"))
        if action == "train":
            try:
                as_of = date.fromisoformat(options["as_of"]) if options.get("as_of") else None
            except ValueError as exc:
                raise CommandError(f"--as-of: {exc}")
            trained = services.retrain_and_score(offices, as_of, log=self.stdout.write)
            if not trained:
                raise CommandError(
                    "no model trained: no office has lists whose outcome is known yet "
                    f"(a list's outcome is known {services.HORIZON_MONTHS + 1} months after "
                    "its deadline)"
                )
            return
        try:
            month = Month.parse(options["month"]) if options.get("month") else None
        except ValueError as exc:
            raise CommandError(str(exc))
        total = 0
        for office in offices:
            model = services.latest_model(office)
            if model is None:
                self.stdout.write(f"{office.code}: no model trained yet: run `ansinh risk train`")
                continue
            runs = CycleRun.objects.filter(office=office).order_by("-month")
            if month is not None:
                runs = runs.filter(month=month.first_day())
            elif not options.get("all"):
                runs = runs[:1]
            for run in runs:
                n = services.score_run(run, model)
                total += n
                self.stdout.write(f"{office.code} {run.month:%m/%Y}: {n} rows scored")
        if not total:
            raise CommandError("nothing scored (no model, or no list for that month)")
