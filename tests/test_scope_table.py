"""Who sees what: one table, every role against every scoped kind of row (decision 0017).

`restrict(queryset, user)` (through `Model.objects.restrict(user)`) is the one place that
decides by role what a user sees; this file checks it as a table: for each role, the keys of
the rows of each kind it sees. To cover a new model, add a column to `KINDS` and a set to each
role's row of `SEES`; to cover a new role, add a user to `table_world` and a row to `SEES`.

The world (Đồng Tháp, 82, unless said):

| office   | parent | communes it serves | organisations | collectors               |
|----------|--------|--------------------|---------------|--------------------------|
| child    | parent | Hòa Long, Lai Vung | post, viettel | c_post, c_post2, c_viettel |
| parent   | -      | Phong Hòa          | ph_post       | c_ph                     |
| far (01) | -      | Hoàn Kiếm (Hà Nội) | -             | -                        |

People: hl_post (Hòa Long, c_post), hl_viettel (Hòa Long, c_viettel), lv (Lai Vung, no
collector), ph (Phong Hòa, c_ph), hanoi (Hoàn Kiếm). One cycle run per office of Đồng Tháp,
lists per organisation and per collector, imports by each kind of uploader, one target and
one campaign per office.

`parent_mgr` manages the parent office: they see the child office's participants, and also
its organisations, collectors, cycles, lists, imports, targets and campaigns (before decision
0017 they saw the participants but not the organisations or cycles).
"""

import re
from datetime import date
from io import BytesIO

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from openpyxl import load_workbook

from ansinh.accounts.models import AuditEntry, Role, User
from ansinh.accounts.scope import SYSTEM, restrict, scope_for
from ansinh.campaigns.models import Campaign
from ansinh.collection import queries as collection_queries
from ansinh.collection.choices import ListKind
from ansinh.collection.models import (
    Collector,
    CycleList,
    CycleRun,
    Organisation,
    ReceiptImport,
)
from ansinh.common.text import add_months
from ansinh.enrolment import services as enrolment
from ansinh.enrolment.models import Receipt, VsiEnrolment
from ansinh.places.models import Office, OfficeArea
from ansinh.registry.models import Person
from ansinh.targets.models import OfficeTarget
from ansinh.targets.queries import visible_offices
from tests.factories import HOA_LONG, LAI_VUNG, PHONG_HOA, make_person

HANOI = "00070"
TODAY = date.today()
MONTH = TODAY.replace(day=1)

# -- the table -----------------------------------------------------------------------------

#: Each kind of row and how a user's view of it is read.
KINDS = {
    "people": lambda user: Person.objects.restrict(user),
    "organisations": lambda user: Organisation.objects.restrict(user),
    "collectors": lambda user: Collector.objects.restrict(user),
    "runs": lambda user: collection_queries.runs_for(user),
    "lists": lambda user: CycleList.objects.restrict(user),
    "imports": lambda user: ReceiptImport.objects.restrict(user),
    "offices": lambda user: visible_offices(user),
    "targets": lambda user: OfficeTarget.objects.restrict(user),
    "campaigns": lambda user: Campaign.objects.restrict(user),
}

_EVERY_PERSON = "hl_post hl_viettel lv ph hanoi"
_DONG_THAP = {
    "people": "hl_post hl_viettel lv ph",
    "organisations": "post viettel ph_post",
    "collectors": "c_post c_post2 c_viettel c_ph",
    "runs": "child parent",
    "lists": "post c_post viettel ph_post",
    "imports": "by_postmgr by_office by_collector by_ph",
    "offices": "child parent",
    "targets": "child parent",
    "campaigns": "child parent",
}
_CHILD_OFFICE = {
    "people": "hl_post hl_viettel lv",
    "organisations": "post viettel",
    "collectors": "c_post c_post2 c_viettel",
    "runs": "child",
    "lists": "post c_post viettel",
    "imports": "by_postmgr by_office by_collector",
    "offices": "child",
    "targets": "child",
    "campaigns": "child",
}
#: For each role, the keys it sees of each kind (space-separated; "" = nothing).
SEES = {
    "root": {
        **_DONG_THAP,
        "people": _EVERY_PERSON,
        "offices": "child parent far",
        "targets": "child parent far",
        "campaigns": "child parent far",
    },
    "admin": _DONG_THAP,
    "parent_mgr": _DONG_THAP,
    "manager": _CHILD_OFFICE,
    "official": _CHILD_OFFICE,
    "postmgr": {
        "people": "hl_post",
        "organisations": "post",
        "collectors": "c_post c_post2",
        "runs": "child",
        "lists": "post c_post",
        "imports": "by_postmgr by_collector",
        "offices": "child",
        "targets": "child",
        "campaigns": "child",
    },
    "collector": {
        "people": "hl_post",
        "organisations": "post",
        "collectors": "c_post",
        "runs": "child",
        "lists": "c_post",
        "imports": "by_collector",
        "offices": "child",
        "targets": "child",
        "campaigns": "child",
    },
    "leader": {
        "people": "hl_post hl_viettel",
        "organisations": "",
        "collectors": "",
        "runs": "",
        "lists": "",
        "imports": "",
        "offices": "child",
        "targets": "child",
        "campaigns": "child",
    },
    "anonymous": dict.fromkeys(KINDS, ""),
    "no_office": dict.fromkeys(KINDS, ""),
}


