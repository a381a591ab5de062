"""The demo's fixed frame: the Hòa Long office, its communes and hamlets, the collection
organisations and collectors, and one demo user per role.

Everything here is idempotent (get-or-create by natural key), so `manage.py demo`
can run again and again; the population (population.py) is generated once.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.hashers import make_password
from django.db import transaction

from ansinh.accounts.models import Role, User
from ansinh.collection.models import CollectionPoint, Collector, Organisation, ServedArea
from ansinh.places.loader import load_places
from ansinh.places.models import Commune, Hamlet, Office, OfficeArea, OfficeName

PROVINCE = "82"  # Đồng Tháp (2025 map; merged with Tiền Giang)
PROVINCIAL_OFFICE = "DONGTHAP"
OFFICE = "HOALONG"

HOA_LONG, LAI_VUNG, PHONG_HOA, TAN_DUONG = "30208", "30226", "30235", "30214"
#: The four communes of Hòa Long base office since 2025-07-01 (field report, July 2025).
COMMUNES = (HOA_LONG, LAI_VUNG, PHONG_HOA, TAN_DUONG)

#: Demo accounts: documented, not secret. Change or delete them on a real server.
DEMO_PASSWORD = "ansinh2025"

#: Relative sizes of the merged communes: the hamlets' starting weights, used to place the
#: synthetic households. The populations themselves are settled from the people built
#: (`settle_populations`), so that coverage rates read like the field reports.
COMMUNE_POPULATION = {HOA_LONG: 48_600, LAI_VUNG: 42_300, PHONG_HOA: 39_800, TAN_DUONG: 37_500}

#: Household health insurance covers about 92-96% of a commune (field report: "93.8% of
#: the commune"); people of working age are about 60-66% of it.
HI_COVERAGE = (0.92, 0.96)
WORKING_AGE_SHARE = (0.60, 0.66)

#: Hamlets (ấp) per commune, in the Mekong delta's naming style. Kept by the office.
HAMLETS = {
    HOA_LONG: [
        "Ấp Long Hưng A",
        "Ấp Long Hưng B",
        "Ấp Hòa Lợi",
        "Ấp Hòa Thạnh",
        "Ấp Long Thạnh",
        "Ấp Long Bình",
        "Ấp Hòa Tân",
        "Ấp Long Hội",
        "Ấp Hòa Khánh",
        "Ấp An Lợi",
        "Ấp Hòa Định",
    ],
    LAI_VUNG: [
        "Ấp Long Hậu",
        "Ấp Long Thành",
        "Ấp Tân Phú",
        "Ấp Tân Lợi",
        "Ấp Long Thắng",
        "Ấp Long Định",
        "Ấp Tân Mỹ",
        "Ấp Long Khánh",
        "Ấp Tân Lộc",
        "Ấp Vĩnh Bình",
    ],
    PHONG_HOA: [
        "Ấp Phong Thạnh",
        "Ấp Phong Thuận",
        "Ấp Phong Hòa",
        "Ấp Định Hòa",
        "Ấp Định An",
        "Ấp Định Phú",
        "Ấp Định Thành",
        "Ấp Phong Mỹ",
        "Ấp Phú Hòa",
    ],
    TAN_DUONG: [
        "Ấp Tân Dương",
        "Ấp Tân Thuận",
        "Ấp Tân Hòa",
        "Ấp Tân Bình",
        "Ấp Tân Lập",
        "Ấp Tân An",
        "Ấp Tân Khánh",
        "Ấp Hưng Thạnh",
        "Ấp Tân Hưng",
        "Ấp Mỹ Thuận",
        "Ấp Hòa Thành",
        "Ấp Thạnh Phú",
    ],
}

#: (code, name, kind) of the collection organisations serving the office.
ORGANISATIONS = [
    ("BDLV", "Bưu điện Lai Vung", Organisation.Kind.POST),
    ("VTLV", "Viettel Lai Vung", Organisation.Kind.VIETTEL),
    ("HNDTD", "Đại lý thu Hội Nông dân xã Tân Dương", Organisation.Kind.OTHER),
]

POST_HOURS = "7:00-11:30, 13:00-17:00 (thứ Hai - thứ Bảy)"
SHOP_HOURS = "7:30-20:00 (cả tuần)"

#: (organisation code, name, commune, hamlet, address, opening hours): the post office's
#: cultural post offices and Viettel's shops, one per commune, and the farmers' union desk.
POINTS = [
    ("BDLV", "Bưu điện Lai Vung", LAI_VUNG, "Ấp Long Thành", "Quốc lộ 80", POST_HOURS),
    ("BDLV", "Bưu điện văn hóa xã Hòa Long", HOA_LONG, "Ấp Hòa Lợi", "ĐT 851", POST_HOURS),
    ("BDLV", "Bưu điện văn hóa xã Phong Hòa", PHONG_HOA, "Ấp Phong Hòa", "ĐT 853", POST_HOURS),
    ("BDLV", "Bưu điện văn hóa xã Tân Dương", TAN_DUONG, "Ấp Tân Dương", "Quốc lộ 80", POST_HOURS),
    ("VTLV", "Cửa hàng Viettel Lai Vung", LAI_VUNG, "Ấp Long Thành", "Quốc lộ 80", SHOP_HOURS),
    ("VTLV", "Cửa hàng Viettel Hòa Long", HOA_LONG, "Ấp Long Hưng A", "ĐT 851", SHOP_HOURS),
    ("VTLV", "Điểm Viettel Phong Hòa", PHONG_HOA, "Ấp Định Hòa", "Chợ Phong Hòa", SHOP_HOURS),
    ("VTLV", "Điểm Viettel Tân Dương", TAN_DUONG, "Ấp Tân Thuận", "Chợ Tân Dương", SHOP_HOURS),
    (
        "HNDTD",
        "Văn phòng Hội Nông dân xã Tân Dương",
        TAN_DUONG,
        "Ấp Tân Dương",
        "Trụ sở UBND xã",
        "7:00-11:00, 13:30-17:00 (thứ Hai - thứ Sáu)",
    ),
]

#: (organisation code, collector name, home commune): 24 collectors and collaborators.
COLLECTORS = [
    ("BDLV", "Nguyễn Thị Thu Hà", HOA_LONG),
    ("BDLV", "Trần Văn Lộc", HOA_LONG),
    ("BDLV", "Lê Thị Kim Thoa", HOA_LONG),
    ("BDLV", "Huỳnh Văn Tài", HOA_LONG),
    ("BDLV", "Phạm Thị Ngọc Hân", LAI_VUNG),
    ("BDLV", "Võ Văn Hùng", LAI_VUNG),
    ("BDLV", "Nguyễn Thị Bích Trâm", LAI_VUNG),
    ("BDLV", "Đặng Thị Mỹ Duyên", PHONG_HOA),
    ("BDLV", "Phan Văn Sang", PHONG_HOA),
    ("BDLV", "Trương Thị Hồng Nhung", PHONG_HOA),
    ("BDLV", "Lê Văn Phước", TAN_DUONG),
    ("BDLV", "Nguyễn Thị Tuyết Mai", TAN_DUONG),
    ("BDLV", "Bùi Thị Thanh Thúy", TAN_DUONG),
    ("VTLV", "Nguyễn Hữu Thắng", HOA_LONG),
    ("VTLV", "Trần Thị Diễm My", HOA_LONG),
    ("VTLV", "Lâm Văn Khánh", LAI_VUNG),
    ("VTLV", "Hồ Thị Ngọc Trinh", LAI_VUNG),
    ("VTLV", "Dương Văn Nghĩa", PHONG_HOA),
    ("VTLV", "Ngô Thị Cẩm Tú", PHONG_HOA),
    ("VTLV", "Võ Thị Kim Loan", TAN_DUONG),
    ("HNDTD", "Thạch Thị Sa Ri", TAN_DUONG),
    ("HNDTD", "Lê Văn Út", TAN_DUONG),
    ("HNDTD", "Nguyễn Văn Bé Tư", TAN_DUONG),
    ("HNDTD", "Châu Thị Mỹ Lệ", HOA_LONG),
]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    full_name: str
    scope: str


def ensure_places() -> None:
    load_places()


@transaction.atomic
def ensure_offices() -> Office:
    """The provincial office and Hòa Long base office, with its names and area over time."""
    provincial, _ = Office.objects.get_or_create(
        code=PROVINCIAL_OFFICE,
        defaults={"kind": Office.Kind.PROVINCIAL, "province_id": PROVINCE},
    )
    OfficeName.objects.get_or_create(
        office=provincial,
        name="Bảo hiểm xã hội tỉnh Đồng Tháp",
        defaults={"valid_from": date(2015, 1, 1)},
    )
    office, _ = Office.objects.get_or_create(
        code=OFFICE,
        defaults={"kind": Office.Kind.BASE, "province_id": PROVINCE, "parent": provincial},
    )
    # Lai Vung District SI became Hòa Long base SI on 2025-07-01 (district level abolished).
    for name, valid_from in (
        ("Bảo hiểm xã hội huyện Lai Vung", date(2015, 1, 1)),
        ("Bảo hiểm xã hội cơ sở Hòa Long", date(2025, 7, 1)),
    ):
        OfficeName.objects.get_or_create(
            office=office, name=name, defaults={"valid_from": valid_from}
        )
    # The area is kept on today's map: before 2025 the office served the 12 communes and
    # towns of Lai Vung district, which were merged on 2025-07-01 into these four communes.
    # The pre-2025 communes are represented by the today's units that absorbed them, so one
    # row per commune from 2015 covers both periods (the national list has no old units).
    for code in COMMUNES:
        OfficeArea.objects.get_or_create(
            office=office, commune_id=code, defaults={"valid_from": date(2015, 1, 1)}
        )
    return office


@transaction.atomic
def ensure_hamlets(seed: int = 2025) -> dict[str, list[Hamlet]]:
    """8-12 hamlets per commune, with starting populations (weights for placing households;
    `settle_populations` replaces them once the people are built)."""
    rng = random.Random(seed)
    existing = {(h.commune_id, h.name): h for h in Hamlet.objects.filter(commune_id__in=COMMUNES)}
    new = []
    for code, names in HAMLETS.items():
        weights = [rng.uniform(0.6, 1.4) for _ in names]
        total = COMMUNE_POPULATION[code]
        for name, weight in zip(names, weights, strict=True):
            if (code, name) not in existing:
                population = int(round(total * weight / sum(weights), -1))
                new.append(Hamlet(commune_id=code, name=name, population=population))
    Hamlet.objects.bulk_create(new)
    by_commune: dict[str, list[Hamlet]] = {code: [] for code in COMMUNES}
    for hamlet in Hamlet.objects.filter(commune_id__in=COMMUNES).order_by("id"):
        by_commune[hamlet.commune_id].append(hamlet)
    return by_commune


def _split(total: int, weights: dict) -> dict:
    """Largest-remainder split of a whole into parts proportional to weights."""
    s = sum(weights.values())
    raw = {k: total * w / s for k, w in weights.items()}
    parts = {k: int(v) for k, v in raw.items()}
    rest = total - sum(parts.values())
    for k in sorted(raw, key=lambda k: raw[k] - parts[k], reverse=True)[:rest]:
        parts[k] += 1
    return parts


@transaction.atomic
def settle_populations(today: date, seed: int = 2025) -> dict[str, int]:
    """Commune and hamlet populations consistent with the people built: the household HI
    cards in force today are 92-96% of a commune (a little different in each), working age
    60-66% of it; a hamlet is its insured people plus a share of the commune's uninsured
    (more or less than its size), so hamlets sum to the commune and their rates differ."""
    from ansinh.targets.choices import Metric
    from ansinh.targets.queries import metric_count

    rng = random.Random(seed + 2)
    working = random.Random(seed + 3)  # its own draws: the populations stay as they were
    root = User(username="demo-builder", is_superuser=True, is_active=True)
    by_commune = metric_count(root, Metric.HI, today, by="commune", communes=COMMUNES)
    by_hamlet = metric_count(root, Metric.HI, today, by="hamlet", communes=COMMUNES)
    communes = list(Commune.objects.filter(code__in=COMMUNES).order_by("code"))
    hamlets = list(Hamlet.objects.filter(commune_id__in=COMMUNES).order_by("id"))
    out = {}
    for c in communes:
        insured = by_commune.get(c.code, 0)
        c.population = max(insured, round(insured / rng.uniform(*HI_COVERAGE)))
        c.working_age_population = round(c.population * rng.uniform(*WORKING_AGE_SHARE))
        out[c.code] = c.population
        mine = [h for h in hamlets if h.commune_id == c.code]
        hi = {h.pk: by_hamlet.get(h.pk, 0) for h in mine}
        uninsured = c.population - sum(hi.values())
        weights = {pk: (n or 1) * rng.uniform(0.3, 1.7) for pk, n in hi.items()}
        shares = _split(uninsured, weights) if mine else {}
        for h in mine:
            h.population = hi[h.pk] + shares[h.pk]
            h.working_age_population = round(h.population * working.uniform(*WORKING_AGE_SHARE))
    Commune.objects.bulk_update(communes, ["population", "working_age_population"])
    Hamlet.objects.bulk_update(hamlets, ["population", "working_age_population"])
    return out


@transaction.atomic
def ensure_collection(office: Office, seed: int = 2025) -> list[Collector]:
    rng = random.Random(seed + 1)
    orgs = {}
    for code, name, kind in ORGANISATIONS:
        orgs[code], _ = Organisation.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "office": office}
        )
    counters: dict[str, int] = {}
    for org_code, name, commune in COLLECTORS:
        counters[org_code] = counters.get(org_code, 0) + 1
        code = f"{org_code}{counters[org_code]:02d}"
        Collector.objects.get_or_create(
            code=code,
            defaults={
                "organisation": orgs[org_code],
                "full_name": name,
                "phone": _phone(rng),
                "commune_id": commune,
            },
        )
    _ensure_points(orgs)
    return list(
        Collector.objects.filter(organisation__office=office)
        .select_related("organisation")
        .order_by("code")
    )


def _ensure_points(orgs: dict[str, Organisation]) -> None:
    """The collection points, each collector attached to their organisation's point in their
    commune, and the areas served: each organisation's communes, each collector's commune."""
    hamlets = {(h.commune_id, h.name): h for h in Hamlet.objects.filter(commune_id__in=COMMUNES)}
    points = {}
    for org_code, name, commune, hamlet, address, hours in POINTS:
        points[(org_code, commune)], _ = CollectionPoint.objects.get_or_create(
            organisation=orgs[org_code],
            name=name,
            defaults={
                "commune_id": commune,
                "hamlet": hamlets.get((commune, hamlet)),
                "address": address,
                "opening_hours": hours,
            },
        )
    collectors = Collector.objects.filter(organisation__in=orgs.values()).select_related(
        "organisation"
    )
    for col in collectors.filter(point__isnull=True):
        point = points.get((col.organisation.code, col.commune_id))
        if point is not None:
            col.point = point
            col.save(update_fields=["point"])
    areas = set()
    for col in collectors:
        if col.commune_id:
            areas.add((col.organisation_id, None, col.commune_id))
            areas.add((col.organisation_id, col.pk, col.commune_id))
    for org_id, collector_id, commune in sorted(areas, key=lambda a: (a[0], a[2], a[1] or 0)):
        ServedArea.objects.get_or_create(
            organisation_id=org_id, collector_id=collector_id, commune_id=commune, hamlet=None
        )


def _phone(rng: random.Random) -> str:
    from .names import mobile_phone

    return mobile_phone(rng)


def demo_accounts() -> list[DemoAccount]:
    return [
        DemoAccount("admin", Role.PROVINCIAL_ADMIN, "Quản trị BHXH tỉnh Đồng Tháp", "tỉnh 82"),
        DemoAccount("quanly", Role.OFFICE_MANAGER, "Trần Minh Quang", OFFICE),
        DemoAccount("canbo", Role.OFFICIAL, "Lê Thị Ngọc Hân", OFFICE),
        DemoAccount("buudien", Role.ORGANISATION_MANAGER, "Phạm Văn Hậu", "Bưu điện Lai Vung"),
        DemoAccount("thuho", Role.COLLECTOR, "Nguyễn Thị Thu Hà", "BDLV01"),
        DemoAccount("xa", Role.COMMUNE_LEADER, "Huỳnh Văn Bình", "Xã Hòa Long"),
    ]


@transaction.atomic
def ensure_users(office: Office) -> list[tuple[DemoAccount, bool]]:
    """One user per role; existing users are left as they are. Returns (account, created)."""
    post = Organisation.objects.get(code="BDLV")
    collector = Collector.objects.get(code="BDLV01")
    scope = {
        "admin": {"province_id": PROVINCE, "is_superuser": True, "is_staff": True},
        "quanly": {"office": office},
        "canbo": {"office": office},
        "buudien": {"organisation": post},
        "thuho": {"collector": collector, "organisation": post},
        "xa": {"commune_id": HOA_LONG},
    }
    password = None  # hashed once: PBKDF2 is deliberately slow
    out = []
    for account in demo_accounts():
        user = User.objects.filter(username=account.username).first()
        created = user is None
        if created:
            password = password or make_password(DEMO_PASSWORD)
            user = User(
                username=account.username,
                role=account.role,
                full_name=account.full_name,
                password=password,
                **scope[account.username],
            )
            user.save()
        out.append((account, created))
    return out


def accounts_table(rows: list[tuple[DemoAccount, bool]]) -> str:
    lines = [
        f"Demo accounts (password for all: {DEMO_PASSWORD})",
        f"  {'username':<10} {'role':<22} {'scope':<20} full name",
    ]
    for account, _created in rows:
        lines.append(
            f"  {account.username:<10} {account.role:<22} {account.scope:<20} {account.full_name}"
        )
    return "\n".join(lines)
