"""`ansinh withdrawal --on X` and the counselling page count a withdrawal's months by one rule
(rules.pension.withdrawal_month): this month counts once paid, months paid ahead after it are
refunded, not counted. Same person, same month: same lump sum."""

import json
from datetime import date

import pytest
from django.urls import reverse

from ansinh import cli
from ansinh.enrolment.queries import contribution_history
from ansinh.registry.models import CompulsoryPeriod
from ansinh.rules.months import Month
from tests.factories import enrol

pytestmark = pytest.mark.django_db


def _cli(person, history, on: Month, tmp_path, capsys) -> dict:
    path = tmp_path / "history.csv"
    rows = [f"{c.month},{c.income},{c.kind},{c.support or ''}" for c in history]
    path.write_text("month,income,kind,support\n" + "\n".join(rows) + "\n", encoding="utf-8")
    argv = ["ansinh", "withdrawal", "--sex", person.sex, "--born", str(Month.of(person.birth_date))]
    argv += ["--history", str(path), "--on", str(on), "--income", "2500000", "--json"]
    code = cli.main(argv)
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


@pytest.mark.parametrize("ahead", [0, 2])
def test_the_command_and_the_page_give_the_same_lump_sum(
    client, users, office, tmp_path, capsys, ahead
):
    """Paid through this month (and `ahead` months after it): this month counts on both."""
    today = Month.of(date.today())
    e = enrol(office, "Đặng Văn Rút", paid_through=date(2020, 1, 1))
    CompulsoryPeriod.objects.create(
        person=e.person,
        start=(today - 30).first_day(),
        end=(today + ahead).first_day(),
        salary=4_000_000,
    )
    history = contribution_history(e.person)
    assert history[-1].month == today + ahead

    client.force_login(users["official"])
    r = client.get(reverse("person_counsel", args=[e.person.pk]), {"income": 2500000})
    page = r.context["projection"]
    command = _cli(e.person, history, today, tmp_path, capsys)

    assert command["amount"] == page.lump_sum_now > 0
    assert command["counted_months"] == page.now.withdrawal.counted_months
    assert command["refunded_months"] == page.refunded_months == ahead
    # this month is counted: the months through it, not only those before it
    before_today = sum(1 for c in history if c.month < today)
    assert command["counted_months"] == before_today + 1
    assert command["continue"]["months_needed"] == page.months_needed