#: The role of each user of the table (the others: a superuser, no role, no office).
ROLE_OF = {
    "admin": Role.PROVINCIAL_ADMIN,
    "parent_mgr": Role.OFFICE_MANAGER,
    "manager": Role.OFFICE_MANAGER,
    "official": Role.OFFICIAL,
    "postmgr": Role.ORGANISATION_MANAGER,
    "collector": Role.COLLECTOR,
    "leader": Role.COMMUNE_LEADER,
}


@pytest.fixture
def table_world(office, users):
    """The world of the module docstring; `keys[kind]` maps each row's pk to its key."""
    child = office.office
    parent = Office.objects.create(code="PARENT", kind=Office.Kind.BASE, province_id="82")
    child.parent = parent
    child.save()
    OfficeArea.objects.create(office=parent, commune_id=PHONG_HOA, valid_from=date(2015, 1, 1))
    far = Office.objects.create(code="FAR", kind=Office.Kind.BASE, province_id="01")
    OfficeArea.objects.create(office=far, commune_id=HANOI, valid_from=date(2015, 1, 1))
    offices = {"child": child, "parent": parent, "far": far}

    ph_post = Organisation.objects.create(code="BD-PH", name="Bưu điện Phong Hòa", office=parent)
    c_ph = Collector.objects.create(
        organisation=ph_post, code="C-PH", full_name="Mai Văn Phong", commune_id=PHONG_HOA
    )
    organisations = {"post": office.post, "viettel": office.viettel, "ph_post": ph_post}
    c_post2 = Collector.objects.create(
        organisation=office.post, code="C-POST-2", full_name="Đỗ Văn Hai", commune_id=LAI_VUNG
    )
    collectors = {
        "c_post": office.collector,
        "c_post2": c_post2,
        "c_viettel": office.other_collector,
        "c_ph": c_ph,
    }
    people = {
        "hl_post": make_person(office, "Nguyễn Văn Bưu", collector=office.collector),
        "hl_viettel": make_person(office, "Nguyễn Văn Viễn", collector=office.other_collector),
        "lv": make_person(office, "Nguyễn Thị Lai", commune=LAI_VUNG),
        "ph": make_person(
            office, "Nguyễn Văn Phong", commune=PHONG_HOA, hamlet=None, collector=c_ph
        ),
        "hanoi": make_person(office, "Nguyễn Thị Hà", commune=HANOI, hamlet=None),
    }
    runs = {
        "child": CycleRun.objects.create(office=child, month=MONTH),
        "parent": CycleRun.objects.create(office=parent, month=MONTH),
    }
    lists = {
        "post": CycleList.objects.create(
            run=runs["child"], kind=ListKind.DUE, organisation=office.post
        ),
        "c_post": CycleList.objects.create(
            run=runs["child"],
            kind=ListKind.DUE,
            organisation=office.post,
            collector=office.collector,
        ),
        "viettel": CycleList.objects.create(
            run=runs["child"], kind=ListKind.DUE, organisation=office.viettel
        ),
        "ph_post": CycleList.objects.create(
            run=runs["parent"], kind=ListKind.DUE, organisation=ph_post
        ),
    }
    ph_mgr = User.objects.create(
        username="ph_mgr", role=Role.ORGANISATION_MANAGER, organisation=ph_post
    )

    def upload(by, organisation, at):
        return ReceiptImport.objects.create(
            organisation=organisation, office=at, uploaded_by=by, file_name="f.csv", sha256="0"
        )

    imports = {
        "by_postmgr": upload(users["postmgr"], office.post, child),
        "by_office": upload(users["manager"], None, child),
        "by_collector": upload(users["collector"], office.post, child),
        "by_ph": upload(ph_mgr, ph_post, parent),
    }
    targets = {
        key: OfficeTarget.objects.create(office=o, year=TODAY.year, metric="vsi", value=100)
        for key, o in offices.items()
    }
    campaigns = {
        key: Campaign.objects.create(office=o, name=f"Chiến dịch {key}", start=TODAY, end=TODAY)
        for key, o in offices.items()
    }
    rows = {
        "people": people,
        "organisations": organisations,
        "collectors": collectors,
        "runs": runs,
        "lists": lists,
        "imports": imports,
        "offices": offices,
        "targets": targets,
        "campaigns": campaigns,
    }
    role_users = {
        **users,
        "root": User.objects.create_superuser("root", password="pw"),
        "parent_mgr": User.objects.create(
            username="parent_mgr", role=Role.OFFICE_MANAGER, office=parent
        ),
        "anonymous": _anonymous(),
        "no_office": User.objects.create(username="no_office", role=Role.OFFICIAL),
    }
    keys = {kind: {row.pk: key for key, row in by_key.items()} for kind, by_key in rows.items()}
    return {"users": role_users, "keys": keys, "rows": rows}


