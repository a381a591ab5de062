"""Issue 4: every enrolment made in the app reaches the leaderboard, credited once.

The enrolment services announce each new enrolment after its transaction commits
(`ansinh.enrolment.signals.enrolled`); campaigns credits the person's collector unless a
campaign visit already credited its own member (docs/decisions/0011).
"""

import uuid
from datetime import date, timedelta

import pytest
from django.urls import reverse

from ansinh.campaigns import services
from ansinh.campaigns.models import Recruitment
from ansinh.enrolment import services as enrolment
from ansinh.enrolment.models import HiEnrolment, VsiEnrolment
from ansinh.places.models import Commune
from ansinh.reports.queries import quarter_of
from tests.factories import HOA_LONG, make_person

pytestmark = pytest.mark.django_db
TODAY = date.today()


def _leaders(client, user):
    client.force_login(user)
    year, quarter = quarter_of(TODAY)
    page = client.get(reverse("leaderboard"), {"year": year, "quarter": quarter})
    assert page.status_code == 200
    return {r.name: r for r in page.context["leaders"]}


def test_enrolment_on_the_enrol_pages_shows_on_the_leaderboard(
    client, office, users, django_capture_on_commit_callbacks
):
    person = make_person(office, "Phan Thị Mới", collector=office.collector)
    client.force_login(users["official"])
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            reverse("vsi_enrol", args=[person.pk]),
            {"income": "2000000", "method": "1", "lump_years": "0", "start": f"{TODAY:%Y-%m}"},
        )
        assert answer.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            reverse("hi_enrol", args=[person.household_id]),
            {"members": [str(person.pk)], "period_months": "12"},
        )
        assert answer.status_code == 302
    vsi = VsiEnrolment.objects.get(person=person)
    hi = HiEnrolment.objects.get(person=person)
    rows = Recruitment.objects.order_by("scheme")
    assert [(r.scheme, r.vsi_enrolment_id, r.hi_enrolment_id) for r in rows] == [
        ("hi", None, hi.pk),
        ("vsi", vsi.pk, None),
    ]
    assert {r.mobiliser.collector for r in rows} == {office.collector}
    leaders = _leaders(client, users["manager"])
    row = leaders[office.collector.full_name]
    assert (row.new_vsi, row.new_hi) == (1, 1)
    # the nightly set-based pass finds nothing left to credit
    assert services.credit_collectors(users["manager"], office.office, TODAY, TODAY) == 0


def test_no_collector_or_a_rolled_back_enrolment_credits_nobody(
    office, users, django_capture_on_commit_callbacks
):
    alone = make_person(office, "Không có CTV")
    with django_capture_on_commit_callbacks(execute=True):
        enrolment.enrol_vsi(users["official"], alone, 2_000_000, "1", TODAY)
    assert not Recruitment.objects.exists()
    person = make_person(office, "Đổi ý", collector=office.collector)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        from django.db import transaction

        with pytest.raises(RuntimeError), transaction.atomic():
            enrolment.enrol_vsi(users["official"], person, 2_000_000, "1", TODAY)
            raise RuntimeError("the visit failed after the enrolment")
    assert callbacks == []
    assert not Recruitment.objects.exists()


def test_a_visit_that_enrols_credits_its_member_not_the_collector(
    office, users, django_capture_on_commit_callbacks
):
    campaign = services.create_campaign(
        users["manager"],
        office.office,
        "Tháng vận động",
        TODAY - timedelta(days=3),
        TODAY + timedelta(days=30),
        Commune.objects.filter(pk=HOA_LONG),
    )
    members = [
        services.MemberInput(
            full_name=f"Thành viên {i}", role=role, phone=f"09100000{i:02d}", is_leader=i == 0
        )
        for i, role in enumerate(["si_staff", "post", "viettel", "commune", "collaborator"])
    ]
    group = services.create_group(
        users["manager"], campaign, campaign.communes.get(), "Tổ 1", members
    )
    day = services.add_launch_day(users["manager"], group, TODAY, "Văn phòng ấp", 3, 2)
    member = group.members.get(is_leader=False, role="post")
    person = make_person(office, "Lê Văn Gặp", collector=office.collector)
    with django_capture_on_commit_callbacks(execute=True):
        services.log_visit(
            users["official"],
            {
                "uuid": str(uuid.uuid4()),
                "day": day.pk,
                "member": member.pk,
                "person": person.pk,
                "outcome": "enrolled",
                "enrol_vsi": "1",
                "enrol_hi": "1",
                "income": "2000000",
                "method": "1",
            },
        )
    rows = list(Recruitment.objects.all())
    assert len(rows) == 2
    assert {r.mobiliser_id for r in rows} == {member.mobiliser_id}
    assert all(r.visit_id for r in rows)
