"""The figures summary says what metric_count says, day by day, commune by commune; it is
refreshed when stale, by the command, and serves the dashboard and the home page."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ansinh.common.text import add_months
from ansinh.enrolment.models import HiEnrolment, HiStatus, VsiEnrolment
from ansinh.reports import figures
from ansinh.reports.models import CommuneMonth
from ansinh.reports.queries import office_figures
from ansinh.targets.choices import Metric
from ansinh.targets.queries import metric_count
from ansinh.web.queries import home_figures, live_home_figures
from tests.factories import HOA_LONG, LAI_VUNG
from tests.growth_helpers import hi_member, paying_participant

pytestmark = pytest.mark.django_db
TODAY = date.today()
THIS = TODAY.replace(day=1)


@pytest.fixture
def population(office, users):
    official = users["official"]
    old = add_months(THIS, -14)
    paying_participant(office, official, "Cũ", start=old, months=30)
    paying_participant(office, official, "Ngắn", start=add_months(THIS, -5), months=2)
    paying_participant(office, official, "Mới", start=THIS, months=1)
    paying_participant(office, official, "Tháng trước", start=add_months(THIS, -1), months=1)
    paying_participant(office, official, "Lai Vung", commune=LAI_VUNG, start=old, months=20)
    stopped = paying_participant(office, official, "Dừng", start=add_months(THIS, -3), months=2)
    VsiEnrolment.objects.filter(person=stopped).update(status="stopped")
    a = hi_member(office, official, "HI hôm nay")
    b = hi_member(office, official, "HI cũ", paid_on=TODAY - timedelta(days=200))
    c = hi_member(office, official, "HI dừng", commune=LAI_VUNG)
    HiEnrolment.objects.filter(person=c).update(status=HiStatus.STOPPED)
    # Cards ending and starting inside the months the dashboard reads.
    HiEnrolment.objects.filter(person=a).update(
        start_month=add_months(THIS, -2), card_to=add_months(THIS, -1) + timedelta(days=9)
    )
    HiEnrolment.objects.filter(person=b).update(card_to=THIS + timedelta(days=2))
    d = hi_member(office, official, "HI tháng sau", commune=LAI_VUNG)
    HiEnrolment.objects.filter(person=d).update(start_month=add_months(THIS, -1))


def _days(first_month, months):
    d = first_month
    end = add_months(first_month, months)
    while d < end:
        yield d
        d += timedelta(days=1)


def test_summary_equals_metric_count_every_day(population, users):
    manager = users["manager"]
    communes = [HOA_LONG, LAI_VUNG]
    start = add_months(THIS, -3)
    days = list(_days(start, 5))  # three closed months, this one, and next
    counter = figures.SummaryCounts(manager, communes, days)
    for on in days:
        for metric in (Metric.VSI, Metric.HI, Metric.VSI_NEW, Metric.HI_NEW):
            want = metric_count(manager, metric, on, communes=communes)
            assert counter.count(metric, on) == want, (metric, on)
            by = metric_count(manager, metric, on, by="commune", communes=communes)
            got = {k: v for k, v in counter.count(metric, on, by="commune").items() if v}
            assert got == by, (metric, on)


def test_dashboard_reads_the_summary_in_a_few_queries(client, population, users):
    client.force_login(users["manager"])
    client.get("/dashboard/")  # fills the summary
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/dashboard/").status_code == 200
    counts = [q["sql"] for q in ctx.captured_queries if "COUNT(DISTINCT" in q["sql"]]
    assert counts == []  # no participant count over the enrolment tables
    assert len(ctx.captured_queries) < 30


def test_a_month_is_computed_with_one_scan_per_table(population):
    """The contribution months, the VSI and the HI enrolments are each read once for all the
    counts they give (and the receipts once); only the HI cards starting and ending inside
    the month are read apart, by day, through their indexes."""
    with CaptureQueriesContext(connection) as ctx:
        rows = figures.compute(THIS, [HOA_LONG, LAI_VUNG])
    # every query that reads a table (not the transaction's own statements: decision 0030)
    tables = [
        next(
            t
            for t in ("contributionmonth", "vsienrolment", "hienrolment", "receipt")
            if f'FROM "enrolment_{t}"' in q["sql"]
        )
        for q in ctx.captured_queries
        if "FROM" in q["sql"]
    ]
    assert sorted(tables) == sorted(
        [
            "contributionmonth",
            "vsienrolment",
            "hienrolment",
            "hienrolment",
            "hienrolment",
            "receipt",
        ]
    )
    assert rows[HOA_LONG]["vsi_active"] >= 1 and "hi_active" in rows[LAI_VUNG]


def test_stale_rows_are_refreshed_settled_months_are_not(population, users, settings):
    settings.FIGURES_FRESH_SECONDS = 60
    manager = users["manager"]
    old = add_months(THIS, -3)
    figures.SummaryCounts(manager, [HOA_LONG], [TODAY, old])
    long_ago = timezone.now() - timedelta(days=1)
    CommuneMonth.objects.update(refreshed_at=long_ago)
    before = {r.month: r.refreshed_at for r in CommuneMonth.objects.filter(commune=HOA_LONG)}
    figures.SummaryCounts(manager, [HOA_LONG], [TODAY, old])
    after = {r.month: r.refreshed_at for r in CommuneMonth.objects.filter(commune=HOA_LONG)}
    assert after[THIS] > before[THIS]  # this month may still change: refreshed
    # Three months back was refreshed a day ago, after the month after it closed: settled.
    assert after[old] == before[old]


def test_new_payment_shows_after_the_fresh_window(office, users, settings):
    settings.FIGURES_FRESH_SECONDS = 60
    manager = users["manager"]
    assert figures.SummaryCounts(manager, [HOA_LONG], [TODAY]).count(Metric.VSI, TODAY) == 0
    paying_participant(office, users["official"], "Mới", start=THIS, months=1)
    # Within the window the summary is not recomputed ...
    assert figures.SummaryCounts(manager, [HOA_LONG], [TODAY]).count(Metric.VSI, TODAY) == 0
    CommuneMonth.objects.update(refreshed_at=timezone.now() - timedelta(seconds=61))
    # ... after it, it is.
    assert figures.SummaryCounts(manager, [HOA_LONG], [TODAY]).count(Metric.VSI, TODAY) == 1


def test_collection_staff_are_counted_live(office, users, population):
    collector = users.get("collector")
    if collector is None:
        pytest.skip("no collector user in the fixture")
    counter = figures.SummaryCounts(collector, [HOA_LONG, LAI_VUNG], [TODAY])
    assert counter.live
    assert counter.count(Metric.VSI, TODAY) == metric_count(
        collector, Metric.VSI, TODAY, communes=[HOA_LONG, LAI_VUNG]
    )


def test_home_figures_from_the_summary_equal_the_live_counts(population, users):
    for name in ("manager", "official"):
        user = users[name]
        assert home_figures(user, TODAY) == live_home_figures(user, TODAY)


def test_refresh_command_is_idempotent(population):
    out = StringIO()
    call_command("figures", "refresh", "--month", f"{THIS:%Y-%m}", stdout=out)
    n = CommuneMonth.objects.filter(month=THIS).count()
    rows = list(CommuneMonth.objects.filter(month=THIS).values("commune", "vsi", "hi_days"))
    call_command("figures", "refresh", "--month", f"{THIS:%Y-%m}", stdout=out)
    assert CommuneMonth.objects.filter(month=THIS).count() == n >= 2
    again = list(CommuneMonth.objects.filter(month=THIS).values("commune", "vsi", "hi_days"))
    assert again == rows
    call_command("figures", "refresh", stdout=out)
    assert CommuneMonth.objects.filter(month=add_months(THIS, -13)).exists()


def test_dashboard_figures_unchanged_by_the_summary(population, users):
    """office_figures (summary) == the same figures counted live with metric_count."""
    manager = users["manager"]
    f = office_figures(manager, users["manager"].office, TODAY)
    codes = [c.code for c in f.communes]
    assert f.vsi.count == metric_count(manager, Metric.VSI, TODAY, communes=codes)
    assert f.hi.count == metric_count(manager, Metric.HI, TODAY, communes=codes)
    assert f.vsi.baseline == metric_count(manager, Metric.VSI, f.baseline, communes=codes)
    for point, vsi, hi in f.series:
        assert vsi == metric_count(manager, Metric.VSI, point, communes=codes)
        assert hi == metric_count(manager, Metric.HI, point, communes=codes)
