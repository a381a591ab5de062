"""The identity checks on the person form, the collector form, the `ansinh check` command,
and in the numbers the demo generator and the test factories make."""

import io
import json
import random
from datetime import date

import pytest
from django.utils import translation

from ansinh import cli
from ansinh.demo import names
from ansinh.registry.forms import PersonForm
from ansinh.rules.cli import main as rules_main
from ansinh.rules.identity import check_cccd, check_phone, check_si_code
from tests.factories import HOA_LONG, LAI_VUNG, make_person

pytestmark = pytest.mark.django_db


def _form(**changes):
    data = {
        "full_name": "Ngô Văn Số",
        "birth_date": "1980-03-04",
        "sex": "M",
        "cccd": "087080001234",
        "si_code": "8712345678",
        "phone": "0912345678",
        "ethnicity": "Kinh",
        "commune": HOA_LONG,
        "support_group": "other",
        "household_choice": "new",
    }
    data.update(changes)
    return PersonForm(data, communes={HOA_LONG, LAI_VUNG})


def test_person_form_checks_the_cccd_against_sex_and_birth_year(office):
    assert _form().is_valid()
    with translation.override("en"):
        form = _form(sex="F")  # the 4th digit 0 is a man's
        assert not form.is_valid()
        assert form.errors["cccd"] == [
            "National ID (CCCD): the 4th digit 0 is for a man, but the person is recorded as a "
            "woman."
        ]
        form = _form(birth_date="2001-03-04")
        assert not form.is_valid()
        assert "born from 1900 to 1999" in form.errors["cccd"][0]
        form = _form(birth_date="1981-03-04")
        assert "last two digits of the year of birth 1981" in _errors(form, "cccd")
    with translation.override("vi"):
        form = _form(sex="F")
        assert not form.is_valid()
        assert form.errors["cccd"][0].startswith("Số CCCD:")
        assert "nữ" in form.errors["cccd"][0]


def _errors(form, field):
    assert not form.is_valid()
    return " ".join(form.errors[field])


def test_person_form_normalises_and_refuses_phone_numbers(office):
    form = _form(phone="+84 91 234 5678")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"] == "0912345678"
    with translation.override("en"):
        assert "starts with 03, 05, 07, 08 or 09, not 02" in _errors(
            _form(phone="0212345678"), "phone"
        )
        assert "10 digits" in _errors(_form(phone="091234"), "phone")


def test_collector_form_normalises_the_phone(office):
    from ansinh.collection.forms import CollectorForm

    data = {"code": "C-9", "full_name": "Lý Thị Thu", "phone": "84.987.654.321", "active": "on"}
    form = CollectorForm(data, office=office.office, organisation=office.post)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"] == "0987654321"
    form = CollectorForm({**data, "phone": "12345"}, office=office.office, organisation=office.post)
    assert not form.is_valid() and "phone" in form.errors


def _rules(*argv, describe=None):
    out, err = io.StringIO(), io.StringIO()
    code = rules_main(list(argv), stdout=out, stderr=err, describe=describe)
    return code, out.getvalue(), err.getvalue()


def test_check_command_json():
    code, out, err = _rules(
        "check", "cccd", "087 175 000 001", "--born", "1975-05-10", "--sex", "F", "--json"
    )
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data["valid"] is True and data["normalised"] == "087175000001"
    assert data["province"] == "Đồng Tháp" and data["sex"] == "F"
    assert data["birth_years"] == [1900, 1999] and data["birth_year"] == 1975
    code, out, err = _rules(
        "check", "cccd", "087075000001", "--born", "1975", "--sex", "F", "--json"
    )
    assert code == 1
    data = json.loads(out)
    assert data["valid"] is False and data["field"] == "cccd" and data["code"] == "sex"
    assert data["error"] in err
    code, out, _err = _rules("check", "phone", "+84 912 345 678", "--json")
    assert code == 0 and json.loads(out)["normalised"] == "0912345678"
    code, out, err = _rules("check", "bhxh", "8712345678")
    assert code == 0 and "8712345678" in out
    code, out, err = _rules("check", "bhxh", "871234", "--json")
    assert code == 1 and json.loads(out)["field"] == "si_code" and "Mã số BHXH" in err


def test_check_command_usage_errors():
    assert _rules("check", "passport", "1")[0] == 2
    assert _rules("check", "phone", "0912345678", "--sex", "F")[0] == 2
    assert _rules("check", "cccd", "087175000001", "--born", "75-05")[0] == 2


def test_ansinh_command_words_the_check_in_the_chosen_language(monkeypatch, capsys):
    monkeypatch.setenv("ANSINH_LANGUAGE", "vi")
    assert cli.main(["ansinh", "check", "cccd", "003175000001"]) == 1
    vi = capsys.readouterr().err
    monkeypatch.setenv("ANSINH_LANGUAGE", "en")
    assert cli.main(["ansinh", "check", "cccd", "003175000001"]) == 1
    en = capsys.readouterr().err
    assert en.startswith("National ID (CCCD): the first three digits 003")
    assert vi.startswith("Số CCCD:") and vi != en


def test_demo_generator_numbers_pass_the_checks():
    rng = random.Random(7)
    for _ in range(2000):
        sex = rng.choice("MF")
        born = date(rng.randint(1920, 2010), rng.randint(1, 12), rng.randint(1, 28))
        province = rng.choice(names.BIRTH_PROVINCES + names.KHMER_BIRTH_PROVINCES)
        assert check_cccd(names.cccd(rng, born, sex, province), born, sex)
        assert check_si_code(names.si_code(rng))
        phone = names.mobile_phone(rng)
        assert check_phone(phone) == phone


def test_factory_people_pass_the_checks(office):
    for kw in ({}, {"sex": "M", "birth_date": date(2003, 2, 1)}, {"birth_date": date(1961, 1, 1)}):
        p = make_person(office, **kw)
        assert check_cccd(p.cccd, p.birth_date, p.sex).number == p.cccd
        assert check_si_code(p.si_code) == p.si_code
        assert check_phone(p.phone) == p.phone
