"""The collector's phone list: grouped by hamlet, filtered (due / not paid / paid today),
searched by name with or without diacritics, "record a payment" one tap away (issue 14 item 5)."""

import re
from datetime import date

import pytest

from ansinh.collection import queries
from ansinh.enrolment.models import Receipt
from ansinh.places.models import Hamlet
from tests.english import client  # noqa: F401 - fixture: pages in English

from .test_pages_api import run  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def hamlets(office, cohort):
    """The cohort's people in two hamlets of Hòa Long."""
    other = Hamlet.objects.create(commune_id=office.hamlet.commune_id, name="Ấp Tân Phú")
    for key, hamlet in [("due", office.hamlet), ("late", other), ("yearly", other)]:
        cohort[key].person.hamlet = hamlet
        cohort[key].person.save()
    return other


def _names(page: str) -> list[str]:
    return re.findall(
        r'data-testid="entry">\s*<div class="line">\s*<div class="who"><strong>([^<]+)', page
    )


def test_grouped_by_hamlet_with_record_a_payment_on_each(client, users, hamlets, office):  # noqa: F811
    from ansinh.collection.cycle import issue_cycle

    from .conftest import CYCLE

    issue_cycle(office.office, CYCLE)
    client.force_login(users["collector"])
    page = client.get("/collection/my/").content.decode()
    groups = re.findall(r'data-testid="hamlet">\s*<summary><strong>([^<]+)</strong>', page)
    assert "Ấp Tân Phú, Xã Hòa Long" in [g.strip() for g in groups]
    assert page.count('data-testid="record-payment"') == page.count('data-testid="entry"') > 0
    assert 'data-testid="filter-due"' in page and 'data-testid="filter-done"' in page


def test_filters_and_counts(users, office, cohort, run):  # noqa: F811
    user = users["collector"]
    every = queries.my_list(user, run)
    assert every["counts"]["all"] == every["counts"]["due"] + every["counts"]["unpaid"]
    due = queries.my_list(user, run, "due")
    assert {e.kind for g in due["groups"] for e in g.entries} == {"due"}
    unpaid = queries.my_list(user, run, "unpaid")
    names = {e.full_name for g in unpaid["groups"] for e in g.entries}
    assert "Lê Văn Trễ" in names and "Nguyễn Văn Đến" not in names


def test_paid_today_moves_a_person_to_done(users, office, cohort, run):  # noqa: F811
    from ansinh.enrolment.services import ReceiptInput, record_vsi_receipt

    late = cohort["late"]
    record_vsi_receipt(
        users["official"], late, ReceiptInput(number="TODAY-1", paid_on=date.today(), months=1)
    )
    assert Receipt.objects.filter(number="TODAY-1").exists()
    user = users["collector"]
    done = queries.my_list(user, run, "done")
    assert [e.full_name for g in done["groups"] for e in g.entries] == ["Lê Văn Trễ"]
    unpaid = queries.my_list(user, run, "unpaid")
    assert "Lê Văn Trễ" not in {e.full_name for g in unpaid["groups"] for e in g.entries}
    assert done["counts"]["done"] == 1


@pytest.mark.parametrize("q", ["Trễ", "tre", "LE VAN TRE", "  le   van  "])
def test_search_by_name_without_diacritics(client, users, run, q):  # noqa: F811
    client.force_login(users["collector"])
    page = client.get("/collection/my/", {"q": q}).content.decode()
    names = [n.strip() for n in _names(page)]
    assert names and all("Lê Văn" in n for n in names)
    assert "Lê Văn Trễ" in names


def test_search_with_nobody_says_so(client, users, run):  # noqa: F811
    client.force_login(users["collector"])
    page = client.get("/collection/my/", {"q": "không ai", "show": "nonsense"}).content.decode()
    assert 'data-testid="nobody"' in page and "Nobody named" in page
