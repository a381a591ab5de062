"""Scope, URL by URL (issue 13 item 4): every URL pattern of the project, for every role.

`TABLE` maps each URL name to the ways it is requested (`Use`): the kind of row its path or
query names, how to build the request for one row of that kind, whom the page serves, and
what an in-scope list or export must show. For each role of the world of
tests/test_scope_table.py (extended below with enrolments, receipts, cycle entries, campaign
groups and days, notices, and an organisation, a collector, a run and an import in Hà Nội):

* every row of the kind OUTSIDE the role's scope is refused: 404 (or 403 where the page is
  refused to the role before it looks at the row; 400 for a row named in a form's choices or
  in an API body, which the form or the API reports as unknown) and nothing is written;
* every row INSIDE it opens (the statuses of `ok`), or is refused with 403 to a role the
  page does not serve;
* lists, exports and API lists show exactly the scoped rows: the people named in the page,
  the file or the JSON are the role's people (`shows`), and the counts match (`counts`);
* an anonymous request is sent to the login page (the API answers 401/403).

What a role sees of each kind is the table of tests/test_scope_table.py (`SEES`), which checks
`restrict` itself; this file checks that every URL goes through it. A URL added to urls.py
without a row in `TABLE` (or in `PUBLIC`, with the reason it needs none) fails
`test_every_url_is_in_the_table`.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from io import BytesIO

import pytest
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook

from ansinh.campaigns.models import Group, LaunchDay, Visit
from ansinh.collection.choices import ListKind
from ansinh.collection.models import (
    Collector,
    CycleEntry,
    CycleRun,
    NonPaymentReason,
    Notice,
    Organisation,
    ReceiptImport,
)
from ansinh.collection.services import is_office_staff
from ansinh.enrolment import services as enrolment
from ansinh.enrolment.models import Receipt
from ansinh.registry.models import Person
from ansinh.risk.models import RiskModel
from tests.test_scope_table import HANOI, MONTH, SEES, TODAY, table_world  # noqa: F401

User = get_user_model()

#: The roles of the table (the superuser sees everything: nothing is outside its scope).
ROLES = ["admin", "parent_mgr", "manager", "official", "postmgr", "collector", "leader"]
ROLES += ["no_office"]  # an account with a role and no office: everything is outside

#: Kinds whose rows follow a person: the person's household, enrolment, receipt, list entry.
PERSON_KINDS = ("households", "enrolments", "receipts", "entries", "due_entries")
#: Campaign groups (and their launch days) are seen by their commune.
GROUPS_SEEN = {
    "admin": "child parent",
    "parent_mgr": "child parent",
    "manager": "child",
    "official": "child",
    "postmgr": "",
    "collector": "",
    "leader": "child",
    "no_office": "",
}


def sees(role: str, kind: str) -> set[str]:
    """The keys of the rows of `kind` that `role` sees."""
    if kind in PERSON_KINDS:
        kind = "people"
    if kind in ("groups", "days"):
        return set(GROUPS_SEEN[role].split())
    if kind == "notices":
        return {role}
    return set(SEES[role][kind].split())


# -- the world -----------------------------------------------------------------------------


@pytest.fixture
def url_world(table_world, office):  # noqa: F811
    """table_world, with every row a URL names: each person enrolled in VSI with a receipt
    and on the unpaid list of their office's run; a campaign group and launch day per office;
    a notice per user; and Hà Nội's organisation, collector, run and import."""
    w = table_world
    rows, users = w["rows"], w["users"]
    root = users["root"]
    far = rows["offices"]["far"]
    far_post = Organisation.objects.create(code="BD-HN", name="Bưu điện Hoàn Kiếm", office=far)
    rows["organisations"]["far_post"] = far_post
    rows["collectors"]["c_far"] = Collector.objects.create(
        organisation=far_post, code="C-HN", full_name="Lý Văn Hà", commune_id=HANOI
    )
    rows["runs"]["far"] = CycleRun.objects.create(office=far, month=MONTH)
    rows["imports"]["by_far"] = ReceiptImport.objects.create(
        organisation=far_post, office=far, uploaded_by=root, file_name="f.csv", sha256="0"
    )
    run_of = {run.office_id: run for run in rows["runs"].values()}
    office_of = {"hanoi": far, "ph": rows["offices"]["parent"]}
    for kind in PERSON_KINDS:
        rows[kind] = {}
    for n, (key, person) in enumerate(sorted(rows["people"].items())):
        vsi = enrolment.enrol_vsi(root, person, 2_000_000, "1", MONTH)
        receipt = enrolment.record_vsi_receipt(
            root, vsi, enrolment.ReceiptInput(number=f"U-{n}", paid_on=TODAY, months=1)
        )
        rows["households"][key] = person.household
        rows["enrolments"][key] = vsi
        rows["receipts"][key] = receipt
        at = office_of.get(key, rows["offices"]["child"])
        for kind, list_kind in (("entries", ListKind.UNPAID), ("due_entries", ListKind.DUE)):
            rows[kind][key] = _entry(run_of, at, list_kind, person, vsi)
    communes = {"child": "30208", "parent": "30235", "far": HANOI}
    rows["groups"], rows["days"] = {}, {}
    for key, campaign in rows["campaigns"].items():
        group = Group.objects.create(campaign=campaign, commune_id=communes[key], name=key)
        rows["groups"][key] = group
        rows["days"][key] = LaunchDay.objects.create(group=group, date=TODAY, place="Nhà văn hóa")
    rows["notices"] = {
        role: Notice.objects.create(user=users[role], text=f"Nhắc {role}") for role in ROLES
    }
    rows["risk_models"] = {
        key: RiskModel.objects.create(
            office=o,
            as_of=TODAY,
            window_start=MONTH,
            window_end=MONTH,
            horizon_months=2,
            rows=10,
            positives=1,
            features=[],
            coefficients={},
            intercept={},
            means={},
            scales={},
        )
        for key, o in rows["offices"].items()
    }
    w["office"] = office
    w["run_of"] = run_of
    return w


