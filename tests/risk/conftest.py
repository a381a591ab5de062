"""The risk tests use the collection tests' participants (an October 2026 cycle)."""

from tests.collection.conftest import cohort  # noqa: F401  (fixture)