def _anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


@pytest.mark.parametrize("role", sorted(SEES))
def test_each_role_sees_the_rows_of_its_table_row(table_world, role):
    user = table_world["users"][role]
    seen = {}
    for kind, read in KINDS.items():
        keys = table_world["keys"][kind]
        rows = list(read(user))
        assert len(rows) == len({r.pk for r in rows}), f"{role} {kind}: a row twice"
        # Rows made by other fixtures (none today) would be outside the table: ignore them.
        seen[kind] = " ".join(sorted(keys[r.pk] for r in rows if r.pk in keys))
    expected = {kind: " ".join(sorted(SEES[role][kind].split())) for kind in KINDS}
    assert seen == expected


def test_the_table_covers_every_role_and_kind():
    assert set(ROLE_OF.values()) == set(Role)
    assert set(ROLE_OF) <= set(SEES)
    assert all(set(row) == set(KINDS) for row in SEES.values())


def test_a_parent_offices_scope_holds_its_childrens_communes_offices(table_world):
    scope = scope_for(table_world["users"]["parent_mgr"])
    assert scope.communes == {HOA_LONG, LAI_VUNG, PHONG_HOA}
    rows = table_world["rows"]["offices"]
    assert scope.offices == {rows["child"].pk, rows["parent"].pk}


def test_a_model_without_a_scope_path_is_refused(table_world):
    from ansinh.places.models import Hamlet

    with pytest.raises(TypeError, match="declares no scope path"):
        restrict(Hamlet.objects.all(), table_world["users"]["manager"])


def test_summaries_are_scoped_and_a_job_says_it_runs_for_everyone(table_world):
    """The completeness of reasons and the chat message take a user; a scheduled job passes
    SYSTEM. Neither runs unscoped because a caller forgot the user."""
    import inspect

    for fn in (collection_queries.reason_completeness, collection_queries.chat_message):
        assert inspect.signature(fn).parameters["user"].default is inspect.Parameter.empty
    run = table_world["rows"]["runs"]["child"]
    assert scope_for(SYSTEM).unrestricted
    assert collection_queries.reason_completeness(run, table_world["users"]["leader"]) == []
    assert collection_queries.reason_completeness(run, SYSTEM) == []
    text = collection_queries.chat_message(
        run,
        table_world["users"]["collector"],
        organisation=table_world["rows"]["organisations"]["post"],
    )
    assert "0 người" in text


# -- pages, exports and counts per role (the person axis, through the pages) ----------------

# Scope is data: each role sees its own people on pages, in exports and in counts.
#
# The world: the Hòa Long office serves Hòa Long and Lai Vung (Đồng Tháp, 82). Six people:
#
# | key        | commune            | collector                 |
# |------------|--------------------|---------------------------|
# | mine       | Hòa Long           | the collector (post)      |
# | post_other | Lai Vung           | another post collector    |
# | viettel    | Hòa Long           | a Viettel collector       |
# | lai_vung   | Lai Vung           | none                      |
# | phong_hoa  | Phong Hòa (82)     | none (outside the office) |
# | hanoi      | Hoàn Kiếm (01)     | none (outside the province) |

