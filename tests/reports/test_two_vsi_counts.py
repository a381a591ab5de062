"""One count of VSI participants on the home page and the dashboard, and the registry's other
count (enrolments active) named on both, so a manager sees why they differ (issue 14 item 3,
decision 0010's update)."""

import re
from datetime import date

import pytest

from ansinh.common.text import add_months
from ansinh.targets.queries import vsi_active_enrolments
from tests.factories import enrol
from tests.growth_helpers import paying_participant

pytestmark = pytest.mark.django_db
TODAY = date.today()
THIS = TODAY.replace(day=1)


def _number(page: str, testid: str) -> int:
    m = re.search(rf'data-testid="{testid}">([\d.,]+)<', page)
    assert m, testid
    return int(m.group(1).replace(",", "").replace(".", ""))


@pytest.fixture
def mixed(office, users):
    """Two paying monthly participants; a 12-monthly payer enrolled this month, whose first
    payment is not yet due (active, not a participant yet); a monthly payer three months late,
    not yet suspended (active, not a participant); one suspended."""
    for i in range(2):
        paying_participant(
            office,
            users["official"],
            f"Người đóng {i}",
            start=add_months(THIS, -3),
            months=4,
            collector=office.collector,
        )
    enrol(office, "Chưa đến hạn", paid_through=None, method="12", start=THIS)
    enrol(office, "Chậm đóng", paid_through=add_months(THIS, -3), start=add_months(THIS, -12))
    enrol(office, "Tạm dừng", paid_through=add_months(THIS, -6), status="suspended")


def test_home_and_dashboard_show_the_same_participants(client, users, mixed):
    client.force_login(users["manager"])
    home = client.get("/").content.decode()
    dashboard = client.get("/dashboard/").content.decode()
    assert _number(home, "home-vsi") == _number(dashboard, "vsi-count") == 2
    # the registry's count, named and explained on both pages
    assert _number(home, "home-vsi-active") == 4 == vsi_active_enrolments(users["manager"])
    assert "VSI enrolments active" in home
    # both reasons an active enrolment is not a participant are named (decision 0010)
    assert (
        "Not suspended or stopped, including people whose payment is not yet due and late "
        "payers not yet suspended." in home
    )
    last, this = add_months(THIS, -1), THIS
    definition = f"Participants: paid for {last:%m/%Y} or {this:%m/%Y} (the month is still open)."
    assert definition in home and definition in dashboard
    assert (
        "The home page's 4 active enrolments also count people whose payment is not yet due "
        "and late payers not yet suspended." in dashboard
    )


def test_a_past_date_names_its_one_month_and_no_status_count(client, users, mixed):
    client.force_login(users["manager"])
    on = add_months(THIS, -2)
    page = client.get(f"/dashboard/?on={on:%Y-%m}-15").content.decode()
    assert f"Participants: paid for {on:%m/%Y}." in page
    assert "active enrolments also count" not in page


def test_the_collectors_home_counts_live_with_the_same_definitions(client, users, mixed):
    client.force_login(users["collector"])
    home = client.get("/").content.decode()
    assert _number(home, "home-vsi") == 2 and _number(home, "home-vsi-active") == 4
