"""`manage.py demo [--small] [--seed N]`: the Hòa Long office with a synthetic population.

Idempotent: places, office, hamlets, organisations, collectors and the demo accounts are
created when missing; the population is generated only when the office has no persons.
The demo accounts are printed every time (password in ansinh.demo.setup.DEMO_PASSWORD).
"""

import time
from datetime import date

from django.core.management.base import BaseCommand

from ansinh.demo.run import build_demo


class Command(BaseCommand):
    help = "Build the Hòa Long demo: office, collectors, demo users and a synthetic population."

    def add_arguments(self, parser):
        parser.add_argument(
            "--small", action="store_true", help="~300 VSI and 2,000 HI members (for tests)"
        )
        parser.add_argument("--seed", type=int, default=2025, help="random seed (default 2025)")
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            default=None,
            help="the date the history runs up to (YYYY-MM-DD; default: today)",
        )

    def handle(self, *args, small=False, seed=2025, today=None, **options):
        self.verbosity = options.get("verbosity", 1)
        started = time.monotonic()
        result = build_demo(small=small, seed=seed, today=today, log=self._log)
        self.stdout.write(result.accounts)
        if result.counts:
            self.stdout.write(self.style.SUCCESS("Demo population built:"))
            for key, value in result.counts.items():
                self.stdout.write(f"  {key:<28} {value:>9,}")
        else:
            self.stdout.write("The office HOALONG already has persons: population left as it is.")
        self.stdout.write(f"Done in {time.monotonic() - started:.1f} s.")

    def _log(self, message: str):
        if self.verbosity >= 2:
            self.stdout.write(message)
