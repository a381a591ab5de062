"""`manage.py load_places`: the 34 provinces and 3,321 communes of the 2025 map."""

import time

from django.core.management.base import BaseCommand

from ansinh.places.loader import load_places


class Command(BaseCommand):
    help = "Load the 34 provinces and 3,321 communes (2025 map) from vietnam-provinces."

    def handle(self, *args, **options):
        started = time.monotonic()
        provinces, communes = load_places()
        elapsed = time.monotonic() - started
        if provinces or communes:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Loaded {provinces} provinces and {communes} communes in {elapsed:.1f} s."
                )
            )
        else:
            self.stdout.write("Provinces and communes already loaded; nothing to do.")