def _entry(run_of, office, kind, person, vsi) -> CycleEntry:
    """The person on a list of their office's run, as the cycle freezes them."""
    collector = person.collector
    return CycleEntry.objects.create(
        run=run_of[office.pk],
        kind=kind,
        person=person,
        enrolment=vsi,
        organisation_id=collector.organisation_id if collector else None,
        collector=collector,
        commune_id=person.commune_id,
        hamlet_id=person.hamlet_id,
        full_name=person.full_name,
        si_code=person.si_code,
        status="active",
        income=2_000_000,
        method="1",
        period_months=1,
        paid_through=MONTH,
        period_start=MONTH,
        deadline=MONTH,
        months_to_pay=1,
    )


# -- the table -----------------------------------------------------------------------------


def everyone(user) -> bool:
    return True


def records_receipts(user) -> bool:
    return user.records_receipts


def edits_registry(user) -> bool:
    return user.edits_registry


@dataclass(frozen=True)
class Use:
    """One way of requesting a URL.

    `kind`: the kind of row the request names (None: a page about no one row, built from
    the world alone). `url(row, world)` (or `url(world)`) builds the path and query;
    `data(row, world)` the POST body (`method="post"`; `json=True` sends it as JSON).
    `may(user)`: whom the page serves (the others get 403, or are sent on: `refused`).
    `ok`: the statuses for an in-scope row. `outside`: the statuses for a row out of scope.
    `shows(world, role)`: the keys of the people the response must name (exactly those of
    the world's people; `exact=False`: at most those; `named=False`: it only counts them).
    `counts(response)`: a count the
    response shows, to equal the number of `shows`.
    `heavy`: rendered for one in-scope row only (PDF and Word files).
    """

    kind: str | None
    url: Callable
    method: str = "get"
    data: Callable | None = None
    json: bool = False
    may: Callable = everyone
    ok: frozenset = frozenset({200})
    refused: frozenset = frozenset({403})
    outside: frozenset = frozenset({403, 404})
    shows: Callable | None = None
    named: bool = True
    exact: bool = True
    counts: Callable | None = None
    heavy: bool = False
    api: bool = False
    extra: dict = field(default_factory=dict)


def _r(name, *args, query=""):
    return reverse(name, args=args) + (f"?{query}" if query else "")


def by_pk(name, query=""):
    return lambda row, w: _r(name, row.pk, query=query)


def for_office(name, query=""):
    """A page about an office, chosen with ?office=."""
    return lambda office, w: _r(name, query=f"office={office.pk}" + (f"&{query}" if query else ""))


def people_of(role_kind="people"):
    """The people a role sees (for a list of every one of them)."""
    return lambda w, role, row: sees(role, role_kind)


