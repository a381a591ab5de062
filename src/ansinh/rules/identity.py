"""Personal numbers as offices check them: CCCD, social-insurance code, phone (pure Python).

* **CCCD** (citizen identity card, 12 digits; Circular 07/2016/TT-BCA art. 7, kept by Circular
  59/2021/TT-BCA): digits 1-3 the code of the province of registration (the pre-2025 list of
  63, shipped in ``data/cccd_provinces.csv``), digit 4 sex and century of birth (0/1 = male /
  female born 1900-1999, 2/3 = 2000-2099, 4/5 = 2100-2199, 6/7 = 2200-2299, 8/9 = 1800-1899),
  digits 5-6 the last two digits of the birth year, digits 7-12 a serial number.
* **Social-insurance code** (ma so BHXH): 10 digits.
* **Phone**: a Vietnamese mobile number, 10 digits starting 03, 05, 07, 08 or 09; written with
  +84 or 84 instead of the leading 0, with spaces, dots, dashes or brackets; stored as the
  10 digits (``0912345678``).

Each check returns the number normalised or raises :class:`IdentityError`, whose ``field``
(``cccd``, ``si_code``, ``phone``), ``code`` and ``params`` let a page say the message in its
language (``ansinh.common.rule_errors.identity_error``); ``str()`` is the English message.
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from datetime import date
from importlib import resources

__all__ = [
    "FIELDS",
    "Cccd",
    "IdentityError",
    "cccd_provinces",
    "century_digit",
    "check",
    "check_cccd",
    "check_person_code",
    "check_phone",
    "check_si_code",
    "make_cccd",
]

#: The checks by the name the ``ansinh check`` command uses.
FIELDS = {"cccd": "cccd", "bhxh": "si_code", "phone": "phone"}

#: First year of each century -> the sex/century digit of a man (a woman's is one more).
_CENTURY_DIGIT = {1900: 0, 2000: 2, 2100: 4, 2200: 6, 1800: 8}
_DIGIT_CENTURY = {d: c for c, d in _CENTURY_DIGIT.items()}
_SEPARATORS = re.compile(r"[\s.\-()]")
_MOBILE_FIRST = "35789"


class IdentityError(ValueError):
    """A personal number that does not pass; ``field``/``code``/``params`` say why."""

    def __init__(self, field: str, code: str, message: str, **params):
        super().__init__(message % params if params else message)
        self.field, self.code, self.params = field, code, params


@dataclass(frozen=True)
class Cccd:
    number: str
    province_code: str
    province: str
    sex: str  # "M" or "F"
    first_year: int  # the first and last birth years the number allows
    last_year: int
    birth_year: int  # the birth year digits 4-6 give (in their century)


@functools.cache
def cccd_provinces() -> dict[str, str]:
    """The 3-digit CCCD province codes (pre-2025, 63 provinces) -> province name."""
    text = resources.files("ansinh.rules").joinpath("data/cccd_provinces.csv").read_text("utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return {row["code"]: row["province"] for row in csv.DictReader(lines)}


def century_digit(year: int, sex: str) -> int:
    """The 4th CCCD digit of a person born in ``year`` of sex ``"M"``/``"F"``."""
    base = _CENTURY_DIGIT.get(year // 100 * 100)
    if base is None:
        raise ValueError(f"no CCCD century digit for the year {year}")
    return base + (1 if sex == "F" else 0)


def make_cccd(province_code: str, birth_year: int, sex: str, serial: int) -> str:
    """A CCCD number that passes :func:`check_cccd` for that birth year and sex."""
    if province_code not in cccd_provinces():
        raise ValueError(f"{province_code!r} is not a CCCD province code")
    if not 0 <= serial < 10**6:
        raise ValueError("the serial has at most 6 digits")
    return f"{province_code}{century_digit(birth_year, sex)}{birth_year % 100:02d}{serial:06d}"


def _digits(value: str) -> str:
    return _SEPARATORS.sub("", str(value or ""))


def check_cccd(value: str, born: date | int | None = None, sex: str | None = None) -> Cccd:
    """The CCCD ``value`` read, checked against the birth date (or year) and sex if given."""
    number = _digits(value)
    if not number:
        raise IdentityError("cccd", "required", "the CCCD number is empty")
    if not number.isdigit():
        raise IdentityError(
            "cccd", "not_digits", "a CCCD number has only digits, not %(v)r", v=value
        )
    if len(number) != 12:
        raise IdentityError(
            "cccd",
            "length",
            "a CCCD number has 12 digits, %(v)s has %(n)d",
            v=number,
            n=len(number),
        )
    province = cccd_provinces().get(number[:3])
    if province is None:
        raise IdentityError(
            "cccd",
            "province",
            "a CCCD number starts with a province code; %(prefix)s is none",
            prefix=number[:3],
        )
    digit = int(number[3])
    first = _DIGIT_CENTURY[digit - digit % 2]
    card = Cccd(
        number=number,
        province_code=number[:3],
        province=province,
        sex="F" if digit % 2 else "M",
        first_year=first,
        last_year=first + 99,
        birth_year=first + int(number[4:6]),
    )
    if born is not None:
        year = born if isinstance(born, int) else born.year
        if not card.first_year <= year <= card.last_year:
            raise IdentityError(
                "cccd",
                "century",
                "the 4th digit %(digit)d of the CCCD is for people born %(first)d-%(last)d, "
                "not in %(year)d",
                digit=digit,
                first=card.first_year,
                last=card.last_year,
                year=year,
            )
        if year % 100 != int(number[4:6]):
            raise IdentityError(
                "cccd",
                "year",
                "digits 5-6 of the CCCD (%(digits)s) are not the last two digits of the "
                "birth year %(year)d",
                digits=number[4:6],
                year=year,
            )
    if sex is not None and sex != card.sex:
        raise IdentityError(
            "cccd",
            "sex",
            "the 4th digit %(digit)d of the CCCD is for a %(card_sex)s, the person is a %(sex)s",
            digit=digit,
            card_sex="woman" if card.sex == "F" else "man",
            sex="woman" if sex == "F" else "man",
        )
    return card


def check_si_code(value: str) -> str:
    """The social-insurance code, 10 digits (spaces and dots dropped)."""
    code = _digits(value)
    if not code:
        raise IdentityError("si_code", "required", "the social-insurance code is empty")
    if not code.isdigit() or len(code) != 10:
        raise IdentityError(
            "si_code", "length", "a social-insurance code has 10 digits, not %(v)r", v=value
        )
    return code


def check_person_code(value: str) -> str:
    """A social-insurance code (10 digits) or a CCCD (12 digits), as receipts name a person."""
    code = _digits(value)
    if not code:
        raise IdentityError("si_code", "person_code_empty", "the code is empty")
    if code.isdigit() and len(code) == 12:
        return check_cccd(code).number
    if code.isdigit() and len(code) == 10:
        return code
    raise IdentityError(
        "si_code",
        "person_code",
        "a social-insurance code has 10 digits and a CCCD 12, not %(v)r",
        v=value,
    )


def check_phone(value: str) -> str:
    """A Vietnamese mobile number as its 10 digits (``+84 91 234 5678`` -> ``0912345678``)."""
    raw = str(value or "").strip()
    text = _digits(raw)
    if not text:
        raise IdentityError("phone", "required", "the phone number is empty")
    if text.startswith("+84"):
        rest = text[3:]
    elif text.startswith("84") and len(text) == 11:
        rest = text[2:]
    elif text.startswith("0"):
        rest = text[1:]
    else:
        rest = None
    if rest is not None and rest.startswith("0") and len(rest) == 10:
        rest = rest[1:]  # "+84 (0)912 345 678"
    if rest is None or not rest.isdigit() or len(rest) != 9:
        raise IdentityError(
            "phone", "length", "a phone number has 10 digits (0xxx xxx xxx), not %(v)r", v=raw
        )
    if rest[0] not in _MOBILE_FIRST:
        raise IdentityError(
            "phone",
            "prefix",
            "a mobile number starts with 03, 05, 07, 08 or 09, not %(prefix)s",
            prefix="0" + rest[0],
        )
    return "0" + rest


def check(kind: str, value: str, born: date | None = None, sex: str | None = None):
    """Run the check named ``cccd``, ``bhxh`` (or ``si_code``) or ``phone``."""
    field = FIELDS.get(kind, kind)
    if field == "cccd":
        return check_cccd(value, born, sex)
    if field == "si_code":
        return check_si_code(value)
    if field == "phone":
        return check_phone(value)
    raise ValueError(f"unknown check {kind!r}; choose from {', '.join(FIELDS)}")
