"""English pages and messages for the tests that pin English wording (imported by conftests)."""

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation


@pytest.fixture(autouse=True)
def english():
    """Messages in English (the translator's Vietnamese may change wording)."""
    with translation.override("en"):
        yield


@pytest.fixture
def client():
    """Pages in English: the language switch's cookie (the browser's language is ignored)."""
    c = Client()
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return c