#: The office each person of the world is served by.
OFFICE_OF_PERSON = {"hl_post": "child", "hl_viettel": "child", "lv": "child", "ph": "parent"}
OFFICE_OF_PERSON["hanoi"] = "far"


def people_of_office(w, role, office):
    """The people of an office (?office=) that the role sees."""
    key = next(k for k, o in w["rows"]["offices"].items() if o.pk == office.pk)
    return {k for k in sees(role, "people") if OFFICE_OF_PERSON[k] == key}


def people_of_day(w, role, day):
    """The people of a launch day's commune that the role sees."""
    people = w["rows"]["people"]
    return {k for k in sees(role, "people") if people[k].commune_id == day.group.commune_id}


def _vsi_count(response):
    return response.context["f"].vsi.count


def _vsi_count_in_file(response):
    sheet = load_workbook(BytesIO(response.content)).active
    whole = next(r for r in sheet.iter_rows(values_only=True) if r and r[0] == "Toàn đơn vị")
    return whole[3]


def _run_people(run_key, kind="entries"):
    """The people on a run's unpaid (or due: `due_entries`) list whom the role sees."""

    def shown(w, role, row):
        run = w["rows"]["runs"][run_key]
        on_run = {k for k, e in w["rows"][kind].items() if e.run_id == run.pk}
        return on_run & sees(role, kind)

    return shown


def _office_staff(user) -> bool:
    return is_office_staff(user)


def _paginator_count(response):
    return response.context["page"].paginator.count


def _api_count(response):
    return response.json()["count"]


def _home_count(response):
    figures = response.context["figures"]
    assert figures["vsi_active"] == figures["receipts_month"]
    return figures["vsi_active"]


def _run_of_org(org, w):
    return w["run_of"][org.office_id]


def _run_of_collector(collector, w):
    return w["run_of"][collector.organisation.office_id]


_RECEIPT_POST = {"number": "X-OUT", "paid_on": TODAY.isoformat(), "months": "1"}

