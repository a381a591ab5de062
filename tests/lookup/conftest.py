"""These tests read English pages; the look-up's rate-limit counts live in a cache of this
process (not the shared file cache under var/), emptied for each test."""

import pytest

from tests.english import client, english  # noqa: F401 - fixtures


@pytest.fixture(autouse=True)
def lookup_cache(settings):
    settings.CACHES = {
        **settings.CACHES,
        "lookups": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "lookups-tests",
        },
    }
    from django.core.cache import caches

    caches["lookups"].clear()
    yield caches["lookups"]
    caches["lookups"].clear()
