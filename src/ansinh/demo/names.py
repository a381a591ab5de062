"""Vietnamese names, ID numbers and phones for synthetic people.

Faker's vi_VN locale supplies the seed lists, but it writes names in Western order
("Lan Nguyễn") with courtesy prefixes and without the sex-marking middle names, so
names are assembled here in Vietnamese order, family name + middle name + given name,
with "Thị" for women and "Văn" for men as in the Mekong delta, and the lists are
extended with the region's common names (Huỳnh, Võ, Trương ...) and Khmer and Hoa names.
"""

from __future__ import annotations

import random
from datetime import date

from faker.providers.person.vi_VN import Provider as _FakerPerson

from ansinh.rules.identity import make_cccd


def _weighted(pairs):
    names = [n for n, _ in pairs]
    weights = [w for _, w in pairs]
    return names, weights


def _merge(*lists):
    out: list[str] = []
    for lst in lists:
        for name in lst:
            if name not in out:
                out.append(name)
    return out


# Family names with rough frequencies in the Mekong delta (per cent).
SURNAMES, SURNAME_WEIGHTS = _weighted(
    [
        ("Nguyễn", 31),
        ("Trần", 11),
        ("Lê", 9),
        ("Huỳnh", 6),
        ("Phạm", 5),
        ("Võ", 5),
        ("Phan", 4),
        ("Trương", 2.2),
        ("Hồ", 2),
        ("Đặng", 1.8),
        ("Bùi", 1.5),
        ("Ngô", 1.5),
        ("Dương", 1.5),
        ("Đỗ", 1),
        ("Lâm", 1),
        ("Đoàn", 1),
        ("Châu", 1),
        ("Lý", 0.9),
        ("Mai", 0.8),
        ("Cao", 0.6),
        ("Đinh", 0.6),
        ("Tô", 0.6),
        ("Thái", 0.5),
        ("Lưu", 0.5),
        ("Hoàng", 0.5),
        ("Vũ", 0.4),
        ("Tạ", 0.4),
        ("Kiều", 0.3),
        ("La", 0.3),
        ("Quách", 0.3),
        ("Tăng", 0.3),
        ("Nguyễn Trần", 0.1),
    ]
)
assert set(_FakerPerson.last_names) <= set(SURNAMES)

MALE_MIDDLE = _merge(
    ["Văn"] * 12,
    ["Hữu", "Minh", "Thanh", "Quốc", "Công", "Tấn", "Phước", "Hoàng", "Thành", "Trọng"],
    ["Chí", "Duy", "Hoài", "Ngọc", "Nhật", "Thiện", "Trung", "Vĩnh"],
    [n for n in _FakerPerson.middle_names if n not in ("Thị", "Mai", "Mai Bảo")],
)
MALE_MIDDLE_WEIGHTS = [12 if n == "Văn" else 1 for n in MALE_MIDDLE]
FEMALE_MIDDLE = ["Thị", "Ngọc", "Thanh", "Kim", "Mỹ", "Thu", "Bích", "Hồng", "Phương", "Diễm"]
FEMALE_MIDDLE += ["Cẩm", "Tuyết", "Minh", "Trúc", "Ánh", "Huỳnh", "Xuân", "Mai"]
FEMALE_MIDDLE_WEIGHTS = [14 if n == "Thị" else 1 for n in FEMALE_MIDDLE]
#: Second middle names after "Thị" (Nguyễn Thị Mỹ Linh), common in the south.
FEMALE_SECOND_MIDDLE = ["Ngọc", "Kim", "Mỹ", "Thu", "Bích", "Hồng", "Thanh", "Cẩm", "Diễm"]

