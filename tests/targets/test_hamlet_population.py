"""Hamlet populations are loaded like commune populations (all rows or none, every bad row
named with its field, re-runnable, audited, in the user's area), and coverage and the
campaign ranking then work by hamlet."""

from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from ansinh.accounts.models import AuditEntry
from ansinh.campaigns import queries as campaigns
from ansinh.places.models import Hamlet
from ansinh.targets import queries, services
from ansinh.targets.population import parse_population
from tests.factories import HOA_LONG, LAI_VUNG
from tests.growth_helpers import hi_member, paying_participant

pytestmark = pytest.mark.django_db
HEAD = "commune_code,hamlet_name,population,working_age_population\n"


def _csv(text: str, name="ap.csv"):
    return SimpleUploadedFile(name, (HEAD + text).encode())


def _load(user, text):
    return services.import_hamlet_population(user, parse_population(_csv(text), "hamlet"))


def test_loaded_matched_without_diacritics_audited_and_rerunnable(office, users):
    text = f"{HOA_LONG},ap long hung a,1.200,800\n{LAI_VUNG},Ấp Hòa Lợi,900,\n"
    assert _load(users["manager"], text) == 2
    office.hamlet.refresh_from_db()
    office.hamlet2.refresh_from_db()
    assert (office.hamlet.population, office.hamlet.working_age_population) == (1200, 800)
    assert (office.hamlet2.population, office.hamlet2.working_age_population) == (900, None)
    entry = AuditEntry.objects.get(model="places.hamlet", object_id=str(office.hamlet.pk))
    assert entry.before == {"population": None, "working_age": None}
    assert entry.after["population"] == 1200 and entry.user == users["manager"]
    # The same file again changes nothing but writes again (re-runnable, no duplicates).
    assert _load(users["manager"], text) == 2
    assert Hamlet.objects.filter(commune_id=HOA_LONG).count() == 1
    assert Hamlet.objects.get(pk=office.hamlet.pk).population == 1200


def test_every_bad_row_named_and_nothing_written(office, users):
    _load(users["manager"], f"{HOA_LONG},Ấp Long Hưng A,1000,600\n")
    bad = (
        f"{HOA_LONG},Ấp Long Hưng A,2000,700\n"  # good, but the file is refused as a whole
        f"{HOA_LONG},Ấp Không Có,10,5\n"
        "99999,Ấp X,10,5\n"
    )
    with pytest.raises(ValidationError) as exc:
        _load(users["manager"], bad)
    text = " ".join(exc.value.messages)
    assert "Row 3, field hamlet_name: Xã Hòa Long has no hamlet Ấp Không Có" in text
    assert "Row 4, field commune_code: unknown commune 99999" in text
    assert Hamlet.objects.get(pk=office.hamlet.pk).population == 1000

    with pytest.raises(ValidationError) as exc:
        parse_population(
            _csv(
                f"{HOA_LONG},Ấp Long Hưng A,abc,\n"
                f"{HOA_LONG},ấp long hưng a,10,20\n"
                f"{HOA_LONG},,10,\n"
            ),
            "hamlet",
        )
    text = " ".join(exc.value.messages)
    assert "Row 2, field population: abc is not a number." in text
    assert "Row 3, field hamlet_name: ấp long hưng a already given on row 2." in text
    assert "Row 3, field working_age_population: larger than the population." in text
    assert "Row 4, field hamlet_name: missing." in text
    with pytest.raises(ValidationError, match="no hamlet_name column"):
        parse_population(
            SimpleUploadedFile("x.csv", b"commune_code,population\n30208,5\n"), "hamlet"
        )
    with pytest.raises(ValidationError, match="lists hamlets"):
        parse_population(_csv(f"{HOA_LONG},Ấp Long Hưng A,10,5\n"))  # loaded as communes


