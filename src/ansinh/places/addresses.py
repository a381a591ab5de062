"""Addresses as people write them, old (with a district) or new, to today's commune.

Before 2025-07-01 an address read "street, ward/commune, district, province" on the
63-province map; since then "street, commune, province" on the 34-province map. Old
papers, old receipts and old registers still carry the first form.

`vietnamadminunits.convert_address` maps an old address to today's commune. It only
finds a commune when the old ward *and* district are recognised, so a new-style
address falls through to `parse_address` (2025 map). The order matters: the new-style
parser reads "Xã Hòa Long, Huyện Lai Vung, ..." as the commune Lai Vung (it takes the
district name for a commune), and the old-style converter reads "Xã Lai Vung" (a
commune since 2025) as the old district. Neither function ever makes us raise: any
failure is "not recognised".
"""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


def _clean(value) -> str:
    return " ".join(str(value).split()) if value else ""


def convert_old_address(text) -> tuple[str | None, str | None, str]:
    """Return (commune code, province code, street) for an old- or new-style address.

    Codes are today's: commune 5 digits ("30208"), province 2 digits ("82"). Either is
    None when not recognised. The street is what precedes the commune (hamlet, house
    number, road); when nothing at all is recognised it is the input text, so nothing
    typed is lost.

    >>> convert_old_address("Xã Hòa Long, Huyện Lai Vung, Tỉnh Đồng Tháp")
    ('30208', '82', '')
    """
    if not isinstance(text, str):
        return None, None, ""
    text = _clean(text)
    if not text.strip(" ,.;-"):
        return None, None, ""
    try:
        from vietnamadminunits import convert_address, parse_address
    except ImportError:  # pragma: no cover - a declared dependency
        return None, None, text

    province = None
    street = ""
    for func in (convert_address, parse_address):
        try:
            unit = func(text)
        except Exception:  # the library raises on some odd input; treat as not found
            logger.debug("%s failed on %r", func.__name__, text, exc_info=True)
            continue
        ward = getattr(unit, "ward_code", None)
        province = province or getattr(unit, "province_code", None)
        if ward:
            street = _clean(getattr(unit, "street", None))
            return _code(ward, 5), _code(getattr(unit, "province_code", None), 2), street
        street = street or _clean(getattr(unit, "street", None))
    province = _code(province, 2)
    return None, province, street if province else text


def _code(value, width: int) -> str | None:
    if value is None or value == "":
        return None
    try:
        return f"{int(value):0{width}d}"
    except (TypeError, ValueError):
        return None
