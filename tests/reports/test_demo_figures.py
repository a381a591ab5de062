from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from ansinh.accounts.models import User
from ansinh.places.models import Office
from ansinh.reports.period import headline
from ansinh.reports.queries import office_figures

pytestmark = pytest.mark.django_db


def test_demo_office_reads_like_the_field_reports(places):
    today = date(2025, 7, 20)
    call_command("demo", "--small", "--today", today.isoformat(), stdout=StringIO())
    office = Office.objects.get(code="HOALONG")
    root = User.objects.create(username="root", is_superuser=True)
    f = office_figures(root, office, today, series=False)
    assert f.vsi.target and 70 < f.vsi.share < 95
    assert f.campaigns.groups == 12 and f.campaigns.new_vsi > 0
    assert f.leaders and f.leaders[0].total > 0
    assert all(c.population for c in f.communes)
    assert "kế hoạch năm" in headline(f)[0]
