"""The visit log offline for a day (issue 12 item 3, decision 0021): the worker served from
the root, the field pages marked for the phone to keep (per user), the day's list of people,
a fresh CSRF token for a page shown from the phone's copy, and a queue sent twice counted
once. The browser side is tests/browser/test_offline.py."""

import json
import uuid
from datetime import date, timedelta

import pytest
from django.test import Client

from ansinh.campaigns import services
from ansinh.campaigns.models import Recruitment, Visit
from ansinh.common.offline import HEADER, user_key
from ansinh.enrolment.models import HiEnrolment, VsiEnrolment
from ansinh.places.models import Commune
from ansinh.web.views import FIELD_STATIC
from tests.factories import HOA_LONG, LAI_VUNG, make_person

pytestmark = pytest.mark.django_db
TODAY = date.today()


@pytest.fixture
def day(office, users):
    campaign = services.create_campaign(
        users["manager"],
        office.office,
        "Tháng vận động",
        TODAY - timedelta(days=3),
        TODAY + timedelta(days=30),
        Commune.objects.filter(pk__in=[HOA_LONG, LAI_VUNG]),
    )
    members = [
        services.MemberInput(
            full_name=f"Thành viên {i}",
            role="collaborator",
            phone=f"090000{i:04d}",
            is_leader=i == 0,
        )
        for i in range(5)
    ]
    group = services.create_group(
        users["manager"], campaign, campaign.communes.get(pk=HOA_LONG), "Tổ 1", members
    )
    return services.add_launch_day(
        users["manager"], group, TODAY, "Văn phòng ấp", 3, 2, office.hamlet
    )


def _visit(day, **kw):
    data = {
        "uuid": str(uuid.uuid4()),
        "day": day.pk,
        "member": day.group.members.first().pk,
        "outcome": "not_home",
        "met_name": "Hộ ông Bảy",
        "visited_at": "2025-06-02T01:15:00.000Z",
    }
    data.update(kw)
    return data


def _sync(client, data, **extra):
    return client.post("/visits/sync/", json.dumps(data), content_type="application/json", **extra)


def test_the_worker_is_served_from_the_root(client):
    r = client.get("/sw.js")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/javascript")
    assert r["Cache-Control"] == "no-cache" and r["Service-Worker-Allowed"] == "/"
    body = r.content.decode()
    config = json.loads(body.split("const CONFIG = ", 1)[1].split(";\n", 1)[0])
    assert config["header"] == HEADER and config["logout"] == "/logout/"
    assert config["precache"][-1] == "/offline/"
    assert len(config["precache"]) == len(FIELD_STATIC) + 1
    for url in config["precache"]:  # every precached file is there to fetch
        assert client.get(url).status_code == 200, url
    assert len(config["version"]) == 12


def test_field_pages_are_marked_for_the_phone_per_user(client, day, users, office):
    for name in ("official", "manager"):
        client.force_login(users[name])
        for url in (f"/days/{day.pk}/visits/", f"/days/{day.pk}/people/day/"):
            r = client.get(url)
            assert r.status_code == 200 and r[HEADER] == user_key(users[name]), url
            assert r["Cache-Control"] == "private, no-cache"
        page = client.get(f"/days/{day.pk}/visits/").content.decode()
        assert f'data-user="{user_key(users[name])}"' in page and "data-offline-page" in page
        # a page that is not a field page is never kept
        assert HEADER not in client.get(f"/days/{day.pk}/").headers
        assert HEADER not in client.get("/").headers
    assert user_key(users["official"]) != user_key(users["manager"])
    client.force_login(users["collector"])
    r = client.get("/collection/my/")
    assert r.status_code == 200 and r[HEADER] == user_key(users["collector"])
    client.logout()
    r = client.get(f"/days/{day.pk}/visits/")
    assert r.status_code == 302 and HEADER not in r.headers
    assert 'data-user=""' in client.get("/login/").content.decode()


def test_the_days_list_holds_the_hamlet_and_no_personal_numbers(client, day, users, office):
    here = make_person(office, "Võ Thị Lan")
    make_person(office, "Trần Văn Khác", hamlet=None)  # in the commune, not the hamlet
    elsewhere = make_person(office, "Lê Văn Xa", commune=LAI_VUNG)
    client.force_login(users["official"])
    people = client.get(f"/days/{day.pk}/people/day/").json()["people"]
    assert [p["id"] for p in people] == [here.pk]
    assert set(people[0]) == {"id", "name", "folded", "born", "hamlet", "quote"}
    assert people[0]["folded"] == "vo thi lan"
    assert elsewhere.pk not in {p["id"] for p in people}
    # the leader of the other commune does not see the day at all
    other = users["leader"]
    other.commune_id = LAI_VUNG
    other.save()
    client.force_login(other)
    assert client.get(f"/days/{day.pk}/people/day/").status_code == 404


def test_a_queue_sent_twice_counts_once(client, day, users, office):
    person = make_person(office, "Lê Văn Mới")
    queue = [
        _visit(day, met_name="Hộ bà Năm"),
        _visit(day, outcome="refused", refusal_reason="no_income", met_name="Hộ ông Sáu"),
        _visit(
            day,
            person=person.pk,
            outcome="enrolled",
            enrol_vsi="1",
            enrol_hi="1",
            income="2000000",
            method="1",
        ),
    ]
    client.force_login(users["official"])
    assert [_sync(client, v).json()["status"] for v in queue] == ["created"] * 3
    # the answers were lost on the way: the phone sends the whole queue again
    again = [_sync(client, v) for v in queue]
    assert [(r.status_code, r.json()["status"]) for r in again] == [(200, "merged")] * 3
    assert sorted(str(u) for u in Visit.objects.values_list("uuid", flat=True)) == sorted(
        v["uuid"] for v in queue
    )
    assert VsiEnrolment.objects.filter(person=person).count() == 1
    assert HiEnrolment.objects.filter(person=person).count() == 1
    assert Recruitment.objects.count() == 2
    # the visit's time is the phone's (logged offline hours before the sync)
    assert (
        Visit.objects.get(uuid=queue[0]["uuid"])
        .visited_at.isoformat()
        .startswith("2025-06-02T01:15")
    )


def test_a_copy_with_an_old_token_gets_a_fresh_one(day, users):
    phone = Client(enforce_csrf_checks=True)
    phone.force_login(users["official"])
    page = phone.get(f"/days/{day.pk}/visits/").content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    # the same session: the token of the kept page still works
    assert _sync(phone, _visit(day), HTTP_X_CSRFTOKEN=token).status_code == 201
    # a new login rotates the secret: the kept page's token is refused (Django's 403 page)
    phone.logout()
    phone.force_login(users["official"])
    phone.get("/")  # the new session's CSRF cookie
    refused = _sync(phone, _visit(day), HTTP_X_CSRFTOKEN=token)
    assert refused.status_code == 403 and "json" not in refused["Content-Type"]
    fresh = phone.get("/offline/token/")
    assert fresh["Cache-Control"] == "no-store" and HEADER not in fresh.headers
    assert _sync(phone, _visit(day), HTTP_X_CSRFTOKEN=fresh.json()["token"]).status_code == 201
    phone.logout()
    assert phone.get("/offline/token/").status_code == 302


def test_the_offline_page_holds_no_ones_data(client, users):
    client.force_login(users["official"])
    page = client.get("/offline/").content.decode()
    assert "official" not in page.lower() and "data-offline-fallback" in page
    assert HEADER not in client.get("/offline/").headers