MALE_GIVEN = _merge(
    _FakerPerson.first_names_male,
    ["Hùng", "Tuấn", "Long", "Phong", "Sơn", "Hải", "Tâm", "Tài", "Lộc", "Phát", "Thắng"],
    ["Lợi", "Hòa", "Bình", "An", "Khánh", "Nhân", "Nghĩa", "Thiện", "Hiếu", "Trí", "Đạt"],
    ["Tín", "Tiến", "Cường", "Kiệt", "Duy", "Vinh", "Sang", "Toàn", "Hậu", "Út", "Được"],
    ["Phú", "Quý", "Thuận", "Lành", "Nhựt", "Thạnh", "Hoàng", "Em", "Tư", "Mến", "Tùng"],
)
FEMALE_GIVEN = _merge(
    _FakerPerson.first_names_female,
    ["Lan", "Hoa", "Trang", "Nhung", "Hạnh", "Loan", "Phượng", "Thủy", "Tuyết", "Nga"],
    ["Hằng", "Diễm", "Trinh", "Thúy", "Nhi", "Hiền", "Liên", "Cúc", "Đào", "Lài", "Lệ"],
    ["Bé", "Út", "Em", "Kiều", "Oanh", "Tâm", "My", "Vy", "Hà", "Quyên", "Giang", "Trâm"],
    ["Phương", "Dung", "Sương", "Châu", "Nương", "Thoa", "Hoa", "Thắm", "Huệ", "Cẩm"],
)

KHMER_SURNAMES = ["Thạch", "Danh", "Sơn", "Kim", "Lâm", "Châu", "Lý", "Trà"]
KHMER_GIVEN_MALE = ["Sô Phal", "Sóc Kha", "Chanh Đa", "Sa Vươn", "Phol", "Thol", "Pha Ra", "Rươl"]
KHMER_GIVEN_FEMALE = ["Sa Ri", "Sà Rin", "Ny", "Sa Rơn", "Sô Phia", "Đa Ra", "Chanh Thy", "Mum"]
HOA_SURNAMES = ["Lý", "Quách", "Trương", "Lâm", "Mạch", "Tăng", "Diệp", "Lưu", "Hứa", "La", "Huỳnh"]
HOA_MALE_MIDDLE = ["Văn", "Minh", "Quốc", "Vĩnh", "Gia", "Kiến"]

#: CCCD first three digits: the province of birth registration (pre-2025 codes).
BIRTH_PROVINCES, BIRTH_PROVINCE_WEIGHTS = _weighted(
    [
        ("087", 85),  # Đồng Tháp
        ("089", 4),  # An Giang
        ("086", 3),  # Vĩnh Long
        ("092", 3),  # Cần Thơ
        ("082", 2),  # Tiền Giang
        ("079", 2),  # Hồ Chí Minh City
        ("094", 1),  # Sóc Trăng
    ]
)
KHMER_BIRTH_PROVINCES = ["087", "094", "089", "084"]  # Đồng Tháp, Sóc Trăng, An Giang, Trà Vinh

#: Mobile prefixes in use (03x/07x/08x/09x; Viettel, VinaPhone, MobiFone).
MOBILE_PREFIXES = (
    ["032", "033", "034", "035", "036", "037", "038", "039", "086", "096", "097", "098"] * 3
    + ["081", "082", "083", "084", "085", "088", "091", "094"] * 2
    + ["070", "076", "077", "078", "079", "089", "090", "093"]
)

EMPLOYERS = [
    "Công ty TNHH Giày da Sa Đéc",
    "Công ty CP Chế biến thủy sản Sông Hậu",
    "Công ty TNHH May mặc Lai Vung",
    "Công ty CP Thực phẩm Hòa Long",
    "Công ty TNHH Bao bì Đồng Tháp",
    "Công ty CP Xuất nhập khẩu Nông sản Phong Hòa",
    "Công ty TNHH Điện tử Tân Dương",
    "Doanh nghiệp tư nhân Gạch ngói Lai Vung",
    "Công ty TNHH Chế biến trái cây Lai Vung",
    "Công ty CP Dược phẩm Cửu Long (chi nhánh Sa Đéc)",
    "Công ty TNHH Nhựa Sông Tiền",
    "Công ty TNHH Thức ăn chăn nuôi Mekong",
]