TABLE: dict[str, list[Use]] = {
    # -- home, registry --------------------------------------------------------------------
    # a fresh CSRF token for the phone's kept pages: the user's own session, no row
    "offline_token": [Use(None, lambda w: _r("offline_token"))],
    # the home page counts the role's participants and receipts; it names no one
    "home": [Use(None, lambda w: _r("home"), shows=people_of(), named=False, counts=_home_count)],
    "person_search": [
        Use(None, lambda w: _r("person_search", query="q=nguyen"), shows=people_of()),
    ],
    "person_create": [Use(None, lambda w: _r("person_create"), may=edits_registry)],
    "person_edit": [
        Use("people", by_pk("person_edit"), may=edits_registry),
        Use(
            "people",
            by_pk("person_edit"),
            method="post",
            data=lambda p, w: {"full_name": "Hacked"},
            may=edits_registry,
        ),
    ],
    "compulsory_add": [Use("people", by_pk("compulsory_add"), may=edits_registry)],
    "support_add": [Use("people", by_pk("support_add"), may=edits_registry)],
    "household_detail": [Use("households", by_pk("household_detail"))],
    "person_detail": [Use("people", by_pk("person_detail"))],
    # -- enrolment -------------------------------------------------------------------------
    "participant_list": [
        Use(None, lambda w: _r("participant_list"), shows=people_of(), counts=_paginator_count),
        # a commune outside the scope does not widen it (the filter is dropped, or finds no one)
        Use(
            None,
            lambda w: _r("participant_list", query=f"commune={HANOI}"),
            shows=people_of(),
            exact=False,
        ),
    ],
    "person_export": [Use(None, lambda w: _r("person_export"), shows=people_of())],
    "vsi_enrol": [Use("people", by_pk("vsi_enrol"), may=edits_registry)],
    "vsi_quote_live": [Use("people", by_pk("vsi_quote_live", "income=2000000"))],
    "vsi_receipt": [
        Use("enrolments", by_pk("vsi_receipt"), may=records_receipts),
        Use(
            "enrolments",
            by_pk("vsi_receipt"),
            method="post",
            data=lambda e, w: _RECEIPT_POST,
            may=records_receipts,
            ok={200, 302},
        ),
    ],
    "vsi_receipt_quote": [Use("enrolments", by_pk("vsi_receipt_quote", "months=1"))],
    "hi_enrol": [Use("households", by_pk("hi_enrol"), may=edits_registry)],
    "hi_receipt": [Use("households", by_pk("hi_receipt"), may=records_receipts)],
    "receipt_detail": [Use("receipts", by_pk("receipt_detail"))],
    # -- counselling -----------------------------------------------------------------------
    "counsel": [
        Use(None, lambda w: _r("counsel")),
        # ?person= outside the scope quotes for no one: the page does not name them
        Use("people", lambda p, w: _r("counsel", query=f"person={p.pk}"), outside={200}),
    ],
    "counsel_pdf": [Use(None, lambda w: _r("counsel_pdf"), ok={400}, heavy=True)],
    "person_counsel": [
        Use("people", by_pk("person_counsel")),
        Use("people", by_pk("person_counsel", "format=pdf"), heavy=True),
    ],
    # -- collection ------------------------------------------------------------------------
    "collection_home": [
        Use(
            None,
            lambda w: _r("collection_home"),
            may=_office_staff,
            refused={302},  # collection staff are sent to their own lists
        )
    ],
    "collection_org_new": [Use(None, lambda w: _r("collection_org_new"), may=_office_staff)],
    "collection_organisation": [Use("organisations", by_pk("collection_organisation"))],
    "collection_reassign": [
        Use("collectors", by_pk("collection_reassign"), may=_office_staff),
    ],
    "collection_issue": [
        Use(
            None,
            lambda w: _r("collection_issue"),
            method="post",
            data=lambda w: {"month": f"{MONTH:%Y-%m}"},
            may=lambda u: _office_staff(u) and u.office_id is not None,
            ok={302},
        )
    ],
    "collection_cycle": [Use("runs", by_pk("collection_cycle"))],
    "collection_download": [
        Use("runs", lambda run, w: _r("collection_download", run.pk, "unpaid")),
        Use(
            "organisations",
            lambda o, w: _r(
                "collection_download", _run_of_org(o, w).pk, "unpaid", query=f"organisation={o.pk}"
            ),
        ),
        Use(
            "collectors",
            lambda c, w: _r(
                "collection_download",
                _run_of_collector(c, w).pk,
                "unpaid",
                query=f"collector={c.pk}",
            ),
        ),
        Use(
            None,
            lambda w: _r("collection_download", w["rows"]["runs"]["child"].pk, "unpaid"),
            may=lambda u: bool(sees(u._role, "runs") & {"child"}),
            refused={404},
            shows=_run_people("child"),
        ),
    ],
    "collection_unpaid": [
        Use("runs", by_pk("collection_unpaid")),
        Use(
            "organisations",
            lambda o, w: _r(
                "collection_unpaid", _run_of_org(o, w).pk, query=f"organisation={o.pk}"
            ),
        ),
        Use(
            None,
            lambda w: _r("collection_unpaid", w["rows"]["runs"]["child"].pk),
            may=lambda u: bool(sees(u._role, "runs") & {"child"}),
            refused={404},
            shows=_run_people("child"),
        ),
    ],
    "collection_due": [
        Use("runs", by_pk("collection_due")),
        Use(
            "organisations",
            lambda o, w: _r("collection_due", _run_of_org(o, w).pk, query=f"organisation={o.pk}"),
        ),
        Use(
            None,
            lambda w: _r("collection_due", w["rows"]["runs"]["child"].pk, query="sort=risk"),
            may=lambda u: bool(sees(u._role, "runs") & {"child"}),
            refused={404},
            shows=_run_people("child", "due_entries"),
        ),
    ],
    "collection_reason": [
        Use(
            "entries",
            by_pk("collection_reason"),
            method="post",
            data=lambda e, w: {"code": "no_money", "note": ""},
            ok={302},
        )
    ],
    "collection_visit": [
        Use(
            "entries",
            by_pk("collection_visit"),
            method="post",
            data=lambda e, w: {"official": "", "due_on": ""},
            may=_office_staff,
            ok={302},
        )
    ],
    "collection_my_list": [Use(None, lambda w: _r("collection_my_list"))],
    "collection_my_visits": [Use(None, lambda w: _r("collection_my_visits"))],
    "collection_import_new": [
        Use(None, lambda w: _r("collection_import_new"), may=records_receipts),
        Use(
            "runs",
            lambda run, w: _r("collection_import_new", query=f"kind=reasons&run={run.pk}"),
            may=records_receipts,
        ),
    ],
    "collection_import": [Use("imports", by_pk("collection_import"))],
    "collection_import_template": [
        Use(None, lambda w: _r("collection_import_template", "receipts", "csv")),
        Use(None, lambda w: _r("collection_import_template", "reasons", "xlsx")),
    ],
    "collection_measures": [Use(None, lambda w: _r("collection_measures"))],
    "collection_official_list": [
        Use(None, lambda w: _r("collection_official_list")),
        Use(
            None,
            lambda w: _r(
                "collection_official_list",
                query=f"kind=d05&start={MONTH}&end={TODAY}&download=1",
            ),
            shows=people_of(),
        ),
        # an organisation outside the scope is not among the form's choices
        Use(
            "organisations",
            lambda o, w: _r(
                "collection_official_list",
                query=f"kind=d05&start={MONTH}&end={TODAY}&organisation={o.pk}&download=1",
            ),
            outside={400},
        ),
    ],
    "collection_notice_read": [
        Use("notices", by_pk("collection_notice_read"), method="post", data=lambda n, w: {}),
    ],
    # -- the API ---------------------------------------------------------------------------
    # which runs: test_the_api_lists_the_roles_cycles
    "api_cycles": [Use(None, lambda w: _r("api_cycles"), api=True)],
    "api_cycle_entries": [
        Use("runs", by_pk("api_cycle_entries"), api=True),
        Use(
            "collectors",
            lambda c, w: _r(
                "api_cycle_entries", _run_of_collector(c, w).pk, query=f"collector={c.code}"
            ),
            api=True,
        ),
        Use(
            None,
            lambda w: _r("api_cycle_entries", w["rows"]["runs"]["child"].pk, query="kind=unpaid"),
            may=lambda u: bool(sees(u._role, "runs") & {"child"}),
            refused={404},
            shows=_run_people("child"),
            counts=_api_count,
            api=True,
        ),
    ],
    "api_receipts": [
        # a person outside the scope is unknown to the API (400), and nothing is recorded
        Use(
            "people",
            lambda p, w: _r("api_receipts"),
            method="post",
            json=True,
            data=lambda p, w: {
                "si_code": p.si_code,
                "number": f"API-{p.pk}",
                "paid_on": TODAY.isoformat(),
                "months": 1,
                "amount": 1,
            },
            ok={400, 403},  # in scope: the amount is wrong; or the role records no receipts
            outside={400, 403},
            api=True,
        )
    ],
    "api_reasons": [
        Use(
            "runs",
            lambda run, w: _r("api_reasons"),
            method="post",
            json=True,
            data=lambda run, w: {"cycle": run.pk, "si_code": "0000000000", "code": "no_money"},
            ok={400},  # in scope: no such person on the list
            outside={400, 403},
            api=True,
        ),
        Use(
            "entries",
            lambda e, w: _r("api_reasons"),
            method="post",
            json=True,
            data=lambda e, w: {"cycle": e.run_id, "si_code": e.si_code, "code": "no_money"},
            ok={201, 400},
            outside={400, 403},
            api=True,
        ),
    ],
    # -- targets ---------------------------------------------------------------------------
    "office_detail": [
        Use(None, lambda w: _r("office_detail"), may=lambda u: u.office_id is not None),
    ],
    "target_index": [Use("offices", for_office("target_index"))],
    "target_detail": [Use("targets", by_pk("target_detail"))],
    "population_template": [
        Use("offices", for_office("population_template")),
        Use("offices", for_office("population_template", "level=hamlet&format=csv")),
    ],
    "population_upload": [
        Use(
            "offices",
            lambda o, w: _r("population_upload"),
            method="post",
            data=lambda o, w: {"office": o.pk},
            ok={302},
        )
    ],
    # -- campaigns -------------------------------------------------------------------------
    "campaign_list": [Use("offices", for_office("campaign_list"))],
    "campaign_ranking": [Use("offices", for_office("campaign_ranking"))],
    "campaign_create": [Use("offices", for_office("campaign_create"))],
    "campaign_detail": [Use("campaigns", by_pk("campaign_detail"))],
    "group_create": [Use("campaigns", by_pk("group_create"))],
    "day_create": [Use("groups", by_pk("day_create"))],
    "day_detail": [Use("days", by_pk("day_detail"))],
    "day_report": [
        Use("days", lambda d, w: _r("day_report", d.pk, "txt")),
        Use("days", lambda d, w: _r("day_report", d.pk, "docx"), heavy=True),
        Use("days", lambda d, w: _r("day_report", d.pk, "pdf"), heavy=True),
    ],
    "visit_log": [Use("days", by_pk("visit_log"))],
    # the registered people of the day's commune (to pick, or kept on the phone): the role's
    "people_pick": [Use("days", by_pk("people_pick", "q=nguyen"), shows=people_of_day)],
    "people_day": [Use("days", by_pk("people_day"), shows=people_of_day)],
    "visit_sync": [
        # a launch day outside the scope is refused (403) and no visit is written
        Use(
            "days",
            lambda d, w: _r("visit_sync"),
            method="post",
            json=True,
            data=lambda d, w: {
                "uuid": f"7c4d7a1e-0000-4000-8000-{d.pk:012d}",
                "day": d.pk,
                "outcome": "met",
                "met_name": "Hộ ông Tư",
            },
            ok={400},  # in scope: the group has no member to credit
            outside={403},
        )
    ],
    "activity_list": [
        Use("offices", for_office("activity_list")),
        Use("offices", for_office("activity_list", "format=xlsx")),
    ],
    "prospects": [
        Use(None, lambda w: _r("prospects")),
        Use(None, lambda w: _r("prospects", query="list=left_job")),
        Use(None, lambda w: _r("prospects", query="list=near_pension")),
    ],
    # -- reports ---------------------------------------------------------------------------
    # the office's VSI participants: the role's people of that office
    "dashboard": [
        Use(
            "offices",
            for_office("dashboard"),
            shows=people_of_office,
            named=False,
            counts=_vsi_count,
        )
    ],
    "dashboard_export": [
        Use(
            "offices",
            for_office("dashboard_export"),
            shows=people_of_office,
            named=False,
            counts=_vsi_count_in_file,
        )
    ],
    "period_report": [
        Use("offices", for_office("period_report")),
        Use("offices", for_office("period_report", "format=pdf"), heavy=True),
    ],
    "leaderboard": [
        Use("offices", for_office("leaderboard")),
        Use("offices", for_office("leaderboard", "format=xlsx")),
    ],
    # -- lapse risk ------------------------------------------------------------------------
    # which offices' models: test_the_risk_page_shows_the_roles_offices
    "risk_models": [Use(None, lambda w: _r("risk_models"), may=_office_staff)],
    # -- look-up ---------------------------------------------------------------------------
    "lookup_qr": [
        # it draws the code in its URL as a QR code and reads no row: nothing to scope
        Use(None, lambda w: _r("lookup_qr", w["rows"]["people"]["hanoi"].si_code)),
    ],
}

