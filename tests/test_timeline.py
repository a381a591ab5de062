from datetime import date

from ansinh.enrolment.queries import timeline
from ansinh.rules.months import Month
from ansinh.rules.pension import ContributionMonth


def months(year, first, last, **kw):
    return [ContributionMonth(Month(year, m), 2_000_000, **kw) for m in range(first, last + 1)]


def test_timeline_marks_each_month_by_kind_newest_year_first():
    history = months(2023, 6, 12, kind="compulsory") + months(2024, 1, 3, support=66_000)
    rows = timeline(history, until=date(2024, 11, 22))
    assert [r.year for r in rows] == [2024, 2023]
    assert rows[0].cells[:4] == ["s", "s", "s", ""] and rows[0].count == 3
    assert rows[1].cells[5:] == ["c"] * 7 and rows[1].count == 7


def test_empty_years_between_payments_collapse_into_one_gap_row():
    history = months(2013, 1, 6) + months(2024, 3, 12)
    rows = timeline(history, until=date(2026, 11, 22))
    gaps = [r for r in rows if r.is_gap]
    assert len(gaps) == 1 and (gaps[0].first_year, gaps[0].year) == (2014, 2023)
    assert [r.year for r in rows if not r.is_gap] == [2026, 2025, 2024, 2013]
    assert sum(r.count for r in rows) == 16


def test_no_history_no_rows():
    assert timeline([]) == []
