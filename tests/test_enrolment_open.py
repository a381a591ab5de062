"""One open voluntary enrolment per person, read from `is_open` (a stored generated column):
the database keeps it, so changing the status between active and suspended touches no index."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from ansinh.enrolment.models import VsiEnrolment, VsiStatus
from tests.factories import enrol

pytestmark = pytest.mark.django_db


def test_is_open_follows_the_status_and_one_open_enrolment_per_person(office):
    first = enrol(office, "Mai Văn Một", paid_through=date(2026, 10, 1))
    first.refresh_from_db()
    assert first.is_open
    second = {
        "person": first.person,
        "start_month": date(2026, 11, 1),
        "income": 3_000_000,
        "status": VsiStatus.ACTIVE,
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        VsiEnrolment.objects.create(**second)
    VsiEnrolment.objects.filter(pk=first.pk).update(status=VsiStatus.SUSPENDED)
    first.refresh_from_db()
    assert first.is_open  # suspended is still open
    with pytest.raises(IntegrityError), transaction.atomic():
        VsiEnrolment.objects.create(**second)
    VsiEnrolment.objects.filter(pk=first.pk).update(status=VsiStatus.STOPPED)
    first.refresh_from_db()
    assert not first.is_open
    again = VsiEnrolment.objects.create(**second)  # stopped, then enrolled again: allowed
    again.refresh_from_db()
    assert again.is_open
    assert VsiEnrolment.objects.filter(person=first.person, is_open=True).get() == again