VISIBLE = {
    "collector": {"mine"},
    "postmgr": {"mine", "post_other"},
    "leader": {"mine", "viettel"},
    "official": {"mine", "post_other", "viettel", "lai_vung"},
    "manager": {"mine", "post_other", "viettel", "lai_vung"},
    "admin": {"mine", "post_other", "viettel", "lai_vung", "phong_hoa"},
}
ALL = {"mine", "post_other", "viettel", "lai_vung", "phong_hoa", "hanoi"}
ROLES = sorted(VISIBLE)
#: Roles that see a CCCD in full; the others see it masked.
FULL_CCCD = {"official", "manager", "admin"}


@pytest.fixture
def world(office, users):
    root = User.objects.create_superuser("root", password="pw")
    post2 = Collector.objects.create(
        organisation=office.post, code="C-POST-2", full_name="Đỗ Văn Hai", commune_id=LAI_VUNG
    )
    people = {
        "mine": make_person(office, "Nguyễn Văn Mình", collector=office.collector),
        "post_other": make_person(office, "Nguyễn Thị Bưu", commune=LAI_VUNG, collector=post2),
        "viettel": make_person(office, "Nguyễn Văn Viễn", collector=office.other_collector),
        "lai_vung": make_person(office, "Nguyễn Thị Lai", commune=LAI_VUNG),
        "phong_hoa": make_person(office, "Nguyễn Văn Phong", commune=PHONG_HOA, hamlet=None),
        "hanoi": make_person(office, "Nguyễn Thị Hà", commune=HANOI, hamlet=None),
    }
    for n, person in enumerate(people.values()):
        vsi = enrolment.enrol_vsi(root, person, 2_000_000, "1", TODAY.replace(day=1))
        enrolment.record_vsi_receipt(
            root, vsi, enrolment.ReceiptInput(number=f"S-{n}", paid_on=TODAY, months=1)
        )
    return {"users": users, "people": people, "root": root, "office": office}


def _keys(world, persons) -> set[str]:
    by_pk = {p.pk: key for key, p in world["people"].items()}
    return {by_pk[p.pk] for p in persons}


def _client(client, world, role):
    client.force_login(world["users"][role])
    return client


@pytest.mark.parametrize("role", ROLES)
def test_restrict_gives_each_role_its_people(world, role):
    user = world["users"][role]
    assert _keys(world, Person.objects.restrict(user)) == VISIBLE[role]
    assert _keys(world, [e.person for e in VsiEnrolment.objects.restrict(user)]) == VISIBLE[role]


def _person_urls(world, person) -> dict[str, str]:
    vsi = VsiEnrolment.objects.get(person=person)
    return {
        "detail": reverse("person_detail", args=[person.pk]),
        "edit": reverse("person_edit", args=[person.pk]),
        "enrol": reverse("vsi_enrol", args=[person.pk]),
        "live quote": reverse("vsi_quote_live", args=[person.pk]) + "?income=2000000",
        "receipt": reverse("vsi_receipt", args=[vsi.pk]),
        "counselling": reverse("person_counsel", args=[person.pk]),
        "counselling pdf": reverse("person_counsel", args=[person.pk]) + "?format=pdf",
        "compulsory": reverse("compulsory_add", args=[person.pk]),
        "support": reverse("support_add", args=[person.pk]),
        "household": reverse("household_detail", args=[person.household_id]),
        "hi enrol": reverse("hi_enrol", args=[person.household_id]),
        "hi receipt": reverse("hi_receipt", args=[person.household_id]),
    }


@pytest.mark.parametrize("role", ROLES)
def test_pages_of_a_person_outside_the_scope_are_404(client, world, role):
    _client(client, world, role)
    for key in sorted(ALL - VISIBLE[role]):
        person = world["people"][key]
        for name, url in _person_urls(world, person).items():
            response = client.get(url)
            assert response.status_code == 404, (
                f"{role} GET {name} of {key}: {response.status_code}"
            )
        post = client.post(
            reverse("vsi_receipt", args=[VsiEnrolment.objects.get(person=person).pk]),
            {"number": "X-1", "paid_on": TODAY.isoformat(), "months": "1"},
        )
        assert post.status_code == 404
        post = client.post(reverse("person_edit", args=[person.pk]), {"full_name": "Hacked"})
        assert post.status_code == 404
    assert not Receipt.objects.filter(number="X-1").exists()
    assert not Person.objects.filter(full_name="Hacked").exists()