#: URLs that need no scope, with the reason.
PUBLIC = {
    "login": "the login form",
    "logout": "ends the session",
    "set_language": "Django's language switch (a cookie, no row)",
    "lookup": "the public look-up: a participant's own code and birth date (rate-limited)",
    "service_worker": "the service worker's script (static files and page names, no rows)",
    "offline": "the page a phone shows offline for a page it never kept (no user's data)",
    "schema": "the API's OpenAPI description: endpoints and fields, no rows",
    "api_docs": "Swagger UI over the schema (no rows)",
    "api_redoc": "Redoc over the schema (no rows)",
}
#: URL namespaces left out, with the reason.
EXEMPT_NAMESPACES = {
    "admin": "the admin's querysets go through the audited admin base, scoped by restrict "
    "(tests/test_scope_table.py::test_admin_site_lists_only_the_staff_members_people)",
}


def _url_names(resolver=None, namespace=None):
    """(name, pattern) of every URL pattern, walking included resolvers."""
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from _url_names(p, p.namespace or namespace)
        elif isinstance(p, URLPattern):
            yield namespace, p.name, str(p.pattern)


def test_every_url_is_in_the_table():
    found = {name for ns, name, _p in _url_names() if ns not in EXEMPT_NAMESPACES}
    unnamed = [p for ns, name, p in _url_names() if name is None and ns not in EXEMPT_NAMESPACES]
    assert not unnamed, f"URL patterns without a name: {unnamed}"
    assert not set(TABLE) & set(PUBLIC)
    assert found - set(TABLE) - set(PUBLIC) == set(), "URLs missing from the scope table"
    assert (set(TABLE) | set(PUBLIC)) - found == set(), "names in the table that are no URL"
    assert {ns for ns, _n, _p in _url_names()} - {None} <= set(EXEMPT_NAMESPACES)


