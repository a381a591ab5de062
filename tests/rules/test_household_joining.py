"""Household HI with members joining at different times, ending on one card date
(Decree 188/2025 art. 6; issue 11 item 3)."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansinh.rules.hi import hi_quote, household_quote, months_to
from ansinh.rules.parameters import default_table

T = default_table()


def test_worked_example_three_members_joining_at_different_times():
    # base salary 2,340,000 x 4.5% = 105,300 a month for the first member
    q = household_quote(T, [date(2025, 8, 1), date(2025, 10, 1), date(2025, 10, 15)], months=12)
    assert q.card_end == date(2026, 7, 31)
    rows = [(m.rank, m.percent, m.months, m.monthly, m.amount) for m in q.members]
    assert rows == [
        (1, 100, 12, 105_300, 1_263_600),
        (2, 70, 10, 73_710, 737_100),  # October 2025 to July 2026
        (3, 60, 10, 63_180, 631_800),  # October begun counts
    ]
    assert q.total == 2_632_500
    assert {"base_salary", "hi.rate", "hi.ladder.2", "hi.periods"} <= set(q.parameters)


def test_joining_together_is_the_plain_ladder():
    same = household_quote(T, [date(2025, 8, 1)] * 5, months=12)
    plain = hi_quote(T, 5, date(2025, 8, 1), 12)
    assert [m.amount for m in same.members] == [s.amount for s in plain.per_member]
    assert same.total == plain.total


def test_newcomers_rank_after_the_members_already_enrolled():
    q = household_quote(T, [date(2025, 12, 1)], card_end=date(2026, 7, 31), enrolled=2)
    (m,) = q.members
    assert (m.rank, m.percent, m.months, m.amount) == (3, 60, 8, 8 * 63_180)


def test_members_are_ranked_in_the_order_they_join():
    q = household_quote(T, [date(2025, 11, 1), date(2025, 8, 1)], months=12)
    assert [(m.joined, m.rank) for m in q.members] == [
        (date(2025, 8, 1), 1),
        (date(2025, 11, 1), 2),
    ]


def test_months_to_the_card_end():
    assert months_to(date(2025, 8, 1), date(2026, 7, 31)) == 12
    assert months_to(date(2025, 8, 20), date(2026, 8, 19)) == 12
    assert months_to(date(2026, 7, 31), date(2026, 7, 31)) == 1


def test_bad_input_names_the_member():
    with pytest.raises(ValueError, match="member 2 joins on 01/09/2026, after the card ends"):
        household_quote(T, [date(2025, 8, 1), date(2026, 9, 1)], months=12)
    with pytest.raises(ValueError, match="months must be one of 3, 6, 12"):
        household_quote(T, [date(2025, 8, 1)], months=5)
    with pytest.raises(ValueError, match="at most 12 months"):
        household_quote(T, [date(2025, 8, 1)], card_end=date(2027, 1, 31))
    with pytest.raises(ValueError, match="at least one member"):
        household_quote(T, [], months=12)
    with pytest.raises(ValueError, match="either the months or the card's end date"):
        household_quote(T, [date(2025, 8, 1)], months=12, card_end=date(2026, 7, 31))


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.integers(0, 300), min_size=1, max_size=8),
    st.integers(0, 4),
)
def test_household_total_never_exceeds_members_times_the_first_member(offsets, enrolled):
    start = date(2025, 7, 1)  # one base salary in force to the card's end
    first = start + timedelta(days=min(offsets))
    joins = [first + timedelta(days=o - min(offsets)) for o in offsets]
    card_end = min(first.replace(year=first.year + 1) - timedelta(days=1), date(2026, 6, 30))
    q = household_quote(T, joins, card_end=card_end, enrolled=enrolled)
    top = max(m.months for m in q.members)
    assert q.total <= len(joins) * 105_300 * top
    assert q.total == sum(m.amount for m in q.members)
    assert [m.rank for m in q.members] == list(range(enrolled + 1, enrolled + len(joins) + 1))
    for a, b in zip(q.members, q.members[1:], strict=False):
        assert b.months <= a.months and b.percent <= a.percent and b.amount <= a.amount
