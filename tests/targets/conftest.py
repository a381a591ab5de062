"""These tests read English pages and messages."""

from tests.english import client, english  # noqa: F401 - fixtures