def test_scope_and_role(office, users):
    with pytest.raises(PermissionDenied):
        _load(users["official"], f"{HOA_LONG},Ấp Long Hưng A,10,5\n")
    outside = Hamlet.objects.create(commune_id="30316", name="Ấp Ngoài")
    with pytest.raises(ValidationError, match="Row 2, field commune_code: .* is outside your area"):
        _load(users["manager"], f"30316,{outside.name},10,5\n")
    assert Hamlet.objects.get(pk=outside.pk).population is None


def test_xlsx_template_round_trip(client, office, users):
    client.force_login(users["manager"])
    r = client.get(f"/targets/population/template.xlsx?office={office.office.pk}&level=hamlet")
    ws = load_workbook(BytesIO(r.content)).active
    rows = [list(row) for row in ws.iter_rows(values_only=True)]
    head = next(i for i, row in enumerate(rows) if row[0] == "commune_code")
    assert rows[head][:2] == ["commune_code", "hamlet_name"]
    names = {row[1] for row in rows[head + 1 :]}
    assert {"Ấp Long Hưng A", "Ấp Hòa Lợi"} <= names
    # Filled in and sent back as XLSX through the page.
    wb = Workbook()
    wb.active.append(rows[head][:4])
    wb.active.append([HOA_LONG, "Ấp Long Hưng A", 1500, 900])
    buffer = BytesIO()
    wb.save(buffer)
    upload = SimpleUploadedFile("ap.xlsx", buffer.getvalue())
    r = client.post(
        f"/targets/population/?office={office.office.pk}",
        {"file": upload, "level": "hamlet"},
        follow=True,
    )
    assert "Population loaded for 1 hamlets." in r.content.decode()
    assert Hamlet.objects.get(pk=office.hamlet.pk).working_age_population == 900
    upload = SimpleUploadedFile("ap.csv", (HEAD + f"{HOA_LONG},Ấp Mới,1,1\n").encode())
    r = client.post(
        f"/targets/population/?office={office.office.pk}",
        {"file": upload, "level": "hamlet"},
        follow=True,
    )
    assert (
        "Nothing was loaded" in r.content.decode() and "has no hamlet Ấp Mới" in r.content.decode()
    )
    r = client.get(f"/targets/?office={office.office.pk}")
    assert r.status_code == 200 and 'data-testid="hamlet-coverage"' in r.content.decode()


def test_coverage_and_ranking_by_hamlet(client, office, users):
    Hamlet.objects.create(commune_id=HOA_LONG, name="Ấp Yếu")
    official = users["official"]
    for name in ("A", "B"):
        paying_participant(office, official, name)  # both in Ấp Long Hưng A
    hi_member(office, official, "C")
    _load(
        users["manager"],
        f"{HOA_LONG},Ấp Long Hưng A,400,100\n{HOA_LONG},Ấp Yếu,300,200\n"
        f"{LAI_VUNG},Ấp Hòa Lợi,50,\n",
    )
    rows = {r.name: r for r in queries.coverage(users["manager"], office.office, by="hamlet")}
    strong = rows["Ấp Long Hưng A"]
    assert (strong.vsi, strong.hi, str(strong.vsi_rate), str(strong.hi_coverage)) == (
        2,
        1,
        "2.00",
        "0.25",
    )
    ranked = campaigns.hamlet_ranking(users["manager"], office.office)
    assert [r.name for r in ranked] == ["Ấp Yếu", "Ấp Long Hưng A", "Ấp Hòa Lợi"]
    assert ranked[-1].vsi_rate is None  # no working-age population: last
    only = campaigns.hamlet_ranking(users["manager"], office.office, commune=LAI_VUNG)
    assert [r.code for r in only] == [office.hamlet2.pk]
    # Scope: the commune leader of Hòa Long counts only Hòa Long's people.
    leader_rows = queries.coverage(users["leader"], office.office, by="hamlet")
    assert {r.name: r.vsi for r in leader_rows}["Ấp Long Hưng A"] == 2
    client.force_login(users["manager"])
    r = client.get(f"/campaigns/ranking/?office={office.office.pk}&commune={HOA_LONG}")
    page = r.content.decode()
    assert page.index("Ấp Yếu") < page.index("Ấp Long Hưng A") and "Ấp Hòa Lợi" not in page
