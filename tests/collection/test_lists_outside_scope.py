"""A list (file, page or API) of a collector or organisation outside the user's scope is a 404,
like every other object outside scope, never an empty file with a title block (issue 14 item 6)."""

import pytest

from ansinh.collection.models import Collector

from .test_pages_api import api, login, run  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(office):
    """A second collector of the same organisation (Bưu điện) as the demo collector."""
    return Collector.objects.create(
        organisation=office.post, code="C-COLLEAGUE", full_name="Phan Thị Đồng Nghiệp"
    )


@pytest.mark.parametrize("kind", ["due", "unpaid"])
def test_a_collector_cannot_download_a_colleagues_list(client, users, run, colleague, kind):  # noqa: F811
    login(client, users, "collector")
    r = client.get(f"/collection/cycles/{run.pk}/{kind}.xlsx?collector={colleague.pk}")
    assert r.status_code == 404


def test_a_collector_still_downloads_their_own_list(client, users, run, office):  # noqa: F811
    login(client, users, "collector")
    r = client.get(f"/collection/cycles/{run.pk}/due.xlsx?collector={office.collector.pk}")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxml")


def test_a_collector_cannot_download_another_organisations_list(client, users, run, office):  # noqa: F811
    login(client, users, "collector")
    r = client.get(f"/collection/cycles/{run.pk}/due.xlsx?organisation={office.viettel.pk}")
    assert r.status_code == 404


def test_an_organisation_cannot_see_another_organisations_unpaid_page(client, users, run, office):  # noqa: F811
    login(client, users, "postmgr")
    r = client.get(f"/collection/cycles/{run.pk}/unpaid/?organisation={office.viettel.pk}")
    assert r.status_code == 404
    assert (
        client.get(f"/collection/cycles/{run.pk}/unpaid/?organisation={office.post.pk}").status_code
        == 200
    )


def test_the_office_still_downloads_any_collectors_list(client, users, run, colleague):  # noqa: F811
    login(client, users, "manager")
    r = client.get(f"/collection/cycles/{run.pk}/due.xlsx?collector={colleague.pk}")
    assert r.status_code == 200


def test_the_api_refuses_a_collector_code_outside_scope(users, run, office, colleague):  # noqa: F811
    url = f"/api/v1/collection/cycles/{run.pk}/entries/"
    assert api(users["collector"]).get(url, {"collector": colleague.code}).status_code == 404
    assert (
        api(users["postmgr"]).get(url, {"collector": office.other_collector.code}).status_code
        == 404
    )
    mine = api(users["collector"]).get(url, {"collector": office.collector.code})
    assert mine.status_code == 200
