"""A bad date, month or year in a report link is named on the page's form, never silently
replaced by another day's figures (issue 14 item 4); one reader (ansinh.common.params)."""

from datetime import date

import pytest
from django.utils import translation

from ansinh.common.params import QueryParams

pytestmark = pytest.mark.django_db
TODAY = date.today()


def _page(client, users, url, who="manager"):
    client.force_login(users[who])
    r = client.get(url)
    assert r.status_code == 200
    return r.content.decode()


def test_dashboard_names_an_impossible_day(client, users):
    page = _page(client, users, "/dashboard/?on=2025-13-01")
    assert 'data-testid="param-error-on"' in page
    assert "2025-13-01 is not a date: the month must be from 1 to 12." in page
    assert f"Showing {TODAY:%d/%m/%Y} instead." in page
    assert 'aria-invalid="true"' in page


def test_dashboard_names_the_days_of_the_month_and_a_bad_baseline(client, users):
    page = _page(client, users, "/dashboard/?on=2025-02-30&baseline=hôm qua")
    assert "2025-02-30 is not a date: month 02/2025 has 28 days." in page
    assert 'data-testid="param-error-baseline"' in page
    assert "hôm qua is not a date" in page


def test_a_good_date_shows_no_message(client, users):
    page = _page(client, users, "/dashboard/?on=2025-12-31&baseline=31/12/2024")
    assert "param-error" not in page
    assert 'value="2025-12-31"' in page and 'value="2024-12-31"' in page


def test_period_report_names_a_bad_month(client, users):
    page = _page(client, users, "/reports/period/?month=2025-13")
    assert 'data-testid="param-error-month"' in page
    assert "2025-13 is not a month: the month must be from 1 to 12." in page
    assert f"Showing {TODAY:%d/%m/%Y} instead." in page


def test_period_report_for_a_past_month_is_as_of_its_last_day(client, users):
    page = _page(client, users, "/reports/period/?month=2025-06")
    assert "param-error" not in page
    assert "30/06/2025" in page  # ĐẾN NGÀY 30/06/2025


def test_period_report_refuses_a_future_month(client, users):
    page = _page(client, users, f"/reports/period/?month={TODAY.year + 1}-01")
    assert f"01/{TODAY.year + 1} has not begun yet" in page


def test_pdf_and_excel_with_a_bad_date_go_to_the_page_that_shows_the_message(client, users):
    client.force_login(users["manager"])
    r = client.get("/reports/period/?month=2025-13&format=pdf")
    assert r.status_code == 302 and "format" not in r.url and "month=2025-13" in r.url
    r = client.get("/dashboard/export.xlsx?on=2025-13-01")
    assert r.status_code == 302 and r.url.startswith("/dashboard/?on=2025-13-01")
    r = client.get("/leaderboard/?year=20x5&quarter=2&format=xlsx")
    assert r.status_code == 302 and "format" not in r.url and "year=20x5" in r.url
    assert "20x5 is not a year" in client.get(r.url).content.decode()
    r = client.get("/leaderboard/?year=2025&quarter=2&format=xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxml")


def test_leaderboard_and_targets_name_a_bad_year_or_quarter(client, users):
    page = _page(client, users, "/leaderboard/?year=20x5&quarter=7")
    assert "20x5 is not a year" in page
    assert "7 is out of range: give a number from 1 to 4." in page
    page = _page(client, users, "/targets/?year=99999&on=2025-13-01")
    assert "99999: the year must be between 1900 and 2999." in page
    assert 'data-testid="param-error-on"' in page


def test_the_message_is_vietnamese_by_default(users):
    from django.test import Client

    c = Client()  # no language cookie: Vietnamese first
    c.force_login(users["manager"])
    with translation.override("vi"):
        page = c.get("/dashboard/?on=2025-13-01").content.decode()
    assert "2025-13-01 không phải là ngày" in page


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("2025-12-31", date(2025, 12, 31)),
        ("31/12/2025", date(2025, 12, 31)),
        ("1/2/2026", date(2026, 2, 1)),
        ("2024-02-29", date(2024, 2, 29)),
        ("", None),
    ],
)
def test_reader_accepts_both_ways_of_writing_a_day(raw, expected):
    p = QueryParams({"on": raw})
    assert p.date("on", None) == expected and not p.errors


@pytest.mark.parametrize(
    "raw", ["2025-13-01", "2023-02-29", "0001-01-01", "abc", "2025-1", "31-12-2025", "1e5"]
)
def test_reader_notes_every_bad_day(raw):
    p = QueryParams({"on": raw})
    assert p.date("on", "default") == "default" and raw in p.errors["on"]


def test_reader_months():
    p = QueryParams({"a": "2025-06", "b": "06/2025", "c": "2025-13", "d": "13/2025"})
    assert p.month("a", None) == p.month("b", None) == date(2025, 6, 1)
    assert p.month("c", None) is None and p.month("d", None) is None
    assert set(p.errors) == {"c", "d"}
