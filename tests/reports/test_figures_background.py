"""Stale while revalidate (decision 0026): a request serves the stored rows of a stale month
as they are and asks for one background refresh of it; missing rows are still computed in
the request; with the immediate task backend (the default) the refresh runs at once.

The dummy task backend keeps what was enqueued without running it: the tests run it when
they choose, as `manage.py db_worker` would after the page has been served."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from ansinh.common.text import add_months
from ansinh.reports import figures
from ansinh.reports.models import CommuneMonth
from ansinh.targets.choices import Metric
from ansinh.targets.queries import metric_count
from tests.factories import HOA_LONG
from tests.growth_helpers import paying_participant

pytestmark = pytest.mark.django_db
TODAY = date.today()
THIS = TODAY.replace(day=1)
REFRESH_TASK = "ansinh.reports.tasks.refresh_figures_task"


@pytest.fixture
def queued(settings):
    """Tasks enqueued but not run (the database backend before its worker picks them up)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    default_task_backend.clear()
    return default_task_backend


def refreshes(backend) -> list:
    return [r for r in backend.results if r.task.module_path == REFRESH_TASK]


def run_queued(backend) -> None:
    """What the worker does: run each enqueued task."""
    for result in list(backend.results):
        result.task.call(*result.args, **result.kwargs)
    backend.clear()


def age_rows(**delta) -> None:
    CommuneMonth.objects.update(refreshed_at=timezone.now() - timedelta(**delta))


def dashboard_vsi(client) -> tuple[int, bool]:
    """The dashboard's VSI count and whether it says its figures are being updated."""
    response = client.get("/dashboard/")
    assert response.status_code == 200
    return response.context["f"].vsi.count, b'data-testid="figures-as-of"' in response.content


def test_stale_rows_are_served_and_refreshed_once_in_the_background(client, office, users, queued):
    client.force_login(users["manager"])
    paying_participant(office, users["official"], "Cũ", start=add_months(THIS, -2), months=3)
    assert dashboard_vsi(client) == (1, False)  # missing rows computed in the request
    assert refreshes(queued) == []
    paying_participant(office, users["official"], "Mới", start=THIS, months=1)
    age_rows(minutes=10)
    # Served as stored, saying so, however many requests see the month stale ...
    assert dashboard_vsi(client) == (1, True)
    assert dashboard_vsi(client) == (1, True)
    # ... and one refresh asked for each month that may still change (this one, the last).
    asked = sorted(r.args[0] for r in refreshes(queued))
    assert asked == [add_months(THIS, -1).isoformat(), THIS.isoformat()]
    run_queued(queued)
    assert dashboard_vsi(client) == (2, False)
    want = metric_count(users["manager"], Metric.VSI, TODAY, communes=[HOA_LONG])
    assert (
        figures.SummaryCounts(users["manager"], [HOA_LONG], [TODAY]).count(Metric.VSI, TODAY)
        == want
    )


def test_the_home_page_says_how_old_its_figures_are(client, office, users, queued):
    """Vietnamese first (no language cookie), English on the switch (the `client` fixture)."""
    from django.test import Client
    from django.utils import translation

    vietnamese = Client()
    vietnamese.force_login(users["manager"])
    client.force_login(users["manager"])
    paying_participant(office, users["official"], "Cũ", start=THIS, months=1)
    client.get("/")
    age_rows(minutes=10)
    stored = figures.stale_since(CommuneMonth.objects.filter(month=THIS))
    shown = f"{timezone.localtime(stored):%H:%M}"
    with translation.override("vi"):
        assert f"Số liệu lúc {shown}" in vietnamese.get("/").content.decode()
    assert f"Figures as of {shown}" in client.get("/").content.decode()
    assert len(refreshes(queued)) == 1
    run_queued(queued)
    assert 'data-testid="figures-as-of"' not in client.get("/").content.decode()


def test_missing_rows_are_computed_in_the_request(office, users, queued):
    paying_participant(office, users["official"], "Cũ", start=THIS, months=1)
    counter = figures.SummaryCounts(users["manager"], [HOA_LONG], [TODAY])
    assert counter.count(Metric.VSI, TODAY) == 1
    assert counter.as_of is None
    assert refreshes(queued) == []


def test_a_refresh_asked_again_after_the_window_is_asked_again(office, users, queued, settings):
    settings.FIGURES_FRESH_SECONDS = 60
    figures.SummaryCounts(users["manager"], [HOA_LONG], [TODAY])
    age_rows(minutes=10)
    figures.SummaryCounts(users["manager"], [HOA_LONG], [TODAY])
    figures.SummaryCounts(users["manager"], [HOA_LONG], [TODAY])
    assert len(refreshes(queued)) == 1
    from django.core.cache import cache

    cache.clear()  # the window over (the key's timeout is the fresh window)
    figures.SummaryCounts(users["manager"], [HOA_LONG], [TODAY])
    assert len(refreshes(queued)) == 2


