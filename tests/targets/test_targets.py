from datetime import date
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from ansinh.accounts.models import Role, User
from ansinh.common.text import add_months
from ansinh.places.models import Commune, Office, OfficeArea
from ansinh.targets import queries, services
from ansinh.targets.choices import Level, Metric
from ansinh.targets.models import TargetShare
from ansinh.targets.population import parse_population
from tests.factories import HOA_LONG, LAI_VUNG
from tests.growth_helpers import hi_member, paying_participant

pytestmark = pytest.mark.django_db
YEAR = date.today().year


def test_province_sets_office_splits(office, users):
    target = services.set_target(users["admin"], office.office, YEAR, Metric.VSI, 100)
    with pytest.raises(PermissionDenied):
        services.set_target(users["manager"], office.office, YEAR, Metric.VSI, 50)
    services.split_target(users["manager"], target, Level.COMMUNE, {HOA_LONG: 60, LAI_VUNG: 40})
    assert target.shares.filter(level=Level.COMMUNE).count() == 2
    services.split_target(users["manager"], target, Level.ORGANISATION, {office.post.pk: 70})
    services.split_target(users["manager"], target, Level.COLLECTOR, {office.collector.pk: 30})
    assert TargetShare.objects.filter(target=target).count() == 4


def test_parts_exceeding_the_whole_are_refused_and_nothing_written(office, users):
    target = services.set_target(users["admin"], office.office, YEAR, Metric.VSI, 100)
    services.split_target(users["manager"], target, Level.COMMUNE, {HOA_LONG: 50})
    with pytest.raises(ValidationError, match="more than the whole target of 100"):
        services.split_target(users["manager"], target, Level.COMMUNE, {HOA_LONG: 60, LAI_VUNG: 41})
    assert list(target.shares.values_list("commune_id", "value")) == [(HOA_LONG, 50)]
    services.split_target(users["manager"], target, Level.ORGANISATION, {office.post.pk: 20})
    with pytest.raises(ValidationError, match="Bưu điện Lai Vung"):
        services.split_target(users["manager"], target, Level.COLLECTOR, {office.collector.pk: 21})
    with pytest.raises(ValidationError):  # a commune outside the office
        services.split_target(users["manager"], target, Level.COMMUNE, {"00004": 1})
    with pytest.raises(ValidationError, match="cannot be lower"):
        services.set_target(users["admin"], office.office, YEAR, Metric.VSI, 49)


def test_counts_share_and_change_since_baseline(office, users):
    official = users["official"]
    old = add_months(date.today().replace(day=1), -14)
    paying_participant(office, official, "Cũ", start=old, months=24)
    paying_participant(
        office,
        official,
        "Mới",
        start=date.today().replace(day=1),
        months=1,
        collector=office.collector,
    )
    paying_participant(office, official, "Lai Vung", commune=LAI_VUNG, months=12)
    hi_member(office, official)
    target = services.set_target(users["admin"], office.office, YEAR, Metric.VSI, 4)
    services.split_target(users["manager"], target, Level.COMMUNE, {HOA_LONG: 2, LAI_VUNG: 2})
    p = queries.target_progress(
        users["manager"],
        office.office,
        YEAR,
        Metric.VSI,
        date.today(),
        add_months(date.today(), -9),
    )
    assert p.whole.count == 3 and p.whole.target == 4 and str(p.whole.share) == "75.00"
    rows = {r.unit_id: r for r in p.rows[Level.COMMUNE]}
    assert rows[HOA_LONG].count == 2 and rows[HOA_LONG].share == 100
    assert rows[HOA_LONG].baseline == 1 and rows[HOA_LONG].change == 1
    collectors = {r.unit_id: r.count for r in p.rows[Level.COLLECTOR]}
    assert collectors[office.collector.pk] == 1
    # the commune leader of Hoa Long sees only Hoa Long
    assert queries.metric_count(users["leader"], Metric.VSI, date.today()) == 2
    assert queries.metric_count(users["manager"], Metric.HI, date.today()) == 1
    g = queries.growth_between(
        users["manager"], office.office, Metric.VSI, add_months(date.today(), -9), date.today()
    )
    assert (g.start_count, g.end_count, g.change, str(g.growth)) == (1, 3, 2, "200.00")


def test_population_file_all_or_nothing(office, users):
    good = "commune_code,commune_name,population,working_age_population\n"
    good += f"{HOA_LONG},Hòa Long,12.500,8000\n"
    rows = parse_population(SimpleUploadedFile("p.csv", good.encode()))
    assert services.import_population(users["manager"], rows) == 1
    c = Commune.objects.get(pk=HOA_LONG)
    assert (c.population, c.working_age_population) == (12500, 8000)
    bad = good.replace("12.500", "13000") + "99999,Nowhere,10,5\n"
    rows = parse_population(SimpleUploadedFile("p.csv", bad.encode()))
    with pytest.raises(ValidationError) as exc:
        services.import_population(users["manager"], rows)
    assert "Row 3, field commune_code: unknown commune 99999" in " ".join(exc.value.messages)
    assert Commune.objects.get(pk=HOA_LONG).population == 12500
    with pytest.raises(ValidationError, match="Row 2, field population"):
        parse_population(SimpleUploadedFile("p.csv", good.replace("12.500", "abc").encode()))


def test_pages_and_template(client, office, users):
    client.force_login(users["admin"])
    r = client.post(
        f"/targets/?office={office.office.pk}&year={YEAR}", {"metric": "vsi", "value": 10}
    )
    assert r.status_code == 302
    client.force_login(users["manager"])
    r = client.get("/targets/")
    assert r.status_code == 200 and "10" in r.content.decode()
    target = office.office.targets.get()
    r = client.post(f"/targets/{target.pk}/", {"level": "commune", f"commune-u_{HOA_LONG}": 11})
    assert r.status_code == 200 and "more than the whole target" in r.content.decode()
    r = client.post(f"/targets/{target.pk}/", {"level": "commune", f"commune-u_{HOA_LONG}": 6})
    assert r.status_code == 302 and target.shares.get().value == 6
    r = client.get("/targets/population/template.xlsx")
    ws = load_workbook(BytesIO(r.content)).active
    codes = [row[0] for row in ws.iter_rows(values_only=True)]
    assert "commune_code" in codes and HOA_LONG in codes
    upload = SimpleUploadedFile("p.csv", b"commune_code,population\n99999,5\n")
    r = client.post("/targets/population/", {"file": upload}, follow=True)
    assert "unknown commune 99999" in r.content.decode()
    # another office's manager cannot see this target
    other = Office.objects.create(code="OTHER", kind=Office.Kind.BASE, province_id="82")
    OfficeArea.objects.create(office=other, commune_id="30316", valid_from=date(2015, 1, 1))
    stranger = User.objects.create(username="x", role=Role.OFFICE_MANAGER, office=other)
    client.force_login(stranger)
    assert client.get(f"/targets/{target.pk}/").status_code == 404