# -- requests ------------------------------------------------------------------------------


def _request(client, use: Use, url: str, body):
    if use.method == "get":
        return client.get(url)
    if use.json:
        return client.post(url, body, content_type="application/json")
    return client.post(url, body)


def _build(use: Use, row, w):
    if use.kind is None:
        url = use.url(w)
        body = use.data(w) if use.data else {}
    else:
        url = use.url(row, w)
        body = use.data(row, w) if use.data else {}
    return url, body


def _written(w) -> dict:
    """Counts of what an out-of-scope request could write."""
    return {
        "receipts": Receipt.objects.count(),
        "reasons": NonPaymentReason.objects.count(),
        "visits": Visit.objects.count(),
        "runs": CycleRun.objects.count(),
        "hacked": Person.objects.filter(full_name="Hacked").count(),
        "read": Notice.objects.filter(read_at__isnull=False).count(),
        "days": LaunchDay.objects.count(),
        "groups": Group.objects.count(),
    }


def _uses():
    for name, uses in TABLE.items():
        for n, use in enumerate(uses):
            yield f"{name}#{n}", name, use


def _login(client, w, role):
    user = w["users"][role]
    user._role = role
    client.force_login(user)
    return user


def _names_in(response, w) -> set[str]:
    """The world's people a response names (in HTML, JSON or an Excel file)."""
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        sheet_text = []
        for sheet in load_workbook(BytesIO(response.content)).worksheets:
            for r in sheet.iter_rows(values_only=True):
                sheet_text.extend(str(c) for c in r if c is not None)
        text = "\n".join(sheet_text)
    elif response.get("Content-Type", "").startswith("application/json"):
        text = json.dumps(response.json(), ensure_ascii=False)
    else:
        text = response.content.decode()
    return {k for k, p in w["rows"]["people"].items() if p.full_name in text}


