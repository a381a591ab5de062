"""A person's pension outlook (their file, the public look-up) is remembered for the day under
everything it is computed from: the same page again computes nothing, and a payment, an
edit of the person or a new figure in the parameters table gives a new outlook at once."""

from datetime import date

import pytest
from django.utils import timezone

from ansinh.counselling import outlook as outlooks
from ansinh.enrolment import services as enrolment
from ansinh.enrolment.queries import contribution_history
from ansinh.parameters.models import Parameter
from tests.growth_helpers import paying_participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def computed(monkeypatch):
    """How many times an outlook was computed (not found remembered)."""
    calls = []
    real = outlooks._outlook

    def counting(*args):
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(outlooks, "_outlook", counting)
    return calls


def _outlook(person):
    person.refresh_from_db()
    return outlooks.person_outlook(person, contribution_history(person))


def test_the_same_outlook_again_is_remembered_and_equal(office, users, computed):
    person = paying_participant(office, users["official"], months=6)
    first = _outlook(person)
    again = _outlook(person)
    assert len(computed) == 1 and again == first
    assert again == outlooks._outlook(*computed[0])  # as computed afresh


def test_a_payment_an_edit_or_a_new_figure_gives_a_new_outlook(office, users, computed):
    official = users["official"]
    person = paying_participant(office, official, months=6)
    before = _outlook(person)
    vsi = person.vsi_enrolments.get()
    enrolment.record_vsi_receipt(
        official,
        vsi,
        enrolment.ReceiptInput(number="T-NEXT", paid_on=date.today(), months=3),
    )
    paid = _outlook(person)
    assert len(computed) == 2
    # this month counts once paid; the two paid ahead after it would be refunded
    assert paid.now.counted_months == before.now.counted_months + 1

    person.birth_date = person.birth_date.replace(year=person.birth_date.year - 5)
    person.save()
    older = _outlook(person)
    assert len(computed) == 3 and older.retirement != paid.retirement

    row = Parameter.objects.filter(key="pension.min_years").order_by("-valid_from").first()
    Parameter.objects.filter(pk=row.pk).update(updated_at=timezone.now())  # an edit
    _outlook(person)
    assert len(computed) == 4


def test_a_remembered_outlook_names_the_unconfirmed_figures_it_rests_on(office, users, computed):
    """The page's "not yet confirmed" note lists the parameter rows its figures read: a
    remembered outlook reads them again from what was kept with it."""
    from ansinh.common.unconfirmed import unconfirmed_now
    from ansinh.rules.parameters import track_parameters

    person = paying_participant(office, users["official"], months=6)
    with track_parameters() as first:
        _outlook(person)
        said_first = unconfirmed_now()
    with track_parameters() as again:
        _outlook(person)
        said_again = unconfirmed_now()
    assert len(computed) == 1
    assert said_again == said_first and said_first  # the shipped table has unconfirmed rows
    assert {r.key for r in first.rows} <= {r.key for r in again.rows}
