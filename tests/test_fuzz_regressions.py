"""The bugs the fuzz tests (test_fuzz_api.py, test_fuzz_uploads.py) found, one test each."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from ansinh.collection import imports
from ansinh.collection.cycle import issue_cycle
from ansinh.collection.models import ReceiptImport
from ansinh.enrolment.models import Receipt
from ansinh.targets.population import parse_population
from tests.collection.conftest import CYCLE, cohort  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db
HEADER = ",".join(imports.RECEIPT_COLUMNS)


def _import(user, data: bytes, name="f.csv", kind="receipts", run=None):
    batch = ReceiptImport.objects.create(
        uploaded_by=user, file_name=name, sha256="x", kind=kind, run=run
    )
    return imports.run_import(batch, user, io.BytesIO(data))


@pytest.mark.parametrize("months", ["²", "٣", str(10**30), "-1"])
def test_a_months_cell_that_is_no_whole_number_is_a_rejected_row(users, cohort, months):  # noqa: F811
    code = cohort["due"].person.si_code
    data = f"{HEADER}\nB1,{code},03/11/2026,{months},264000,,\n".encode()
    batch = _import(users["manager"], data)
    assert batch.status == "rejected", batch.message
    row = batch.rows.get(line=2)
    assert row.field == "so_thang"
    assert not Receipt.objects.filter(number="B1").exists()


@pytest.mark.parametrize("kind", ["receipts", "reasons"])
@pytest.mark.parametrize(
    "body", [b"x" * 200_000, b'"never closed,\n' + b"y" * 140_000], ids=["huge-cell", "open-quote"]
)
def test_an_unreadable_csv_fails_with_words_and_the_line(users, office, cohort, kind, body):  # noqa: F811
    run = issue_cycle(office.office, CYCLE).run if kind == "reasons" else None
    columns = imports.REASON_COLUMNS if kind == "reasons" else imports.RECEIPT_COLUMNS
    data = ",".join(columns).encode() + b"\n" + body + b"\n"
    batch = _import(users["manager"], data, kind=kind, run=run)
    assert batch.status == "failed"
    assert "2" in batch.message  # the row, in words
    assert "field limit" not in batch.message and "Error" not in batch.message


@pytest.mark.parametrize(
    "figure", ["1e400", "inf", "²", "12,5", "99999999999999", "1.2.3"], ids=repr
)
def test_a_population_figure_that_is_no_count_is_refused_with_its_row(figure):
    data = f"commune_code;commune_name;population\n30208;Hòa Long;{figure}\n".encode()
    with pytest.raises(ValidationError) as exc:
        parse_population(SimpleUploadedFile("p.csv", data))
    assert "2" in " ".join(exc.value.messages) and "population" in " ".join(exc.value.messages)


def test_population_figures_with_thousand_separators_still_read():
    data = "commune_code;population;working_age_population\n30208;1.263.600;12 000\n"
    rows = parse_population(SimpleUploadedFile("p.csv", data.encode()))
    assert (rows[0].population, rows[0].working_age_population) == (1_263_600, 12_000)


@pytest.mark.parametrize("body", ["just one column\n30208\n", "a\x00b\n", "x" * 200_000])
def test_a_population_csv_the_sniffer_cannot_read_is_refused_not_a_500(body):
    with pytest.raises(ValidationError):
        parse_population(SimpleUploadedFile("p.csv", body.encode()))


@pytest.fixture
def api(users):
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=users['postmgr']).key}")
    return c


@pytest.mark.parametrize("query", ["offset=abc", "offset=-1", "limit=0", "limit=100000"])
def test_the_api_refuses_a_page_parameter_out_of_range(api, query):
    r = api.get(f"/api/v1/collection/cycles/?{query}")
    assert r.status_code == 400
    assert set(r.json()) <= {"limit", "offset"}


def test_an_api_url_that_matches_nothing_answers_json(api):
    r = api.get("/api/v1/collection/cycles/-1/entries/")
    assert r.status_code == 404 and r["Content-Type"] == "application/json"
    assert "detail" in r.json()


def test_the_schema_says_months_are_yyyy_mm_and_documents_errors(client):
    schema = client.get("/api/schema/?format=json").json()
    month = schema["components"]["schemas"]["CycleRun"]["properties"]["month"]
    assert month["pattern"] == r"^\d{4}-\d{2}$"
    receipts = schema["paths"]["/api/v1/collection/receipts/"]["post"]["responses"]
    assert {"201", "400", "401", "403"} <= set(receipts)
    body = schema["components"]["schemas"]["ReceiptIn"]["properties"]
    assert body["si_code"]["minLength"] == 1