@pytest.mark.parametrize("role", ROLES)
def test_rows_outside_the_scope_are_refused(client, url_world, role):
    """Every URL naming a row the role does not see: 404 (403 where refused to the role
    first; 400 for a form's choice or an API body), and nothing written."""
    w = url_world
    client.raise_request_exception = False
    _login(client, w, role)
    failures = []
    for label, _name, use in _uses():
        if use.kind is None:
            continue
        for key in sorted(set(w["rows"][use.kind]) - sees(role, use.kind)):
            row = w["rows"][use.kind][key]
            url, body = _build(use, row, w)
            before = _written(w)
            response = _request(client, use, url, body)
            if response.status_code not in use.outside:
                failures.append(f"{label} {use.method} {url} ({key}): {response.status_code}")
            elif response.status_code == 200 and use.kind == "people":
                if row.full_name in response.content.decode():
                    failures.append(f"{label} {url} ({key}): names the person")
            if _written(w) != before:
                failures.append(f"{label} {use.method} {url} ({key}): wrote {_written(w)}")
    assert not failures, f"{role}:\n" + "\n".join(failures)


@pytest.mark.parametrize("role", ROLES)
def test_rows_inside_the_scope_open(client, url_world, role):
    """Every URL naming a row the role sees opens (or is refused, 403, to a role the page
    does not serve); every page about no one row answers."""
    w = url_world
    client.raise_request_exception = False
    user = _login(client, w, role)
    failures = []
    for label, _name, use in _uses():
        keys = (
            [None] if use.kind is None else sorted(sees(role, use.kind) & set(w["rows"][use.kind]))
        )
        if use.heavy:
            keys = keys[:1]
        for key in keys:
            row = None if key is None else w["rows"][use.kind][key]
            url, body = _build(use, row, w)
            response = _request(client, use, url, body)
            expected = use.ok if use.may(user) else use.refused
            if response.status_code not in expected:
                failures.append(
                    f"{label} {use.method} {url} ({key}): {response.status_code},"
                    f" expected {sorted(expected)}"
                )
    assert not failures, f"{role}:\n" + "\n".join(failures)


@pytest.mark.parametrize("role", ROLES)
def test_lists_and_exports_show_the_scoped_rows(client, url_world, role):
    """Lists, exports and API lists name exactly the role's people, and their counts agree."""
    w = url_world
    user = _login(client, w, role)
    checked = 0
    for label, _name, use in _uses():
        if use.shows is None or not use.may(user):
            continue
        keys = (
            [None] if use.kind is None else sorted(sees(role, use.kind) & set(w["rows"][use.kind]))
        )
        for key in keys:
            row = None if key is None else w["rows"][use.kind][key]
            url, body = _build(use, row, w)
            response = _request(client, use, url, body)
            assert response.status_code == 200, f"{label} {url}: {response.status_code}"
            expected = use.shows(w, role, row)
            if use.named and use.exact:
                assert _names_in(response, w) == expected, f"{label} {url} ({key})"
            elif use.named:
                assert _names_in(response, w) <= expected, f"{label} {url} ({key})"
            if use.counts is not None:
                assert use.counts(response) == len(expected), f"{label} {url} ({key}): count"
            checked += 1
    assert checked >= (4 if role == "no_office" else 8)


