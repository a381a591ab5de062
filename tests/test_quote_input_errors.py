"""Bad input to a quote said in the page's language, beside the field it is about (issue 11:
"a clear message naming the field"): the counselling tabs, the household receipt, the
`ansinh` command; and the person's comparison priced at the floor in force when the
continuation starts."""

import datetime as dt
from datetime import date

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from ansinh import cli
from ansinh.enrolment import services
from ansinh.registry.models import CompulsoryPeriod
from ansinh.rules.errors import InputError
from ansinh.rules.hi import household_quote
from ansinh.rules.parameters import default_table
from ansinh.rules.vsi import vsi_method_quote
from tests.factories import enrol, make_person, record_receipt

pytestmark = pytest.mark.django_db


def _client(user, language):
    c = Client()
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    c.force_login(user)
    return c


def test_the_rules_name_the_field_of_a_bad_input():
    t, on = default_table(), date(2025, 8, 1)
    cases = [
        (lambda: vsi_method_quote(t, 2_000_000, [], on, method="3", months=4), "months"),
        (lambda: vsi_method_quote(t, 2_000_000, [], on, method="advance", months=18), "months"),
        (lambda: vsi_method_quote(t, 2_000_000, [], on, method="advance", months=72), "months"),
        (lambda: vsi_method_quote(t, 2_000_000, [], on, method="2"), "mode"),
        (lambda: vsi_method_quote(t, 2_000_000, ["rich"], on), "group"),
        (lambda: vsi_method_quote(t, 2_000_000, [], on, support_months_used=-1), "support_used"),
        (lambda: household_quote(t, [on, date(2026, 9, 1)], months=12), "card_end"),
        (lambda: household_quote(t, [on], months=5), "months"),
    ]
    for call, field in cases:
        with pytest.raises(InputError) as err:
            call()
        assert err.value.field == field, err.value


def test_counselling_page_words_a_bad_months_in_vietnamese_and_in_english(users):
    params = {"tab": "vsi", "income": 2000000, "group": "other", "mode": "3", "months": 4,
              "on": "2025-08-01"}  # fmt: skip
    vi = _client(users["official"], "vi").get(reverse("counsel"), params)
    assert vi.context["form"].errors["months"] == [
        "Với phương thức 3 tháng một lần, số tháng đóng phải là bội số của 3, không phải 4."
    ]
    assert "Số tháng đóng" in vi.content.decode()  # the field's label beside it
    en = _client(users["official"], "en").get(reverse("counsel"), params)
    assert en.context["form"].errors["months"] == [
        "With payment every 3 months, the months paid must be a multiple of 3, not 4."
    ]
    lump = _client(users["official"], "vi").get(
        reverse("counsel"), {**params, "mode": "advance", "months": 18}
    )
    assert lump.context["form"].errors["months"] == [
        "Đóng một lần phải đủ năm (12, 24, ... tháng), không phải 18 tháng."
    ]


def test_household_tab_puts_a_late_member_beside_the_card_end(users):
    r = _client(users["official"], "vi").get(
        reverse("counsel"),
        {
            "tab": "join",
            "enrolled": 0,
            "months": 12,
            "join_1": "2025-08-01",
            "join_2": "2026-09-01",
        },  # fmt: skip
    )
    assert r.context["quote"] is None
    assert r.context["form"].errors["card_end"] == [
        "Thành viên thứ 2 tham gia ngày 01/09/2026, sau ngày thẻ hết hạn 31/07/2026."
    ]


def test_household_receipt_for_a_period_the_law_does_not_have_is_worded(users, office):
    head = make_person(office, "Đặng Văn Kỳ", household_order=1)
    services.enrol_hi(users["official"], head.household, [head], 12, date.today())
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as err:
        services.record_hi_receipt(
            users["official"],
            head.household,
            services.ReceiptInput(number="HK-5", paid_on=date.today(), months=5),
        )
    (message,) = err.value.message_dict["months"]
    assert message.startswith("BHYT hộ gia đình đóng theo kỳ") and "5 tháng" in message


def test_ansinh_command_words_a_bad_quote_naming_the_option(monkeypatch, capsys):
    argv = ["ansinh", "quote", "vsi", "--income", "3000000", "--mode", "3", "--months", "4"]
    monkeypatch.setenv("ANSINH_LANGUAGE", "vi")
    assert cli.main(argv) == 2
    assert capsys.readouterr().err == (
        "error: --months: Với phương thức 3 tháng một lần, số tháng đóng phải là bội số của 3, "
        "không phải 4.\n"
    )
    monkeypatch.setenv("ANSINH_LANGUAGE", "en")
    assert cli.main(argv) == 2
    assert capsys.readouterr().err.startswith("error: --months: With payment every 3 months")
    assert cli.main(["ansinh", "quote", "vsi", "--income", "100"]) == 2
    assert capsys.readouterr().err.startswith("error: --income: The monthly income 100 đ")


class _Dec2026(dt.date):
    @classmethod
    def today(cls):
        return cls(2026, 12, 4)


