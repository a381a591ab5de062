"""The `anyof` lookup: a batch of values in one parameter finds exactly the rows named."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansinh.enrolment.models import Receipt

from .conftest import enrol

pytestmark = pytest.mark.django_db

# receipt numbers as offices type them, and the characters an array literal must escape
numbers = (
    st.text(alphabet=st.sampled_from("AB-/ ,{}\"\\'đ0123"), min_size=1, max_size=12)
    .map(str.strip)
    .filter(bool)
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(stored=st.sets(numbers, min_size=1, max_size=6), other=st.sets(numbers, max_size=6))
def test_text_values_round_trip(office, stored, other):
    from datetime import date

    e = enrol(office, "Nguyễn Văn A", paid_through=date(2026, 10, 1))
    Receipt.objects.all().delete()
    for n in stored:
        Receipt.objects.create(
            number=n,
            scheme="vsi",
            person=e.person,
            vsi_enrolment=e,
            paid_on=date(2026, 11, 3),
            from_month=date(2026, 11, 1),
            months=1,
            gross=1,
            amount=1,
        )
    asked = set(list(stored)[:3]) | other
    found = set(
        Receipt.objects.filter(number__anyof=frozenset(asked)).values_list("number", flat=True)
    )
    assert found == stored & asked


def test_integer_values_and_the_empty_set(office):
    from datetime import date

    a = enrol(office, "Nguyễn Văn A", paid_through=date(2026, 10, 1))
    b = enrol(office, "Trần Thị B", paid_through=date(2026, 10, 1))
    from ansinh.enrolment.models import VsiEnrolment

    assert set(
        VsiEnrolment.objects.filter(person_id__anyof={a.person_id}).values_list("pk", flat=True)
    ) == {a.pk}
    assert not VsiEnrolment.objects.filter(person_id__anyof=frozenset()).exists()
    assert VsiEnrolment.objects.filter(person_id__anyof={a.person_id, b.person_id}).count() == 2


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(other=st.sets(st.integers(min_value=-(2**63), max_value=2**63 - 1), max_size=8))
def test_integer_values_round_trip(office, other):
    """Integers go as one array literal too (on PostgreSQL): any 64-bit id finds exactly its
    row, with the ids of no row beside it."""
    from datetime import date

    from ansinh.enrolment.models import VsiEnrolment

    if not VsiEnrolment.objects.exists():
        enrol(office, "Nguyễn Văn A", paid_through=date(2026, 10, 1))
    e = VsiEnrolment.objects.get()
    found = VsiEnrolment.objects.filter(person_id__anyof=frozenset(other | {e.person_id}))
    assert list(found.values_list("pk", flat=True)) == [e.pk]
    assert (
        VsiEnrolment.objects.filter(person_id__anyof=frozenset(other - {e.person_id})).count() == 0
    )
