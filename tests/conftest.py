import os

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

# Nothing in the suite is timed: hypothesis's per-example deadline and its "generation is slow"
# check measure the machine, not the code (a loaded 2-core CI box trips both).
hypothesis_settings.register_profile(
    "ansinh", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
hypothesis_settings.load_profile("ansinh")

# Playwright's sync API runs an event loop in the test thread; the ORM calls the browser
# tests make between page actions are ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """A fast hasher for the users tests create (PBKDF2 costs ~0.4 s a user); PBKDF2 still
    checks the passwords of users made outside a test (e.g. module-scoped demo data)."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


@pytest.fixture(autouse=True)
def _empty_cache(settings):
    """Nothing cached by one test (e.g. the dashboard's on-time rate, a look-up's attempts) is
    read by the next; the caches shared between processes (directories: the figures, the
    outlooks, the look-up rate limits) are the per-process one in tests, so parallel test
    processes do not share them (two processes' look-ups from one test address counted
    against each other)."""
    from django.core.cache import cache

    settings.FIGURES_CACHE = "default"
    settings.LOOKUP_CACHE = "default"
    settings.OUTLOOK_CACHE = "default"

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def places(db):
    """The 34 provinces and 3,321 communes (idempotent; transactional tests flush them)."""
    from ansinh.places.models import Commune

    if not Commune.objects.exists():
        call_command("load_places", verbosity=0)


@pytest.fixture
def office(places):
    from tests.factories import make_office

    return make_office()


@pytest.fixture
def users(office):
    from tests.factories import make_users

    return make_users(office)
