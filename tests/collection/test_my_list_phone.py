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


def test_each_row_links_where_url_reversing_would(client, users, run):  # noqa: F811
    """The rows' links come from `path_of` (each URL reversed once per page), not `{% url %}`
    per row: the same paths for every entry."""
    from django.urls import reverse

    from ansinh.collection.models import CycleEntry

    client.force_login(users["collector"])
    page = client.get("/collection/my/").content.decode()
    rows = list(queries.entries(users["collector"], run))
    assert rows
    for e in rows:
        assert f'href="{reverse("vsi_receipt", args=[e.enrolment_id])}"' in page
        if e.si_code:
            assert f'src="{reverse("lookup_qr", args=[e.si_code])}"' in page
        if e.kind == "unpaid":
            assert f'action="{reverse("collection_reason", args=[e.pk])}"' in page
    assert CycleEntry.objects.filter(run=run, kind="unpaid").exists()


@pytest.mark.parametrize("prefix", ["/", "/ansinh/"])
def test_path_of_is_the_reversed_url_under_any_script_prefix(prefix):
    from django.urls import reverse, set_script_prefix

    from ansinh.common.templatetags.ansinh import path_of

    set_script_prefix(prefix)
    try:
        assert path_of(42, "vsi_receipt") == reverse("vsi_receipt", args=[42])
        assert path_of("8700101736", "lookup_qr") == reverse("lookup_qr", args=["8700101736"])
        assert path_of(7, "collection_reason").startswith(prefix)
    finally:
        set_script_prefix("/")


def test_a_reported_reason_is_shown_and_none_is_none(client, users, run):  # noqa: F811
    from ansinh.collection.models import CycleEntry, NonPaymentReason

    entry = CycleEntry.objects.filter(run=run, kind="unpaid").first()
    assert entry.reported is None
    NonPaymentReason.objects.create(entry=entry, code="away", note="Đi làm xa")
    entry = CycleEntry.objects.select_related("reason").get(pk=entry.pk)
    assert entry.reported.note == "Đi làm xa"
    client.force_login(users["collector"])
    page = client.get("/collection/my/", {"show": "unpaid"}).content.decode()
    assert 'value="Đi làm xa"' in page and '<option value="away" selected>' in page


def test_the_list_comes_compressed_to_a_phone_that_asks(client, users, run):  # noqa: F811
    import gzip

    client.force_login(users["collector"])
    plain = client.get("/collection/my/")
    packed = client.get("/collection/my/", HTTP_ACCEPT_ENCODING="gzip")
    assert packed["Content-Encoding"] == "gzip" and "Content-Encoding" not in plain
    page = gzip.decompress(packed.content).decode()
    assert page.count('data-testid="entry"') == plain.content.decode().count('data-testid="entry"')


def test_rows_escape_what_they_show(client, users, run):  # noqa: F811
    """The rows are built in Python (collection.rows): every value is escaped as a template
    would escape it."""
    from ansinh.collection.models import CycleEntry, NonPaymentReason

    entry = CycleEntry.objects.filter(run=run, kind="unpaid").first()
    CycleEntry.objects.filter(pk=entry.pk).update(
        full_name='<script>alert("x")</script>', address="Số 1 & <b>2</b>", phone="09'1"
    )
    NonPaymentReason.objects.create(entry=entry, code="other", note='"><img src=x>')
    client.force_login(users["collector"])
    page = client.get("/collection/my/").content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert(&quot;x&quot;)" in page
    assert "Số 1 &amp; &lt;b&gt;2&lt;/b&gt;" in page
    assert 'href="tel:09&#x27;1"' in page
    assert 'value="&quot;&gt;&lt;img src=x&gt;"' in page and "<img src=x>" not in page


def test_a_workbook_is_sent_as_it_is_even_when_compression_is_asked(client, users, run, office):  # noqa: F811
    """An .xlsx is a zip file already: compressing it again would cost CPU for nothing."""
    client.force_login(users["collector"])
    r = client.get(
        f"/collection/cycles/{run.pk}/due.xlsx?collector={office.collector.pk}",
        HTTP_ACCEPT_ENCODING="gzip",
    )
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxml")
    assert "Content-Encoding" not in r and r.content[:2] == b"PK"


def test_the_list_is_read_in_queries_that_do_not_grow_with_it(client, users, run):  # noqa: F811
    """A long list is read in the queries of a list of one: nothing the rows show (a reason
    reported, a lapse risk, the payment today) is a query per person."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ansinh.collection.models import CycleEntry, NonPaymentReason

    entries = CycleEntry.objects.filter(run=run, collector=users["collector"].collector)
    unpaid = entries.filter(kind="unpaid").first()
    NonPaymentReason.objects.create(entry=unpaid, code="away", note="Đi làm xa")
    entries.update(risk=0.6, risk_reasons=[{"msgid": "Paid late before", "params": {}}])
    client.force_login(users["collector"])
    client.get("/collection/my/")  # the session saved once after the login

    def page():
        with CaptureQueriesContext(connection) as ctx:
            body = client.get("/collection/my/").content.decode()
        return body, [q["sql"][:120] for q in ctx.captured_queries]

    every, asked_every = page()
    shown = entries.count()
    assert shown >= 3 and every.count('data-testid="entry"') == shown
    assert "Đi làm xa" in every and every.count('data-testid="risk"') == shown
    entries.exclude(pk=unpaid.pk).delete()
    one, asked_one = page()
    assert one.count('data-testid="entry"') == 1 and "Đi làm xa" in one
    assert len(asked_every) == len(asked_one), "\n".join(asked_every)
