"""CCCD, social-insurance code and phone checks (ansinh.rules.identity): worked examples and
properties."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ansinh.rules.identity import (
    IdentityError,
    cccd_provinces,
    check,
    check_cccd,
    check_person_code,
    check_phone,
    check_si_code,
    make_cccd,
)


def test_the_province_list_is_the_63_pre_2025_codes_with_their_names():
    codes = cccd_provinces()
    assert len(codes) == 63
    assert codes["001"] == "Hà Nội" and codes["079"] == "Hồ Chí Minh"
    assert codes["087"] == "Đồng Tháp" and codes["096"] == "Cà Mau"
    assert all(len(c) == 3 and c.isdigit() for c in codes)
    assert "003" not in codes and "100" not in codes  # gaps in the national numbering


@pytest.mark.parametrize(
    "number, born, sex, province, first, year",
    [
        ("001099012345", date(1999, 12, 31), "M", "Hà Nội", 1900, 1999),
        ("079303000123", date(2003, 1, 1), "F", "Hồ Chí Minh", 2000, 2003),
        ("087175000001", date(1975, 5, 10), "F", "Đồng Tháp", 1900, 1975),
        ("089200123456", date(2000, 2, 29), "M", "An Giang", 2000, 2000),
        ("092999000001", date(1899, 6, 1), "F", "Cần Thơ", 1800, 1899),
        ("096505000001", date(2105, 1, 1), "F", "Cà Mau", 2100, 2105),
        ("048610000001", date(2210, 1, 1), "M", "Đà Nẵng", 2200, 2210),
    ],
)
def test_valid_cccd_numbers_say_province_sex_and_birth_year(
    number, born, sex, province, first, year
):
    card = check_cccd(number, born, sex)
    assert (card.province, card.sex, card.first_year, card.birth_year) == (
        province,
        sex,
        first,
        year,
    )
    assert card.last_year == first + 99
    assert check_cccd(number, year, sex) == card  # a year of birth only is enough


@pytest.mark.parametrize(
    "number, born, sex, code",
    [
        ("", None, None, "required"),
        ("08717500000", None, None, "length"),  # 11 digits
        ("0871750000012", None, None, "length"),  # 13 digits
        ("08717500000A", None, None, "not_digits"),
        ("003175000001", None, None, "province"),  # no province 003
        ("100175000001", None, None, "province"),
        ("087075000001", date(1975, 5, 10), "F", "sex"),  # 0 = a man born 1900-1999
        ("087375000001", date(1975, 5, 10), "F", "century"),  # 3 = a woman born 2000-2099
        ("087176000001", date(1975, 5, 10), "F", "year"),  # 76 is not 1975
        ("087103000001", date(2003, 5, 10), "F", "century"),  # a woman born 2003 has 3, not 1
        ("087975000001", date(1975, 5, 10), "F", "century"),  # 9 = a woman born 1800-1899
    ],
)
def test_invalid_cccd_numbers_say_why(number, born, sex, code):
    with pytest.raises(IdentityError) as exc:
        check_cccd(number, born, sex)
    assert exc.value.field == "cccd" and exc.value.code == code
    assert str(exc.value)


def test_cccd_typed_with_spaces_or_dots_is_read_as_its_digits():
    assert check_cccd(" 087 175.000-001 ").number == "087175000001"


def test_si_code_and_person_code():
    assert check_si_code("87 1234 5678") == "8712345678"
    for bad in ("", "871234567", "87123456789", "87x2345678"):
        with pytest.raises(IdentityError) as exc:
            check_si_code(bad)
        assert exc.value.field == "si_code"
    assert check_person_code("8712345678") == "8712345678"
    assert check_person_code("087175000001") == "087175000001"
    with pytest.raises(IdentityError) as exc:
        check_person_code("003175000001")  # 12 digits, but no such province
    assert exc.value.code == "province"
    with pytest.raises(IdentityError) as exc:
        check_person_code("12345")
    assert exc.value.code == "person_code"


@pytest.mark.parametrize(
    "written",
    [
        "0912345678",
        "0912 345 678",
        "0912.345.678",
        "091-234-5678",
        "+84912345678",
        "+84 912 345 678",
        "84912345678",
        "+84 (0) 912 345 678",
    ],
)
def test_phone_numbers_are_stored_as_their_ten_digits(written):
    assert check_phone(written) == "0912345678"


@pytest.mark.parametrize(
    "written, code",
    [
        ("", "required"),
        ("091234567", "length"),  # 9 digits
        ("09123456789", "length"),  # 11 digits
        ("0212345678", "prefix"),  # 02 is a landline area
        ("0112345678", "prefix"),
        ("0612345678", "prefix"),
        ("+84212345678", "prefix"),
        ("9123456789", "length"),  # no leading 0 nor +84
        ("0912abc678", "length"),
    ],
)
def test_wrong_phone_numbers_say_why(written, code):
    with pytest.raises(IdentityError) as exc:
        check_phone(written)
    assert exc.value.field == "phone" and exc.value.code == code


def test_check_by_name():
    assert check("bhxh", "8712345678") == "8712345678"
    assert check("phone", "84 912 345 678") == "0912345678"
    assert check("cccd", "087175000001", date(1975, 1, 1), "F").province == "Đồng Tháp"
    with pytest.raises(ValueError):
        check("passport", "1")


# -- properties ---------------------------------------------------------------------------------

provinces = st.sampled_from(sorted(cccd_provinces()))
years = st.integers(min_value=1800, max_value=2299)
sexes = st.sampled_from(["M", "F"])
serials = st.integers(min_value=0, max_value=999_999)


@given(provinces, years, sexes, serials)
def test_every_generated_cccd_passes_for_its_birth_year_and_sex(province, year, sex, serial):
    number = make_cccd(province, year, sex, serial)
    card = check_cccd(number, year, sex)
    assert card.number == number and card.birth_year == year and card.sex == sex
    assert card.province_code == province


@given(provinces, years, sexes, serials, st.integers(min_value=0, max_value=9))
def test_any_other_sex_century_digit_fails(province, year, sex, serial, digit):
    number = make_cccd(province, year, sex, serial)
    if int(number[3]) == digit:
        return
    changed = number[:3] + str(digit) + number[4:]
    with pytest.raises(IdentityError) as exc:
        check_cccd(changed, year, sex)
    assert exc.value.code in ("century", "sex")


@given(provinces, years, sexes, serials, st.sampled_from([4, 5]), st.integers(0, 9))
def test_any_change_in_the_year_digits_fails(province, year, sex, serial, position, digit):
    number = make_cccd(province, year, sex, serial)
    if int(number[position]) == digit:
        return
    changed = number[:position] + str(digit) + number[position + 1 :]
    with pytest.raises(IdentityError) as exc:
        check_cccd(changed, year, sex)
    assert exc.value.code == "year"


@given(
    st.text(alphabet="0123456789", min_size=3, max_size=3).filter(
        lambda c: c not in cccd_provinces()
    )
)
def test_a_prefix_that_is_no_province_fails(prefix):
    with pytest.raises(IdentityError) as exc:
        check_cccd(prefix + "175000001")
    assert exc.value.code == "province"


@given(
    st.sampled_from("35789"),
    st.text(alphabet="0123456789", min_size=8, max_size=8),
    st.sampled_from(["0", "+84", "84", "+84 ", "+84 0"]),
    st.sampled_from(["", " ", ".", "-"]),
)
def test_a_mobile_number_in_any_writing_normalises_to_the_same_ten_digits(first, rest, prefix, sep):
    digits = first + rest
    written = prefix + sep.join([digits[:2], digits[2:5], digits[5:]])
    assert check_phone(written) == "0" + digits


@given(st.sampled_from("0124 6"), st.text(alphabet="0123456789", min_size=8, max_size=8))
def test_a_number_outside_the_mobile_ranges_fails(first, rest):
    if first == " ":
        return
    with pytest.raises(IdentityError):
        check_phone("0" + first + rest)