@pytest.mark.parametrize("role", ROLES)
def test_pages_of_a_person_inside_the_scope_open(client, world, role):
    _client(client, world, role)
    user = world["users"][role]
    for key in sorted(VISIBLE[role]):
        person = world["people"][key]
        urls = _person_urls(world, person)
        for name in ("detail", "counselling", "household"):
            assert client.get(urls[name]).status_code == 200, f"{role} {name} of {key}"
        # What a role may not do is refused, not hidden: 403.
        for name in ("edit", "enrol", "compulsory", "support", "hi enrol"):
            status = client.get(urls[name]).status_code
            assert status == (200 if user.edits_registry else 403), f"{role} {name} of {key}"
        assert client.get(urls["receipt"]).status_code == (200 if user.records_receipts else 403)


@pytest.mark.parametrize("role", ROLES)
def test_export_holds_only_the_roles_people(client, world, role):
    response = _client(client, world, role).get(reverse("person_export"))
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    header = next(r for r in sheet.iter_rows(values_only=True) if r and r[0] == "STT")
    rows = [r for r in sheet.iter_rows(values_only=True) if r and isinstance(r[0], int)]
    names = {r[header.index("Họ và tên")] for r in rows}
    expected = {world["people"][k].full_name for k in VISIBLE[role]}
    assert names == expected
    # Filtering by a commune outside the scope does not widen it.
    outside = client.get(reverse("person_export"), {"commune": HANOI})
    if outside.status_code == 200:
        sheet = load_workbook(BytesIO(outside.content)).active
        assert not any(r and r[1] == "Nguyễn Thị Hà" for r in sheet.iter_rows(values_only=True))


@pytest.mark.parametrize("role", ROLES)
def test_counts_are_the_roles_own(client, world, role):
    client = _client(client, world, role)
    n = len(VISIBLE[role])
    figures = client.get(reverse("home")).context["figures"]
    assert figures["vsi_active"] == n
    assert figures["receipts_month"] == n
    results = client.get(reverse("person_search"), {"q": "nguyen"}).context["results"]
    assert _keys(world, results) == VISIBLE[role]
    listing = client.get(reverse("participant_list")).context["page"]
    assert listing.paginator.count == n


@pytest.mark.parametrize("role", ROLES)
def test_cccd_masked_for_roles_that_do_not_need_it(client, world, role):
    client = _client(client, world, role)
    person = world["people"]["mine"]
    full, masked = person.cccd, person.cccd[:3] + "*" * 7 + person.cccd[-2:]
    shown = full if role in FULL_CCCD else masked
    hidden = masked if role in FULL_CCCD else full
    detail = client.get(reverse("person_detail", args=[person.pk])).content.decode()
    assert f'data-testid="cccd">{shown}<' in detail
    assert hidden not in detail
    search = client.get(reverse("person_search"), {"q": "nguyen van minh"}).content.decode()
    assert shown in search and hidden not in search
    export = load_workbook(BytesIO(client.get(reverse("person_export")).content)).active
    cells = {c for r in export.iter_rows(values_only=True) for c in r}
    assert shown in cells and hidden not in cells
    # Searching by the full number finds the person, and still shows the number as the role may.
    by_number = client.get(reverse("person_search"), {"q": full}).content.decode()
    table = re.search(r'<table[^>]*data-testid="results".*?</table>', by_number, re.S).group(0)
    assert person.full_name in table and shown in table and hidden not in table


def _audit(instance, action):
    return AuditEntry.objects.filter(
        model=instance._meta.label_lower, object_id=str(instance.pk), action=action
    )


