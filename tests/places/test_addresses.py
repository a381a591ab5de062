"""Old (district) and new addresses to today's commune; garbage never raises."""

import pytest

from ansinh.places.addresses import convert_old_address


@pytest.mark.parametrize(
    ("text", "commune", "province", "street"),
    [
        # Pre-2025, with the district: Hòa Long is still Hòa Long (30208).
        ("Xã Hòa Long, Huyện Lai Vung, Tỉnh Đồng Tháp", "30208", "82", ""),
        # The old township merged into today's Hòa Long.
        ("Thị trấn Lai Vung, Huyện Lai Vung, Đồng Tháp", "30208", "82", ""),
        # Without diacritics, lower case.
        ("xa hoa long, huyen lai vung, dong thap", "30208", "82", ""),
        (
            "Ấp Tân Hòa, Xã Tân Dương, Huyện Lai Vung, Đồng Tháp",
            "30214",
            "82",
            "Ấp Tân Hòa",
        ),
        (
            "123 Nguyễn Huệ, Ấp Long Hưng A, Xã Hòa Long, Huyện Lai Vung, Tỉnh Đồng Tháp",
            "30208",
            "82",
            "123 Nguyễn Huệ, Ấp Long Hưng A",
        ),
        # New style (2025 map, no district).
        ("Xã Lai Vung, Tỉnh Đồng Tháp", "30226", "82", ""),
        ("Ấp Long Hưng A, Xã Hòa Long, Tỉnh Đồng Tháp", "30208", "82", "Ấp Long Hưng A"),
        ("Xã Phong Hòa, Đồng Tháp", "30235", "82", ""),
        # Another province, old style.
        ("Phường Bến Nghé, Quận 1, TP Hồ Chí Minh", "26740", "79", ""),
    ],
)
def test_addresses_to_todays_commune(text, commune, province, street):
    assert convert_old_address(text) == (commune, province, street)


def test_province_only():
    commune, province, _street = convert_old_address("Đồng Tháp")
    assert commune is None
    assert province == "82"


@pytest.mark.parametrize(
    "text",
    ["", "   ", "garbage", "abc, def, ghi", "12,,, ", ",,,,", "!!!", "ấp ấp ấp", "9" * 500],
)
def test_garbage_gives_no_codes(text):
    commune, province, street = convert_old_address(text)
    assert commune is None
    assert province is None
    assert isinstance(street, str)


@pytest.mark.parametrize("value", [None, 12, b"Xa Hoa Long", ["x"]])
def test_non_text_never_raises(value):
    assert convert_old_address(value) == (None, None, "")