def test_the_api_lists_the_roles_cycles(client, url_world):
    w = url_world
    for role in ROLES:
        _login(client, w, role)
        results = client.get(_r("api_cycles")).json()["results"]
        runs = {run.pk: key for key, run in w["rows"]["runs"].items()}
        assert {runs[r["id"]] for r in results} == sees(role, "runs"), role


def _sees_an_office(user) -> bool:
    return bool(sees(user._role, "offices"))  # else "no office in your area": 404


#: Pages listing rows other than people: (URL, the context's rows, their kind, whom the page
#: serves, the rows expected of the role's; `rows` reads the context's list).
LISTED = [
    ("collection_home", lambda w: _r("collection_home"), "organisations", _office_staff, None),
    (
        "collection_import_new",
        lambda w: _r("collection_import_new"),
        "imports",
        records_receipts,
        None,
    ),
    ("dashboard", lambda w: _r("dashboard"), "offices", _sees_an_office, None),
    ("target_index", lambda w: _r("target_index"), "offices", _sees_an_office, None),
    (
        "campaign_detail",
        lambda w: _r("campaign_detail", w["rows"]["campaigns"]["child"].pk),
        "groups",
        lambda u: "child" in sees(u._role, "campaigns"),
        {"child"},
    ),
]
CONTEXT_ROWS = {
    "collection_home": "organisations",
    "collection_import_new": "recent",
    "dashboard": "offices",
    "target_index": "offices",
    "campaign_detail": "groups",
}


@pytest.mark.parametrize("role", ROLES)
def test_pages_list_the_roles_rows(client, url_world, role):
    """Organisations, imports, offices and campaign groups listed on a page: the role's."""
    w = url_world
    user = _login(client, w, role)
    for name, url, kind, may, within in LISTED:
        if not may(user):
            continue
        response = client.get(url(w))
        assert response.status_code == 200, (name, response.status_code)
        keys = {row.pk: key for key, row in w["rows"][kind].items()}
        listed = {keys[row.pk] for row in response.context[CONTEXT_ROWS[name]] if row.pk in keys}
        expected = sees(role, kind) & (within or set(keys.values()))
        assert listed == expected, name


def test_the_risk_page_shows_the_roles_offices(client, url_world):
    w = url_world
    models = {m.pk: key for key, m in w["rows"]["risk_models"].items()}
    for role in ROLES:
        user = _login(client, w, role)
        response = client.get(_r("risk_models"))
        if not _office_staff(user):
            assert response.status_code == 403, role
            continue
        shown = {models[m.pk] for m in response.context["models"]}
        assert shown == sees(role, "offices"), role


def test_anonymous_requests_go_to_the_login_page(client, url_world):
    w = url_world
    client.raise_request_exception = False
    failures = []
    login = reverse("login")
    for label, _name, use in _uses():
        row = None if use.kind is None else next(iter(w["rows"][use.kind].values()))
        url, body = _build(use, row, w)
        before = _written(w)
        response = _request(client, use, url, body)
        status = response.status_code
        if use.api or url.startswith("/api/"):
            good = status in (401, 403)
        else:
            good = status == 302 and response["Location"].startswith(login)
        if not good:
            failures.append(f"{label} {use.method} {url}: {status}")
        if _written(w) != before:
            failures.append(f"{label} {url}: wrote")
    assert not failures, "\n".join(failures)


def test_the_table_covers_every_role_and_kind(url_world):
    kinds = {use.kind for uses in TABLE.values() for use in uses} - {None}
    assert kinds <= set(url_world["rows"])
    for role in ROLES:
        for kind in kinds:
            assert sees(role, kind) <= set(url_world["rows"][kind]), (role, kind)
    # every kind has rows outside some role's scope, and every role something outside
    for kind in kinds:
        assert any(set(url_world["rows"][kind]) - sees(r, kind) for r in ROLES), kind