def test_audit_log_records_who_when_before_after(client, world):
    official = world["users"]["official"]
    client.force_login(official)
    person = world["people"]["lai_vung"]
    started = AuditEntry.objects.count()

    # A person edit: who, when, the phone before and after.
    form = {
        "full_name": person.full_name,
        "birth_date": person.birth_date.isoformat(),
        "sex": person.sex,
        "cccd": person.cccd,
        "si_code": person.si_code,
        "phone": "0987654321",
        "ethnicity": person.ethnicity,
        "commune": person.commune_id,
        "hamlet": person.hamlet_id,
        "address": "",
    }
    response = client.post(reverse("person_edit", args=[person.pk]), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = _audit(person, AuditEntry.Action.UPDATE).get()
    assert entry.user == official
    assert (TODAY - entry.at.date()).days <= 1
    assert entry.before["phone"] == person.phone and entry.after["phone"] == "0987654321"

    # An enrolment (a new person, registered and enrolled through the pages).
    newcomer = make_person(world["office"], "Lê Văn Mới")
    response = client.post(
        reverse("vsi_enrol", args=[newcomer.pk]),
        {"income": "2000000", "method": "3", "lump_years": "0", "start": TODAY.isoformat()},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    vsi = VsiEnrolment.objects.get(person=newcomer)
    entry = _audit(vsi, AuditEntry.Action.CREATE).get()
    assert entry.user == official and entry.before is None
    assert entry.after["income"] == 2_000_000 and entry.after["person"] == newcomer.pk

    # A receipt: the receipt created, the enrolment's paid-through month before and after.
    response = client.post(
        reverse("vsi_receipt", args=[vsi.pk]),
        {"number": "AUD-1", "paid_on": TODAY.isoformat(), "months": "3"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    receipt = Receipt.objects.get(number="AUD-1")
    entry = _audit(receipt, AuditEntry.Action.CREATE).get()
    assert entry.user == official and entry.after["months"] == 3
    moved = _audit(vsi, AuditEntry.Action.UPDATE).get()
    assert moved.user == official
    assert moved.before["paid_through"] is None
    assert moved.after["paid_through"] == add_months(vsi.start_month, 2).isoformat()
    assert AuditEntry.objects.count() > started
    # The person's page shows the history.
    page = client.get(reverse("person_detail", args=[person.pk])).content.decode()
    assert official.full_name in page


def test_login_is_locked_after_five_failures(client, world):
    url = reverse("login")
    for attempt in range(1, 6):
        response = client.post(url, {"username": "official", "password": "wrong"})
        if attempt < 5:
            assert response.status_code == 200
            assert "_auth_user_id" not in client.session
    assert response.status_code in (403, 429), response.status_code
    # Locked: the right password is refused too.
    response = client.post(url, {"username": "official", "password": "pw"})
    assert response.status_code in (403, 429)
    assert "_auth_user_id" not in client.session
    # Other users (same address) still log in: the lock is per username and address.
    response = client.post(url, {"username": "manager", "password": "pw"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world["users"]["manager"].pk)


# -- offices that once served a commune, the dashboard's on-time rate, the admin site ------
# Scope holds on the paths the first scope tests did not walk: an office that once
# served a commune, targets and campaigns of another office, the dashboard's on-time rate.

# -- an office that once served (or shares) a commune is not the user's office ------------


@pytest.fixture
def neighbour(office, users):
    """Phong Hòa's office, which served Hòa Long from 2010 to 2014, and its target."""
    from ansinh.places.models import Office, OfficeArea
    from ansinh.targets import services
    from ansinh.targets.choices import Metric
    from tests.factories import HOA_LONG, PHONG_HOA

    other = Office.objects.create(code="NEIGHBOUR", kind=Office.Kind.BASE, province_id="82")
    OfficeArea.objects.create(office=other, commune_id=PHONG_HOA, valid_from=date(2015, 1, 1))
    OfficeArea.objects.create(
        office=other, commune_id=HOA_LONG, valid_from=date(2010, 1, 1), valid_to=date(2014, 12, 31)
    )
    target = services.set_target(users["admin"], other, date.today().year, Metric.VSI, 100)
    return other, target


@pytest.mark.parametrize("role", ["manager", "official", "leader"])
def test_an_office_that_once_served_a_commune_stays_out_of_scope(client, users, neighbour, role):
    from ansinh.targets.models import TargetShare
    from ansinh.targets.queries import visible_offices
    from tests.factories import PHONG_HOA

    other, target = neighbour
    user = users[role]
    assert other not in visible_offices(user)
    client.force_login(user)
    for name in ("target_index", "campaign_list", "dashboard", "leaderboard", "activity_list"):
        response = client.get(reverse(name), {"office": other.pk})
        assert response.status_code == 404, f"{role} {name}: {response.status_code}"
    assert client.get(reverse("target_detail", args=[target.pk])).status_code == 404
    response = client.post(
        reverse("target_detail", args=[target.pk]),
        {"level": "commune", f"commune-u_{PHONG_HOA}": 5},
    )
    assert response.status_code == 404
    assert not TargetShare.objects.filter(target=target).exists()


def test_the_province_sees_every_office_of_the_province(users, neighbour):
    from ansinh.targets.queries import visible_offices

    other, _target = neighbour
    assert other in visible_offices(users["admin"])
    assert {o.code for o in visible_offices(users["admin"])} >= {"NEIGHBOUR"}


def test_dashboard_on_time_rate_is_the_offices_not_the_provinces(office, users, neighbour):
    """The province looking at one office's dashboard sees that office's on-time rate."""
    from ansinh.collection.cycle import issue_cycle
    from ansinh.collection.models import Collector, Organisation
    from ansinh.enrolment import services as enrolment
    from ansinh.enrolment.models import VsiEnrolment
    from ansinh.reports.queries import _on_time
    from ansinh.rules.months import Month
    from tests.factories import PHONG_HOA, make_person

    other, _target = neighbour
    org = Organisation.objects.create(code="BD-PH", name="Bưu điện Phong Hòa", office=other)
    thu = Collector.objects.create(
        organisation=org, code="C-PH", full_name="Mai Văn Thu", commune_id=PHONG_HOA
    )
    enrolments = {}
    for key, o, kw in (
        ("mine", office, {"collector": office.collector}),
        ("theirs", office, {"collector": thu, "commune": PHONG_HOA, "hamlet": None}),
    ):
        person = make_person(o, f"Người {key}", **kw)
        enrolments[key] = VsiEnrolment.objects.create(
            person=person,
            start_month=date(2024, 1, 1),
            income=2_000_000,
            method="1",
            paid_through=date(2026, 10, 1),
            status="active",
            status_since=date(2024, 1, 1),
        )
    issue_cycle(office.office, Month(2026, 10))
    issue_cycle(other, Month(2026, 10))
    # Only the neighbour's participant pays November on time.
    enrolment.record_vsi_receipt(
        users["admin"],
        enrolments["theirs"],
        enrolment.ReceiptInput(number="OT-1", paid_on=date(2026, 11, 5), months=1),
    )
    rate, month = _on_time(users["admin"], office.office, date(2026, 12, 15))
    assert month == date(2026, 11, 1)
    assert rate == 0  # Hòa Long's one participant did not pay; 50 would be the province's
    rate, _month = _on_time(users["admin"], other, date(2026, 12, 15))
    assert rate == 100


def test_admin_site_lists_only_the_staff_members_people(client, users, office):
    """A staff account given the admin's view permissions still sees only its scope there."""

    from ansinh.enrolment import services as enrolment
    from tests.factories import make_person

    admin = users["admin"]  # provincial administrator, staff, province 82
    admin.user_permissions.add(
        *Permission.objects.filter(
            codename__in=[
                "view_person",
                "view_household",
                "view_vsienrolment",
                "view_hienrolment",
                "view_receipt",
            ]
        )
    )
    inside = make_person(office, "Nguyễn Văn Trong")
    outside = make_person(office, "Nguyễn Thị Ngoài", commune="00070", hamlet=None)  # Hà Nội
    root = type(admin).objects.create_superuser("root2", password="pw")
    for n, person in enumerate((inside, outside)):
        vsi = enrolment.enrol_vsi(root, person, 2_000_000, "1", date.today().replace(day=1))
        enrolment.record_vsi_receipt(
            root, vsi, enrolment.ReceiptInput(number=f"ADM-{n}", paid_on=date.today(), months=1)
        )
    client.force_login(admin)
    pages = {
        "person": (inside.full_name, outside.full_name),
        "household": (inside.household.code, outside.household.code),
        "vsienrolment": (inside.full_name, outside.full_name),
        "receipt": ("ADM-0", "ADM-1"),
    }
    for model, (seen, hidden) in pages.items():
        app = "registry" if model in ("person", "household") else "enrolment"
        page = client.get(f"/admin/{app}/{model}/")
        assert page.status_code == 200, model
        html = page.content.decode()
        assert seen in html and hidden not in html, model
    detail = client.get(f"/admin/registry/person/{outside.pk}/change/")
    assert detail.status_code in (302, 404)
