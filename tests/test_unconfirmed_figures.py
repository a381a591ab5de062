"""Uncertain figures said out loud: pages, the PDF sheet and Excel files name the unconfirmed
parameters their figures read; the admin lists, confirms and corrects them (audited,
effective-dated)."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from ansinh.accounts.models import AuditEntry
from ansinh.common.excel import build_workbook
from ansinh.parameters.models import Parameter
from ansinh.parameters.table import current_table
from ansinh.rules.parameters import DEFAULT_PARAMETERS, track_parameters
from ansinh.rules.vsi import vsi_quote
from tests.factories import make_person

pytestmark = pytest.mark.django_db


def _notice(response) -> str:
    html = response.content.decode()
    assert 'data-testid="unconfirmed"' in html, "no unconfirmed-figures notice"
    start = html.index('data-testid="unconfirmed"')
    return html[start : html.index("</aside>", start)]


def test_vsi_quote_after_july_2026_names_the_reference_level(client, users):
    client.force_login(users["official"])
    quote = {"income": 1_500_000, "group": "other", "months": 1, "mode": "1"}
    r = client.get(reverse("counsel"), {**quote, "on": "2026-08-01"})
    notice = _notice(r)
    assert "reference_level" in notice and "Decree 161/2026" in notice
    assert "2.530.000" in notice and "01/07/2026" in notice
    r = client.get(reverse("counsel"), {**quote, "on": "2025-08-01"})
    assert 'data-testid="unconfirmed"' not in r.content.decode()  # nothing uncertain here


def test_hi_quote_names_the_card_periods(client, users):
    client.force_login(users["official"])
    r = client.get(reverse("counsel"), {"tab": "hi", "members": 2, "months": 12,
                                         "on": "2025-08-01"})  # fmt: skip
    notice = _notice(r)
    assert "hi.periods" in notice and "Decree 188/2025" in notice


def test_person_page_and_counselling_sheet_name_the_adjustment_coefficients(
    client, users, office, monkeypatch
):
    from tests.factories import enrol

    e = enrol(office, "Phạm Thị Hưu", paid_through=date(2026, 1, 1), start=date(2016, 1, 1))
    client.force_login(users["official"])
    notice = _notice(client.get(reverse("person_detail", args=[e.person_id])))
    assert "pension.adjustment." in notice and "MOLISA/MOHA circular" in notice
    notice = _notice(client.get(reverse("person_counsel", args=[e.person_id])))
    assert "pension.adjustment." in notice

    captured = {}

    class FakeHTML:  # the PDF's HTML, as WeasyPrint receives it
        def __init__(self, string, base_url=None):
            captured["html"] = string

        def write_pdf(self):
            return b"%PDF-1.7"

    monkeypatch.setattr("weasyprint.HTML", FakeHTML)
    r = client.get(reverse("person_counsel", args=[e.person_id]), {"format": "pdf"})
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert 'data-testid="unconfirmed"' in captured["html"]
    assert "pension.adjustment." in captured["html"]


def test_enrolment_live_quote_names_the_reference_level(client, users, office):
    person = make_person(office, name="Lê Văn Mới")
    client.force_login(users["official"])
    r = client.get(
        reverse("vsi_enrol", args=[person.pk]),
        {"income": 1_500_000, "method": "1", "start": "2026-08", "group": "other"},
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 200
    # The form's own quote is for its start month; after 07/2026 the ceiling reads the
    # reference level of Decree 161/2026, whose date is unconfirmed.
    html = r.content.decode()
    if 'data-testid="unconfirmed"' in html:
        assert "reference_level" in _notice(r)


def test_an_excel_file_lists_the_unconfirmed_figures_under_its_rows():
    table = current_table()
    with track_parameters():
        q = vsi_quote(table, 1_500_000, ["other"], date(2026, 8, 1), 1)
        wb = build_workbook("Danh sách", ["A", "B"], [["x", q.net_total]])
    cells = [c for row in wb.active.iter_rows(values_only=True) for c in row if c]
    notes = [c for c in cells if isinstance(c, str) and "reference_level" in c]
    assert len(notes) == 1 and "Decree 161/2026" in notes[0]
    with track_parameters():
        wb = build_workbook("Danh sách", ["A"], [["x"]])
    assert not any(
        "reference_level" in str(c) for row in wb.active.iter_rows(values_only=True) for c in row
    )


# -- the admin --------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(user)
    client.user = user
    return client


def test_admin_lists_every_unconfirmed_row(admin_client):
    url = reverse("admin:parameters_parameter_changelist")
    r = admin_client.get(url, {"unconfirmed__exact": "1"})
    assert r.status_code == 200
    shipped = [p for p in DEFAULT_PARAMETERS if p.unconfirmed]
    assert (
        r.context["cl"].result_count
        == len(shipped)
        == Parameter.objects.filter(unconfirmed=True).count()
    )
    r = admin_client.get(url, {"unconfirmed__exact": "1", "all": ""})
    html = r.content.decode()
    for key in {p.key for p in shipped}:
        assert key in html


def test_admin_names_the_rows_in_vietnamese(admin_client):
    r = admin_client.get(reverse("admin:parameters_parameter_changelist"))
    html = r.content.decode()
    assert "Xóa các tham số pháp lý đã chọn" in html and "pháp lýs" not in html


def test_admin_confirms_rows_with_an_audit_entry(admin_client):
    row = Parameter.objects.get(key="hi.periods", valid_from=date(2025, 7, 1))
    r = admin_client.post(
        reverse("admin:parameters_parameter_changelist"),
        {"action": "confirm", "_selected_action": [row.pk]},
        follow=True,
    )
    assert r.status_code == 200
    row.refresh_from_db()
    assert row.unconfirmed is False
    entry = AuditEntry.objects.get(model="parameters.parameter", object_id=str(row.pk))
    assert entry.user == admin_client.user
    assert entry.before["unconfirmed"] is True and entry.after["unconfirmed"] is False
    with track_parameters() as used:
        from ansinh.rules.hi import hi_quote

        hi_quote(current_table(), 2, date(2025, 8, 1), 12)
    assert used.unconfirmed == []  # the pages stop saying it


def _change(admin_client, row, **changes):
    data = {
        "value": row.value,
        "valid_to": row.valid_to.isoformat() if row.valid_to else "",
        "source": row.source,
        "note": row.note,
        "correct_from": "",
    }
    if row.unconfirmed:
        data["unconfirmed"] = "on"
    data.update(changes)
    if data.get("unconfirmed") is False:
        del data["unconfirmed"]
    return admin_client.post(reverse("admin:parameters_parameter_change", args=[row.pk]), data)


def test_admin_corrects_a_row_from_a_date_keeping_the_history(admin_client):
    row = Parameter.objects.get(key="reference_level", valid_from=date(2026, 7, 1))
    before_rows = Parameter.objects.count()
    r = _change(
        admin_client,
        row,
        value="2600000",
        source="Decree 161/2026/ND-CP art. 3 (checked)",
        unconfirmed=False,
        correct_from="2026-09-01",
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    assert Parameter.objects.count() == before_rows + 1
    old = Parameter.objects.get(pk=row.pk)
    new = Parameter.objects.get(key="reference_level", valid_from=date(2026, 9, 1))
    assert (old.value, old.valid_to, old.unconfirmed) == ("2530000", date(2026, 8, 31), True)
    assert (new.value, new.valid_to, new.unconfirmed) == ("2600000", None, False)
    table = current_table()
    assert table.value("reference_level", date(2026, 8, 15)) == 2_530_000  # history kept
    assert table.value("reference_level", date(2026, 9, 1)) == 2_600_000
    entries = AuditEntry.objects.filter(model="parameters.parameter").order_by("id")
    assert [(e.object_id, e.action) for e in entries] == [
        (str(old.pk), "update"),
        (str(new.pk), "create"),
    ]
    assert entries[0].before["valid_to"] is None and entries[0].after["valid_to"] == "2026-08-31"
    assert entries[1].after["value"] == "2600000" and entries[1].user == admin_client.user


def test_admin_refuses_a_bad_correction_and_writes_nothing(admin_client):
    row = Parameter.objects.get(key="reference_level", valid_from=date(2026, 7, 1))
    count = Parameter.objects.count()
    r = _change(admin_client, row, correct_from="2026-06-01")  # before the row starts
    assert r.status_code == 200 and "correct_from" in r.context["adminform"].form.errors
    r = _change(admin_client, row, value="two million")
    assert r.status_code == 200 and r.context["adminform"].form.errors
    older = Parameter.objects.get(key="reference_level", valid_from=date(2024, 7, 1))
    r = _change(admin_client, older, valid_to="2026-12-31")  # would overlap the 2026 row
    assert r.status_code == 200
    assert Parameter.objects.count() == count
    assert not AuditEntry.objects.filter(model="parameters.parameter").exists()
    older.refresh_from_db()
    assert older.valid_to == date(2026, 6, 30)
