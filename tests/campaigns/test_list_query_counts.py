"""List pages run a fixed number of queries, whatever the number of rows."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ansinh.campaigns import queries, services
from ansinh.places.models import Commune
from tests.factories import HOA_LONG

pytestmark = pytest.mark.django_db
TODAY = date.today()


def _members():
    roles = ["si_staff", "post", "viettel", "commune", "collaborator"]
    return [
        services.MemberInput(
            full_name=f"Thành viên {i}", role=roles[i], phone=f"09100000{i:02d}", is_leader=i == 0
        )
        for i in range(5)
    ]


def _campaign(office, users, n):
    campaign = services.create_campaign(
        users["manager"],
        office.office,
        f"Đợt {n}",
        TODAY - timedelta(days=3),
        TODAY + timedelta(days=30),
        Commune.objects.filter(pk=HOA_LONG),
    )
    group = services.create_group(
        users["manager"], campaign, campaign.communes.get(), f"Tổ {n}", _members()
    )
    services.add_launch_day(users["manager"], group, TODAY, "Văn phòng ấp", 3 + n, 2)
    return campaign


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_campaign_list_queries_do_not_grow_with_campaigns(client, office, users):
    client.force_login(users["manager"])
    url = reverse("campaign_list")
    _campaign(office, users, 1)
    _campaign(office, users, 2)
    # the first request after the login writes the session (SessionRefreshMiddleware writes it
    # at most every 5 minutes): measured from the second on, as every later page view is
    client.get(url)
    two = _queries(client, url)
    for n in range(3, 8):
        _campaign(office, users, n)
    assert _queries(client, url) == two


def test_campaign_totals_per_campaign_equal_one_by_one(office, users):
    campaigns = [_campaign(office, users, n) for n in (1, 2, 3)]
    user = users["manager"]
    by = queries.campaign_totals_by(user, campaigns)
    for c in campaigns:
        assert by[c.pk] == queries.campaign_totals(user, [c])
    assert sum(t.plan_vsi for t in by.values()) == queries.campaign_totals(user, campaigns).plan_vsi
