"""Every page answers garbage query strings (and dates the parameters table does not
cover) with 200, 400 or 404, never a 500, for every demo role."""

from datetime import date

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.test_scope_table import ROLES, world  # noqa: F401  (the shared six-person world)

#: Names whose GET is not a page of the project.
SKIP = {"logout", "set_language"}

GARBAGE = [
    "page=abc&on=notadate&year=x&office=999999&baseline=zz&quarter=q",
    "year=0",
    "year=99999",
    "year=-3&quarter=9",
    "on=0001-01-01",
    "on=9999-12-31&baseline=0001-01-01",
    "office=abc",
    "commune=abc&hamlet=abc&vsi=abc",
    "organisation=abc&collector=abc&missing=1",
    "start=abc&end=abc&metric=zz",
    "start=0001-01-01&end=9999-12-31&metric=vsi",
    "tab=hi&members=abc&months=abc&on=x",
    "tab=job&born=13/2020&left_in=abc&compulsory_years=abc",
    "tab=vsi&income=abc&group=zz&months=7&on=0001-01-01",
    "income=99999999999999999999&months=-1",
    "list=zz&format=zz&by=zz&kind=zz&run=abc",
    # well-formed, but before the parameters table begins (an old payment date)
    "tab=vsi&income=2000000&group=other&months=1&on=1990-01-01",
    "tab=hi&members=2&months=12&on=1990-01-01",
    "tab=job&sex=F&born=1950-01&compulsory_years=10&compulsory_months=0"
    "&compulsory_salary=5000000&left_in=1990-05&income=2000000&group=other",
    "tab=job&sex=F&born=1950-01&compulsory_years=10&compulsory_months=0"
    "&compulsory_salary=5000000&left_in=1990-05&income=2000000&group=other&format=pdf",
]


def _names_without_args(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            if p.namespace == "admin" or str(p.pattern).startswith("admin/"):
                continue
            yield from _names_without_args(p)
        elif isinstance(p, URLPattern) and p.name and not p.pattern.converters:
            if "(?P<" not in str(p.pattern) and p.name not in SKIP:
                yield p.name


URL_NAMES = sorted(set(_names_without_args()))


@pytest.mark.parametrize("role", ROLES)
def test_no_page_answers_500_to_garbage(client, world, role):  # noqa: F811
    client.raise_request_exception = False
    client.force_login(world["users"][role])
    failures = []
    for name in URL_NAMES:
        url = reverse(name)
        for query in ["", *GARBAGE]:
            response = client.get(f"{url}?{query}" if query else url)
            if response.status_code >= 500:
                failures.append(f"{name}?{query}: {response.status_code}")
    assert not failures, "\n".join(failures)


def test_url_walk_covers_the_apps():
    for name in ("dashboard", "target_index", "campaign_list", "participant_list", "counsel"):
        assert name in URL_NAMES
    assert date.today()  # the walk runs on today's data


OBJECT_GARBAGE = [
    "income=abc&method=zz&lump_years=abc&start=abc",
    "income=2000000&method=7&lump_years=99&start=0001-01",
    "income=2000000&method=advance&lump_years=99",
    "paid_on=0001-01-01&months=abc",
    "paid_on=9999-12-31&months=99999",
    "months=-4&paid_on=abc",
    "income=-5&format=pdf",
    "income=99999999999999999999999&format=pdf",
    "income=2000000&method=1&start=1990-01",
    "paid_on=1990-01-01&months=1",
]


def test_person_pages_answer_garbage_without_500(client, world):  # noqa: F811
    from ansinh.enrolment.models import VsiEnrolment

    client.raise_request_exception = False
    client.force_login(world["users"]["official"])
    person = world["people"]["mine"]
    vsi = VsiEnrolment.objects.get(person=person)
    urls = [
        reverse("vsi_enrol", args=[person.pk]),
        reverse("vsi_quote_live", args=[person.pk]),
        reverse("vsi_receipt", args=[vsi.pk]),
        reverse("vsi_receipt_quote", args=[vsi.pk]),
        reverse("person_counsel", args=[person.pk]),
        reverse("person_detail", args=[person.pk]),
        reverse("household_detail", args=[person.household_id]),
        reverse("hi_enrol", args=[person.household_id]),
        reverse("hi_receipt", args=[person.household_id]),
    ]
    failures = []
    for url in urls:
        for query in OBJECT_GARBAGE:
            response = client.get(f"{url}?{query}")
            if response.status_code >= 500:
                failures.append(f"{url}?{query}: {response.status_code}")
    assert not failures, "\n".join(failures)
