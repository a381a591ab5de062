"""Checks on personal numbers: CCCD (12 digits, a real province prefix) and SI code (10 digits)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# The 3-digit place-of-birth prefixes of CCCD numbers (Circular 07/2016/TT-BCA, 63 old provinces).
CCCD_PROVINCE_PREFIXES = frozenset(
    "001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033 034 "
    "035 036 037 038 040 042 044 045 046 048 049 051 052 054 056 058 060 062 064 066 067 068 "
    "070 072 074 075 077 079 080 082 083 084 086 087 089 091 092 093 094 095 096".split()
)


def validate_cccd(value: str) -> None:
    if not re.fullmatch(r"\d{12}", value or ""):
        raise ValidationError(_("A national ID (CCCD) has exactly 12 digits."), code="cccd_format")
    if value[:3] not in CCCD_PROVINCE_PREFIXES:
        raise ValidationError(
            _("The national ID starts with %(prefix)s, which is not a province code.")
            % {"prefix": value[:3]},
            code="cccd_province",
        )


def validate_si_code(value: str) -> None:
    if not re.fullmatch(r"\d{10}", value or ""):
        raise ValidationError(
            _("A social-insurance code has exactly 10 digits."), code="si_code_format"
        )
