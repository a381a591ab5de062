import json
import uuid
from datetime import date, timedelta
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from docx import Document

from ansinh.campaigns import exports, prospects, queries, services
from ansinh.campaigns.models import GroupMember, Recruitment, Visit
from ansinh.enrolment.models import VsiEnrolment
from ansinh.places.models import Commune
from ansinh.registry.models import CompulsoryPeriod
from tests.factories import HOA_LONG, LAI_VUNG, make_person
from tests.growth_helpers import hi_member, paying_participant

pytestmark = pytest.mark.django_db
TODAY = date.today()


def five(n=5):
    roles = ["si_staff", "post", "viettel", "commune", "collaborator", "collaborator"]
    return [
        services.MemberInput(
            full_name=f"Thành viên {i}", role=roles[i], phone=f"09000000{i:02d}", is_leader=i == 0
        )
        for i in range(n)
    ]


@pytest.fixture
def campaign(office, users):
    return services.create_campaign(
        users["manager"],
        office.office,
        "Tháng vận động",
        TODAY - timedelta(days=3),
        TODAY + timedelta(days=30),
        Commune.objects.filter(pk__in=[HOA_LONG, LAI_VUNG]),
    )


@pytest.fixture
def day(campaign, office, users):
    group = services.create_group(
        users["manager"], campaign, campaign.communes.get(pk=HOA_LONG), "Tổ 1", five()
    )
    return services.add_launch_day(
        users["manager"], group, TODAY, "Văn phòng ấp", 3, 2, office.hamlet
    )


def test_group_rules(campaign, users):
    hl = campaign.communes.get(pk=HOA_LONG)
    with pytest.raises(ValidationError, match="at least 5 members; 4 given"):
        services.create_group(users["manager"], campaign, hl, "Tổ nhỏ", five(4))
    no_leader = five()
    no_leader[0].is_leader = False
    with pytest.raises(ValidationError, match="exactly one leader"):
        services.create_group(users["manager"], campaign, hl, "Tổ", no_leader)
    assert not campaign.groups.exists()
    group = services.create_group(users["manager"], campaign, hl, "Tổ 1", five())
    assert group.members.count() == 5 and group.leader.mobiliser.full_name == "Thành viên 0"
    # the same people in a second group are the same mobilisers (stable for the leaderboard)
    services.create_group(users["manager"], campaign, hl, "Tổ 2", five())
    assert GroupMember.objects.values("mobiliser").distinct().count() == 5


def test_launch_day_outside_campaign_refused(campaign, users, office):
    group = services.create_group(
        users["manager"], campaign, campaign.communes.get(pk=HOA_LONG), "Tổ 1", five()
    )
    with pytest.raises(ValidationError, match="outside the campaign"):
        services.add_launch_day(users["manager"], group, TODAY + timedelta(days=60), "Ấp", 1, 1)
    with pytest.raises(ValidationError, match="not in"):
        services.add_launch_day(users["manager"], group, TODAY, "Ấp", 1, 1, office.hamlet2)
    assert not group.days.exists()


def _visit(day, **kw):
    data = {
        "uuid": str(uuid.uuid4()),
        "day": day.pk,
        "member": day.group.members.first().pk,
        "outcome": "not_home",
        "met_name": "Hộ ông Bảy",
    }
    data.update(kw)
    return data


def test_visits_enrol_on_the_spot_and_merge_resends(day, office, users):
    person = make_person(office, "Lê Văn Mới")
    data = _visit(
        day,
        person=person.pk,
        outcome="enrolled",
        enrol_vsi="1",
        enrol_hi="1",
        income="2000000",
        method="1",
    )
    visit, created = services.log_visit(users["official"], data)
    assert created and visit.new_vsi and visit.new_hi
    assert VsiEnrolment.objects.filter(person=person).count() == 1
    again, created = services.log_visit(users["official"], data)
    assert not created and again.pk == visit.pk
    assert Visit.objects.count() == 1 and Recruitment.objects.count() == 2
    # an enrolment refused by the rules writes no visit either
    bad = _visit(day, person=person.pk, outcome="enrolled", enrol_vsi="1", income="1500000")
    with pytest.raises(ValidationError, match="already has an open"):
        services.log_visit(users["official"], bad)
    assert Visit.objects.count() == 1
    with pytest.raises(ValidationError, match="reason"):
        services.log_visit(users["official"], _visit(day, outcome="refused"))
    services.log_visit(
        users["official"], _visit(day, outcome="refused", refusal_reason="no_income")
    )
    r = queries.day_results(users["manager"], day)
    assert (r.total.visits, r.total.new_vsi, r.total.new_hi) == (2, 1, 1)
    assert str(r.total.vsi_share) == "33.33" and r.by_member[0].new_vsi == 1
    text = exports.chat_text(r)
    assert "BHXH tự nguyện mới: 1/3" in text and TODAY.strftime("%d/%m/%Y") in text
    doc = Document(BytesIO(exports.day_report_docx(r)))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "BÁO CÁO KẾT QUẢ NGÀY RA QUÂN" in body and "1/3" in body
    assert exports.day_report_pdf(r).startswith(b"%PDF")
    totals = queries.campaign_totals(users["manager"], [day.group.campaign])
    assert (totals.groups, totals.new_vsi, totals.new_hi, str(totals.plan_share)) == (
        1,
        1,
        1,
        "40.00",
    )


