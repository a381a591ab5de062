from datetime import date, timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook

from ansinh.campaigns import services as campaigns
from ansinh.campaigns.models import Mobiliser, Recruitment
from ansinh.common.text import add_months
from ansinh.places.models import Commune
from ansinh.reports.period import headline
from ansinh.reports.queries import leaderboard, office_figures, quarter_of
from ansinh.targets import services as targets
from ansinh.targets.choices import Level, Metric
from tests.factories import HOA_LONG, LAI_VUNG, make_person
from tests.growth_helpers import hi_member, paying_participant

pytestmark = pytest.mark.django_db
TODAY = date.today()


@pytest.fixture
def figures_setup(office, users):
    official = users["official"]
    Commune.objects.filter(pk=HOA_LONG).update(population=4000, working_age_population=2500)
    Commune.objects.filter(pk=LAI_VUNG).update(population=3000, working_age_population=2000)
    old = add_months(TODAY.replace(day=1), -20)
    for i in range(3):
        paying_participant(office, official, f"Cũ {i}", start=old, months=36)
    paying_participant(office, official, "Mới", start=TODAY.replace(day=1), months=1)
    paying_participant(office, official, "Lai Vung", commune=LAI_VUNG, start=old, months=36)
    hi_member(office, official)
    t = targets.set_target(users["admin"], office.office, TODAY.year, Metric.VSI, 8)
    targets.split_target(users["manager"], t, Level.COMMUNE, {HOA_LONG: 5, LAI_VUNG: 3})
    targets.set_target(users["admin"], office.office, TODAY.year, Metric.HI, 2)


def test_one_query_feeds_dashboard_excel_and_period_report(client, office, users, figures_setup):
    f = office_figures(users["manager"], office.office, TODAY)
    assert (f.vsi.count, f.vsi.target, str(f.vsi.share)) == (5, 8, "62.50")
    assert f.vsi.change == 1 and f.hi.count == 1 and str(f.hi.share) == "50.00"
    hl = next(c for c in f.communes if c.code == HOA_LONG)
    assert (hl.vsi, hl.vsi_target, str(hl.vsi_share), str(hl.vsi_coverage)) == (
        4,
        5,
        "80.00",
        "0.16",
    )
    client.force_login(users["manager"])
    page = client.get("/dashboard/").content.decode()
    assert 'data-testid="vsi-count">5<' in page and "62,50%" in page and "+1" in page
    ws = load_workbook(BytesIO(client.get("/dashboard/export.xlsx").content)).active
    cells = [c for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    total_row = next(row for row in ws.iter_rows(values_only=True) if row[0] == "Toàn đơn vị")
    assert total_row[3:8] == (5, 8, 62.5, 4, 1)
    assert any(isinstance(c, str) and "đạt 62,50% kế hoạch năm" in c for c in cells)
    report = client.get("/reports/period/").content.decode()
    line = headline(f)[0]
    assert line in report
    assert (
        f"có 5 người tham gia BHXH tự nguyện, đạt 62,50% kế hoạch năm (8 người), tăng 1 "
        f"người so với tháng 12/{TODAY.year - 1}." in line
    )
    pdf = client.get("/reports/period/?format=pdf")
    assert pdf.content.startswith(b"%PDF")


def test_excel_neutralises_formulas(client, office, users):
    Commune.objects.filter(pk=HOA_LONG).update(name='=HYPERLINK("x")')
    client.force_login(users["manager"])
    ws = load_workbook(BytesIO(client.get("/dashboard/export.xlsx").content)).active
    names = [row[0] for row in ws.iter_rows(values_only=True)]
    assert '\'=HYPERLINK("x")' in names


def test_leaderboard_top_five_and_years_running(office, users):
    official = users["official"]
    mobs = [
        Mobiliser.objects.create(office=office.office, full_name=f"CTV {i}", role="collaborator")
        for i in range(7)
    ]
    y, q = quarter_of(TODAY)
    start = date(y, 3 * q - 2, 1)
    for i, m in enumerate(mobs):
        for k in range(7 - i):
            p = paying_participant(office, official, f"P{i}{k}")
            Recruitment.objects.create(
                mobiliser=m, person=p, scheme="vsi", on=start, vsi_enrolment=p.vsi_enrolments.get()
            )
    # CTV 0 was also in the top in the two years before
    for back in (1, 2):
        p = make_person(office, f"Old {back}")
        Recruitment.objects.create(
            mobiliser=mobs[0], person=p, scheme="hi", on=date(y - back, 5, 1)
        )
    rows = leaderboard(users["manager"], office.office, y, q)
    assert [r.name for r in rows][:2] == ["CTV 0", "CTV 1"]
    assert [r.top for r in rows] == [True] * 5 + [False] * 2
    assert rows[0].new_vsi == 7 and rows[0].still_paying == 7
    assert rows[0].years_in_top == 3 and rows[1].years_in_top == 1


def test_credit_collectors_for_enrolments_without_a_visit(office, users):
    paying_participant(office, users["official"], "Có CTV", collector=office.collector)
    n = campaigns.credit_collectors(
        users["manager"], office.office, TODAY - timedelta(days=400), TODAY
    )
    assert n == 1
    assert (
        campaigns.credit_collectors(
            users["manager"], office.office, TODAY - timedelta(days=400), TODAY
        )
        == 0
    )
    r = Recruitment.objects.get()
    assert r.mobiliser.collector == office.collector


def test_pages(client, office, users):
    client.force_login(users["manager"])
    for url in ("/dashboard/", "/leaderboard/", "/leaderboard/?format=xlsx", "/reports/period/"):
        assert client.get(url).status_code == 200, url
