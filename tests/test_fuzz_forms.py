"""The forms fuzzed with hypothesis: every field of each page's form gets random, nasty or
plausible text (dates such as 2025-13-01, formulas, huge cells, numbers of any size) and the
page answers with the form and its errors, or does what it was asked: never a 500, and when it
refuses, nothing is written (no row in the audit log, no person, enrolment or receipt).

The field names are read from the page itself (its <input>, <select> and <textarea>), so a
field added to a form is fuzzed too. `make stress` runs many more examples.
"""

import os
import re
from datetime import date

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansinh.accounts.models import AuditEntry
from ansinh.collection.cycle import issue_cycle
from ansinh.collection.forms import ReasonForm, VisitAssignForm
from ansinh.collection.models import CycleEntry, Organisation
from ansinh.enrolment.models import HiEnrolment, Receipt, VsiEnrolment
from ansinh.registry.models import Person
from tests.collection.conftest import CYCLE, cohort  # noqa: F401  (a fixture)
from tests.test_fuzz_uploads import HUGE, NASTY

pytestmark = pytest.mark.django_db
EXAMPLES = int(os.environ.get("ANSINH_FUZZ_EXAMPLES", "15"))
FUZZ = settings(
    max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
)
VALUE = st.one_of(
    st.sampled_from([n for n in NASTY if "\x00" not in n]),
    HUGE,
    st.text(alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="\x00")),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.dates(min_value=date(1, 1, 1)).map(lambda d: d.strftime("%d/%m/%Y")),
    st.sampled_from(["2025-08", "08/2025", "1", "12", "vsi", "hi", "poor", "on", "F", "M"]),
)
FIELD = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"')
SKIP = {"csrfmiddlewaretoken", "next", "language"}


def _written():
    return (
        AuditEntry.objects.count(),
        Person.objects.count(),
        VsiEnrolment.objects.count(),
        HiEnrolment.objects.count(),
        Receipt.objects.count(),
        Organisation.objects.count(),
    )


@pytest.fixture
def pages(office, cohort):  # noqa: F811
    run = issue_cycle(office.office, CYCLE).run
    person = cohort["due"].person
    unpaid = CycleEntry.objects.filter(run=run, kind="unpaid").first()
    return [
        reverse("person_create"),
        reverse("person_edit", args=[person.pk]),
        reverse("compulsory_add", args=[person.pk]),
        reverse("support_add", args=[person.pk]),
        reverse("vsi_enrol", args=[cohort["stopped"].person.pk]),
        reverse("vsi_receipt", args=[cohort["due"].pk]),
        reverse("hi_enrol", args=[person.household_id]),
        reverse("hi_receipt", args=[person.household_id]),
        reverse("collection_org_new"),
        # posted from the unpaid list's rows: the fields are the forms'
        (reverse("collection_reason", args=[unpaid.pk]), list(ReasonForm.base_fields)),
        (reverse("collection_visit", args=[unpaid.pk]), list(VisitAssignForm.base_fields)),
        reverse("collection_reassign", args=[office.collector.pk]),
        reverse("campaign_create"),
        reverse("activity_list"),
    ]


def test_forms_answer_random_input_without_a_500_and_write_nothing_they_refuse(
    client, users, pages
):
    client.force_login(users["manager"])
    tried = 0

    def fuzz(url, names):
        @FUZZ
        @given(st.fixed_dictionaries({n: VALUE for n in names}))
        def post(data):
            nonlocal tried
            tried += 1
            before = _written()
            response = client.post(url, data)
            assert response.status_code in (200, 302, 400, 403, 404), (url, response.status_code)
            if response.status_code != 302:
                assert _written() == before, (url, data)

        post()

    for url in pages:
        url, names = url if isinstance(url, tuple) else (url, None)
        if names is None:
            page = client.get(url)
            assert page.status_code == 200, url
            names = sorted(set(FIELD.findall(page.content.decode())) - SKIP)
        assert names, f"{url} shows a form"

        fuzz(url, names)
    assert tried >= len(pages) * min(EXAMPLES, 5)


def test_the_quote_pages_answer_random_input_without_a_500(client, users):
    client.force_login(users["official"])
    fields = {
        "vsi": ["income", "group", "on", "months", "province"],
        "hi": ["members", "on", "months"],
        "job": ["born", "sex", "months", "income", "on"],
    }

    @FUZZ
    @given(st.sampled_from(sorted(fields)), st.data())
    def get(tab, data):
        query = data.draw(st.fixed_dictionaries({n: VALUE for n in fields[tab]}))
        response = client.get(reverse("counsel"), {"tab": tab, **query})
        assert response.status_code == 200
        htmx = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "result"}
        response = client.get(reverse("counsel"), {"tab": tab, **query}, **htmx)
        assert response.status_code == 200

    get()