ROADS = ["Quốc lộ 80", "Quốc lộ 54", "Đường tỉnh 851", "Đường tỉnh 852", "Đường Nguyễn Văn Cừ"]

#: New-style to old-style tone placement, the commonest cause of two spellings of one name.
_TONE_VARIANTS = [
    ("òa", "oà"),
    ("óa", "oá"),
    ("ỏa", "oả"),
    ("õa", "oã"),
    ("ọa", "oạ"),
    ("ủy", "uỷ"),
    ("úy", "uý"),
    ("ùy", "uỳ"),
    ("ụy", "uỵ"),
    ("Mỹ", "Mĩ"),
]


def person_name(rng: random.Random, sex: str, ethnicity: str = "Kinh", surname: str = "") -> str:
    """A full name in Vietnamese order whose middle name agrees with the sex."""
    if ethnicity == "Khmer":
        surname = surname or rng.choice(KHMER_SURNAMES)
        if sex == "F":
            return f"{surname} Thị {rng.choice(KHMER_GIVEN_FEMALE)}"
        if rng.random() < 0.5:
            return f"{surname} {rng.choice(KHMER_GIVEN_MALE)}"
        return f"{surname} Văn {rng.choice(MALE_GIVEN)}"
    if ethnicity == "Hoa":
        surname = surname or rng.choice(HOA_SURNAMES)
        if sex == "F":
            return f"{surname} {rng.choice(['Thị', 'Mỹ', 'Ngọc'])} {rng.choice(FEMALE_GIVEN)}"
        return f"{surname} {rng.choice(HOA_MALE_MIDDLE)} {rng.choice(MALE_GIVEN)}"
    surname = surname or rng.choices(SURNAMES, SURNAME_WEIGHTS)[0]
    if sex == "F":
        middle = rng.choices(FEMALE_MIDDLE, FEMALE_MIDDLE_WEIGHTS)[0]
        if middle == "Thị" and rng.random() < 0.35:
            middle = f"Thị {rng.choice(FEMALE_SECOND_MIDDLE)}"
        given = rng.choice(FEMALE_GIVEN)
    else:
        middle = rng.choices(MALE_MIDDLE, MALE_MIDDLE_WEIGHTS)[0]
        given = rng.choice(MALE_GIVEN)
    if given in middle.split():
        given = rng.choice(FEMALE_GIVEN if sex == "F" else MALE_GIVEN)
    return f"{surname} {middle} {given}"


def surname_of(full_name: str) -> str:
    return full_name.split()[0]


def name_variant(rng: random.Random, full_name: str) -> str:
    """Another plausible spelling of the same name, as a second registration would have it."""
    for new, old in _TONE_VARIANTS:
        if new in full_name:
            return full_name.replace(new, old)
    parts = full_name.split()
    if len(parts) >= 4 and parts[1] == "Thị":
        return " ".join([parts[0]] + parts[2:])  # "Nguyễn Thị Mỹ Linh" -> "Nguyễn Mỹ Linh"
    return full_name.upper()  # copied from an old form in capitals


def cccd(rng: random.Random, born: date, sex: str, province: str) -> str:
    """12 digits: birth province (3), sex and century (1), birth year (2), random (6); passes
    ``ansinh.rules.identity.check_cccd`` for that birth date and sex."""
    return make_cccd(province, born.year, sex, rng.randrange(10**6))


def si_code(rng: random.Random, province: str = "87") -> str:
    """Social-insurance code: 2-digit province of issue + 8 digits."""
    return f"{province}{rng.randrange(10**8):08d}"


def mobile_phone(rng: random.Random) -> str:
    return f"{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10**7):07d}"


def street_address(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.45:
        return f"Số {rng.randint(1, 480)}, Tổ {rng.randint(1, 14)}"
    if r < 0.7:
        return f"Số {rng.randint(1, 300)}/{rng.randint(1, 12)}, {rng.choice(ROADS)}"
    if r < 0.9:
        return f"Tổ {rng.randint(1, 14)}"
    return f"Số {rng.randint(1, 999)}, {rng.choice(ROADS)}"