def test_the_task_skips_a_month_refreshed_since_it_was_asked(office, users):
    paying_participant(office, users["official"], "Cũ", start=THIS, months=1)
    figures.refresh(THIS, [HOA_LONG])
    asked = timezone.now() - timedelta(seconds=5)
    assert figures.refresh_unless_since(THIS, [HOA_LONG], asked) == 0
    age_rows(minutes=10)
    assert figures.refresh_unless_since(THIS, [HOA_LONG], asked) == 1
    assert CommuneMonth.objects.get(commune=HOA_LONG, month=THIS).refreshed_at > asked


def test_with_the_immediate_backend_a_stale_month_is_refreshed_in_the_request(office, users):
    figures.SummaryCounts(users["manager"], [HOA_LONG], [TODAY])
    paying_participant(office, users["official"], "Mới", start=THIS, months=1)
    age_rows(minutes=10)
    counter = figures.SummaryCounts(users["manager"], [HOA_LONG], [TODAY])
    assert counter.count(Metric.VSI, TODAY) == 1
    assert counter.as_of is None


def test_a_failed_refresh_serves_the_stored_rows_and_is_asked_again(
    office, users, monkeypatch, caplog
):
    figures.SummaryCounts(users["manager"], [HOA_LONG], [TODAY])
    age_rows(minutes=10)

    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(figures, "compute", broken)
    counter = figures.SummaryCounts(users["manager"], [HOA_LONG], [TODAY])
    assert counter.count(Metric.VSI, TODAY) == 0  # the stored rows
    assert counter.as_of is not None
    assert "database gone" in caplog.text
    monkeypatch.undo()
    assert figures.SummaryCounts(users["manager"], [HOA_LONG], [TODAY]).as_of is None


def test_the_on_time_share_is_served_kept_and_refreshed_once(users, queued, monkeypatch):
    """The dashboard's on-time share: computed when nothing is kept, then served as kept
    while one task recomputes it after the fresh window."""
    from django.conf import settings
    from django.core.cache import caches

    from ansinh.reports import queries
    from ansinh.rules.months import Month

    computed = []

    def rows(user, month):
        computed.append(month)
        return [{"commune_id": HOA_LONG, "due": 10, "paid": len(computed)}]

    monkeypatch.setattr(queries, "on_time_rows", rows)
    manager, month = users["manager"], Month.of(add_months(THIS, -1))
    assert queries._cached_on_time(manager, month)[0]["paid"] == 1
    assert queries._cached_on_time(manager, month)[0]["paid"] == 1
    assert len(computed) == 1 and queued.results == []
    store, key = caches[settings.FIGURES_CACHE], queries._on_time_key(manager, month)
    computed_at, kept = store.get(key)
    store.set(key, (computed_at - 600, kept))
    assert queries._cached_on_time(manager, month)[0]["paid"] == 1  # as kept ...
    assert queries._cached_on_time(manager, month)[0]["paid"] == 1
    assert [r.args for r in queued.results] == [[manager.pk, str(month)]]  # ... asked once
    run_queued(queued)
    assert queries._cached_on_time(manager, month)[0]["paid"] == 2
    assert len(computed) == 2


def _setting(name="max_parallel_workers_per_gather") -> str | None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cur:
        cur.execute("SELECT current_setting(%s)", [name])
        return cur.fetchone()[0]


_parallel_workers_setting = _setting


def _session_value(name: str, value: str) -> str | None:
    """Set `name` for the test's session to a value the code under test does not use (the
    test's transaction rolls it back), so the test means the same on any server."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cur:
        cur.execute("SELECT set_config(%s, %s, false)", [name, value])
    return value


def test_an_areas_figures_read_its_rows_at_the_cost_of_cached_pages(monkeypatch, office):
    """Decision 0030: an area's figures are computed with random_page_cost 1.1 (PostgreSQL),
    the country's with the server's own; the setting ends with the computation."""
    before = _session_value("random_page_cost", "4")
    seen = []
    hi_counts = figures._hi_counts

    def recording(*args, **kwargs):
        seen.append(_setting("random_page_cost"))
        return hi_counts(*args, **kwargs)

    monkeypatch.setattr(figures, "_hi_counts", recording)
    figures.compute(THIS, [HOA_LONG])
    figures.compute(THIS, None)
    assert seen == (["1.1", before] if before is not None else [None, None])
    assert _setting("random_page_cost") == before


def test_background_refreshes_take_one_core_for_their_transaction_only(monkeypatch, office, users):
    """Decision 0030: the refresh tasks' queries run without parallel workers (on
    PostgreSQL), and the setting ends with their transaction."""
    from ansinh.reports import queries, tasks

    before = _session_value("max_parallel_workers_per_gather", "2")
    seen = {}

    def compute(*args, **kwargs):
        seen["figures"] = _parallel_workers_setting()
        return {}

    def on_time_rows(*args, **kwargs):
        seen["on_time"] = _parallel_workers_setting()
        return []

    monkeypatch.setattr(figures, "compute", compute)
    monkeypatch.setattr(queries, "on_time_rows", on_time_rows)
    tasks.refresh_figures_task.call(THIS.isoformat(), None, timezone.now().isoformat())
    tasks.refresh_on_time_task.call(users["manager"].pk, f"{THIS:%Y-%m}")
    expected = "0" if before is not None else None
    assert seen == {"figures": expected, "on_time": expected}
    assert _parallel_workers_setting() == before