def test_sync_endpoint(client, day, users):
    client.force_login(users["official"])
    data = _visit(day)
    r = client.post("/visits/sync/", json.dumps(data), content_type="application/json")
    assert r.status_code == 201 and r.json()["status"] == "created"
    r = client.post("/visits/sync/", json.dumps(data), content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "merged"
    assert "merged" in r.json()["message"]
    r = client.post(
        "/visits/sync/", json.dumps(_visit(day, member=0)), content_type="application/json"
    )
    assert r.status_code == 400
    for url in (
        f"/days/{day.pk}/",
        f"/days/{day.pk}/visits/",
        "/campaigns/ranking/",
        "/campaigns/",
        f"/campaigns/{day.group.campaign_id}/",
        "/communication/",
    ):
        assert client.get(url).status_code == 200, url
    r = client.get(f"/days/{day.pk}/report.docx")
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    client.force_login(users["leader"])  # Hoa Long's leader sees Hoa Long's day
    assert client.get(f"/days/{day.pk}/").status_code == 200


def test_ranking_weakest_first(office, users):
    Commune.objects.filter(pk=HOA_LONG).update(working_age_population=100, population=200)
    Commune.objects.filter(pk=LAI_VUNG).update(working_age_population=100, population=200)
    paying_participant(office, users["official"], "A")
    rows = queries.commune_ranking(users["manager"], office.office)
    assert [r.code for r in rows] == [LAI_VUNG, HOA_LONG]
    assert str(rows[1].vsi_rate) == "1.00"


def test_prospects(office, users):
    official = users["official"]
    hi = hi_member(office, official, "Có BHYT", birth_date=date(1990, 1, 1))
    paying = paying_participant(office, official, "Đang đóng", birth_date=date(1990, 1, 1))
    hi_member(
        office, official, "Có cả hai", household=paying.household, birth_date=date(1991, 1, 1)
    )
    names = {p.full_name for p in prospects.hi_without_vsi(official)}
    assert hi.full_name in names and "Đang đóng" not in names
    left = make_person(office, "Nghỉ việc")
    CompulsoryPeriod.objects.create(
        person=left,
        start=date(2015, 1, 1),
        end=(TODAY - timedelta(days=90)).replace(day=1),
        salary=6_000_000,
    )
    gone = make_person(office, "Nghỉ lâu")
    CompulsoryPeriod.objects.create(
        person=gone, start=date(2010, 1, 1), end=date(2018, 1, 1), salary=5_000_000
    )
    assert [p.full_name for p in prospects.left_job(official)] == ["Nghỉ việc"]
    near = make_person(office, "Sắp hưu", sex="F", birth_date=date(TODAY.year - 57, TODAY.month, 1))
    CompulsoryPeriod.objects.create(
        person=near, start=date(2005, 1, 1), end=date(2017, 12, 1), salary=5_000_000
    )  # 13 years: 2 years short
    far = make_person(office, "Còn xa", sex="F", birth_date=date(TODAY.year - 57, TODAY.month, 1))
    CompulsoryPeriod.objects.create(
        person=far, start=date(2010, 1, 1), end=date(2012, 12, 1), salary=5_000_000
    )  # 3 years: too far from 15
    rows = prospects.near_pension(official)
    assert [r.person.full_name for r in rows] == ["Sắp hưu"] and rows[0].short == 24


def test_prospect_pages_and_activities(client, office, users, campaign):
    client.force_login(users["manager"])
    for which in prospects.LISTS:
        assert client.get(f"/prospects/?list={which}").status_code == 200
    r = client.post(
        "/communication/",
        {
            "kind": "loudspeaker",
            "date": TODAY.isoformat(),
            "commune": HOA_LONG,
            "reach": 500,
            "cost": 200000,
            "campaign": campaign.pk,
        },
    )
    assert r.status_code == 302
    r = client.get("/communication/?format=xlsx")
    assert r.status_code == 200 and r.content[:2] == b"PK"


def test_a_visit_resent_by_someone_outside_its_area_is_refused(day, users):
    from django.core.exceptions import PermissionDenied

    data = _visit(day)
    services.log_visit(users["official"], data)
    with pytest.raises(PermissionDenied):
        services.log_visit(users["collector"], data)  # a collector sees no launch day
    assert Visit.objects.count() == 1
