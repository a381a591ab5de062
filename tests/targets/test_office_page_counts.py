"""The office page counts VSI participants per commune as the dashboard does (one
definition of "a participant on a date": targets.queries.metric_count)."""

from datetime import date

import pytest
from django.urls import reverse

from ansinh.common.text import add_months
from ansinh.enrolment import services as enrolment
from ansinh.targets.choices import Metric
from ansinh.targets.queries import metric_count
from tests.factories import HOA_LONG, LAI_VUNG, make_person
from tests.growth_helpers import paying_participant

pytestmark = pytest.mark.django_db


def test_office_page_vsi_per_commune_is_the_dashboards(client, office, users):
    official = users["official"]
    paying_participant(office, official, "Đang đóng")  # paid through this month and beyond
    # Enrolled (status active) three months ago, never paid: not a participant this month.
    never = make_person(office, "Chưa đóng")
    enrolment.enrol_vsi(official, never, 2_000_000, "1", add_months(date.today(), -3))
    client.force_login(users["manager"])
    page = client.get(reverse("office_detail"))
    assert page.status_code == 200
    shown = {c.code: c.vsi_active for c in page.context["communes"]}
    counted = metric_count(
        users["manager"], Metric.VSI, date.today(), by="commune", communes=[HOA_LONG, LAI_VUNG]
    )
    assert shown == {HOA_LONG: counted.get(HOA_LONG, 0), LAI_VUNG: counted.get(LAI_VUNG, 0)}
    assert shown[HOA_LONG] == 1
    dashboard = client.get(reverse("dashboard"))
    assert {c.code: c.vsi for c in dashboard.context["f"].communes} == shown