def test_person_comparison_raises_the_income_to_the_floor_of_the_first_month(
    users, office, monkeypatch
):
    # paid through 12/2026 at 1,500,000: continuing starts 01/2027, when the floor is 2,200,000
    # (Decree 351/2025); the comparison is priced at the floor, as the person's file says,
    # not refused.
    for module in ("ansinh.counselling.views", "ansinh.counselling.outlook"):
        monkeypatch.setattr(f"{module}.date", _Dec2026)
    e = enrol(office, "Lê Văn Sàn", paid_through=date(2026, 12, 1), income=1_500_000,
              start=date(2020, 1, 1))  # fmt: skip
    record_receipt(e, "LS-1", date(2020, 1, 1), 84, date(2020, 1, 5))  # 01/2020 .. 12/2026
    r = _client(users["official"], "vi").get(reverse("person_counsel", args=[e.person_id]))
    assert r.context["error"] is None
    assert r.context["income"] == 2_200_000 and r.context["projection"] is not None
    assert 'data-testid="withdrawal-workings"' in r.content.decode()


def test_person_file_and_comparison_say_the_same_lump_sum(users, office, monkeypatch):
    # 61 months paid, 12/2021 .. 12/2026 (December paid in November): the person's file and
    # the comparison both count them (5.5 years with the leftover month), one lump sum.
    for module in ("ansinh.counselling.views", "ansinh.counselling.outlook"):
        monkeypatch.setattr(f"{module}.date", _Dec2026)
    e = enrol(office, "Đặng Văn Một Lần", paid_through=date(2026, 12, 1), income=2_200_000,
              start=date(2021, 12, 1))  # fmt: skip
    record_receipt(e, "ML-1", date(2021, 12, 1), 61, date(2021, 12, 5))
    c = _client(users["official"], "vi")
    outlook = c.get(reverse("person_detail", args=[e.person_id])).context["outlook"]
    sheet = c.get(reverse("person_counsel", args=[e.person_id])).context["projection"]
    assert outlook.now.counted_months == sheet.now.counted_months == 61
    assert outlook.now.one_time_withdrawal == sheet.now.one_time_withdrawal > 0


def test_enrolment_on_the_missing_years_lump_sum_is_for_retirement_age(users, office):
    from django.core.exceptions import ValidationError

    start = date.today().replace(day=1)
    young = make_person(office, "Trần Văn Trẻ", birth_date=date(1990, 3, 1), sex="M")
    with pytest.raises(ValidationError) as err:
        services.enrol_vsi(users["official"], young, 2_000_000, "missing", start, lump_years=2)
    (message,) = err.value.message_dict["method"]
    assert message.startswith("Đóng một lần cho những năm còn thiếu chỉ dành cho người đã đủ")
    # the form shows it beside the method, and nothing is written
    r = _client(users["official"], "vi").post(
        reverse("vsi_enrol", args=[young.pk]),
        {
            "income": 2000000,
            "method": "missing",
            "lump_years": 2,
            "start": start.strftime("%Y-%m"),
        },  # fmt: skip
    )
    assert r.status_code == 200 and "method" in r.context["form"].errors
    assert not young.vsi_enrolments.exists()
    # a woman at retirement age with 12 years of compulsory insurance: 3 missing years, not 4
    old = make_person(office, "Lê Thị Thiếu", birth_date=date(1960, 1, 10), sex="F")
    CompulsoryPeriod.objects.create(
        person=old, start=date(2003, 1, 1), end=date(2014, 12, 1), salary=3_000_000
    )
    with pytest.raises(ValidationError) as err:
        services.enrol_vsi(users["official"], old, 2_000_000, "missing", start, lump_years=4)
    assert "3" in err.value.message_dict["lump_years"][0]
    enrolled = services.enrol_vsi(users["official"], old, 2_000_000, "missing", start, 3)
    assert enrolled.lump_years == 3


def test_months_paid_ahead_are_refunded_not_counted_in_a_withdrawal_now(users, office, monkeypatch):
    # paid 12 months at a time, 01/2020 .. 12/2026 in 01/2026 to 12/2026: in 06/2026 a
    # withdrawal counts 01/2020 .. 06/2026 (6 years 6 months); the 6 months after are refunded
    # (Decree 159/2025), and continuing starts in 01/2027.
    class _Jun2026(dt.date):
        @classmethod
        def today(cls):
            return cls(2026, 6, 15)

    for module in ("ansinh.counselling.views", "ansinh.counselling.outlook"):
        monkeypatch.setattr(f"{module}.date", _Jun2026)
    e = enrol(office, "Phan Thị Trước", paid_through=date(2026, 12, 1), income=2_000_000,
              start=date(2020, 1, 1), method="12")  # fmt: skip
    record_receipt(e, "TR-1", date(2020, 1, 1), 84, date(2020, 1, 5))
    c = _client(users["official"], "vi")
    r = c.get(reverse("person_counsel", args=[e.person_id]))
    sheet = r.context["projection"]
    assert sheet.now.counted_months == 78 and sheet.refunded_months == 6
    assert str(sheet.from_month) == "2027-01"
    assert 'data-testid="refunded-months"' in r.content.decode()
    outlook = c.get(reverse("person_detail", args=[e.person_id])).context["outlook"]
    assert outlook.now.counted_months == 78
    assert outlook.now.one_time_withdrawal == sheet.lump_sum_now
