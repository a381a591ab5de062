"""Uploads fuzzed with hypothesis: receipt and reason imports (CSV/XLSX) and population files.

Each generated file goes through the page a user would use (the upload form, the background
task run in-process): the answer is never a 500, a refused file says why in words (never
"stopped by an error" with a Python message), every rejected row names its line and field,
and a file with a refused row writes nothing. Inputs: random bytes under any name, CSV in
several encodings and separators, XLSX with cells of every type, formulas, huge cells, dates
such as 2025-13-01 and 31/02/2025, numbers such as 1e400, ², -1 and 10^30.
`make stress` runs many more examples (ANSINH_FUZZ_EXAMPLES).
"""

import io
import os
from datetime import date, datetime

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from ansinh.accounts.models import AuditEntry
from ansinh.collection.cycle import issue_cycle
from ansinh.collection.imports import REASON_COLUMNS, RECEIPT_COLUMNS
from ansinh.collection.models import NonPaymentReason, ReceiptImport
from ansinh.enrolment.models import ContributionMonth, Receipt
from ansinh.places.models import Commune
from ansinh.targets.population import HEADERS as POPULATION_HEADERS
from tests.collection.conftest import CYCLE, cohort  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db
EXAMPLES = int(os.environ.get("ANSINH_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)

NASTY = [
    "",
    " ",
    "=1+1",
    "+SUM(A1:A9)",
    "-2+3",
    "@cmd",
    '=HYPERLINK("http://x","y")',
    "2025-13-01",
    "2025-02-30",
    "31/02/2025",
    "00/00/0000",
    "13/2025",
    "2025-13",
    "1e400",
    "-1",
    "0",
    "²",
    "٣",
    "1.263.600 đ",
    "10" * 15,
    "NaN",
    "inf",
    "\x00",
    "Nguyễn Thị Hồng",
    "'\";--",
    "\u202e",
]
#: A cell larger than csv's field limit (131,072 characters), drawn compactly.
HUGE = st.integers(min_value=131_000, max_value=200_000).map(lambda n: "x" * n)
#: Cells: the nasty ones, a huge one, short random text, numbers of any size.
CELL = st.one_of(
    st.sampled_from(NASTY),
    HUGE,
    st.text(max_size=20),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)
#: What openpyxl can store (no control characters).
XLSX_TEXT = st.text(alphabet=st.characters(exclude_categories=("Cc", "Cs")), max_size=20) | (
    st.sampled_from([n for n in NASTY if "\x00" not in n])
)
XLSX_CELL = st.one_of(
    XLSX_TEXT,
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**62), max_value=2**62),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(min_value=date(1900, 3, 1)),
    st.datetimes(min_value=datetime(1900, 3, 1)),
)


def _header(columns):
    """The documented header, or one with a column dropped, renamed or shuffled."""
    return st.one_of(
        st.just(columns),
        st.permutations(columns),
        st.lists(st.sampled_from(columns + ["xyz", ""]), max_size=len(columns) + 1),
    )


#: Plausible values per column, mixed with the nasty ones, so a row gets far enough through
#: the checks to reach the later ones.
PLAUSIBLE = {
    "so_bien_lai": st.from_regex(r"\AB[0-9]{1,4}\Z"),
    "ngay_nop": st.sampled_from(["03/11/2026", "2026-11-03", "1/1/2026", "29/02/2024"]),
    "so_thang": st.sampled_from(["1", "3", "12", "60", "61", "0"]),
    "so_tien": st.sampled_from(["264000", "330000", "0", "1"]),
    "tu_thang": st.sampled_from(["11/2026", "2026-11", "12/2026", "01/2027"]),
    "ma_ly_do": st.sampled_from(["away", "refused", "moved", "sick", "AWAY"]),
    "population": st.integers(min_value=0, max_value=10**6).map(str),
    "working_age_population": st.integers(min_value=0, max_value=10**6).map(str),
}


def _row(columns, cell, codes):
    def one(column):
        options = [cell, cell]
        if column in PLAUSIBLE:
            options.append(PLAUSIBLE[column])
        if codes and column in ("ma_so_bhxh", "commune_code"):
            options.append(st.sampled_from(codes))
        return st.one_of(options)

    return st.one_of(
        st.tuples(*[one(c) for c in columns]).map(list),
        st.lists(cell, max_size=len(columns) + 2),
    )


@st.composite
def csv_files(draw, columns, codes=()):
    header = draw(_header(columns))
    rows = draw(st.lists(_row(columns, CELL, codes), max_size=6))
    sep = draw(st.sampled_from([",", ";", "\t"]))
    text = "\n".join(sep.join(r) for r in [header, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1258", "latin-1"]))
    return draw(st.sampled_from(["file.csv", "FILE.CSV", "file.txt"])), text.encode(
        encoding, errors="replace"
    )


@st.composite
def xlsx_files(draw, columns, codes=()):
    wb = Workbook()
    ws = wb.active
    ws.append(list(draw(_header(columns))))
    for row in draw(st.lists(_row(columns, XLSX_CELL, codes), max_size=6)):
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return "file.xlsx", out.getvalue()


def random_files():
    names = st.sampled_from(["a.csv", "a.xlsx", "a.txt", "a.pdf", "a", "a.CSV.exe"])
    return st.tuples(names, st.binary(max_size=3000))


def uploads(columns, codes=()):
    return st.one_of(csv_files(columns, codes), xlsx_files(columns, codes), random_files())


def _stopped_by_error() -> list[str]:
    """The generic failure messages' prefixes (an exception's text shown to the user)."""
    out = []
    for lang in ("vi", "en"):
        with translation.override(lang):
            out.append(translation.gettext("Stopped by an error: %(e)s") % {"e": ""})
            out.append(
                translation.gettext("Stopped by an error while writing; nothing was written: %(e)s")
                % {"e": ""}
            )
    return out


def _written():
    return (
        Receipt.objects.count(),
        ContributionMonth.objects.count(),
        NonPaymentReason.objects.count(),
        list(Commune.objects.exclude(population=None).values_list("code", "population")),
    )


def _post(client, url, name, data, **fields):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(url, {"file": SimpleUploadedFile(name, data), **fields})


def _check_batch(response, before, generic):
    if response.status_code == 200:  # the form refused the file (e.g. an empty one)
        assert response.context["form"].errors
        assert _written() == before
        return
    assert response.status_code == 302, response.status_code
    batch = ReceiptImport.objects.latest("pk")
    assert batch.status in ("done", "rejected", "failed")
    assert batch.message, "a finished import says what happened"
    assert not any(batch.message.startswith(g) for g in generic), batch.message
    for row in batch.rows.filter(status="rejected"):
        assert row.line >= 2 and row.field and row.message, (row.line, row.field)
    if batch.status != "done" or batch.rejected:
        assert _written() == before, f"{batch.status}: {batch.message}"


@pytest.fixture
def world(settings, tmp_path, office, users, cohort):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path
    run = issue_cycle(office.office, CYCLE).run
    codes = [e.person.si_code for e in cohort.values()] + [cohort["due"].person.cccd]
    return {"run": run, "codes": codes, "users": users, "office": office}


def test_receipt_imports_never_fail_and_write_nothing_when_refused(client, world):
    client.force_login(world["users"]["manager"])
    generic = _stopped_by_error()
    tried = []

    @FUZZ
    @given(uploads(RECEIPT_COLUMNS, world["codes"]))
    def run(upload):
        name, data = upload
        tried.append(name)
        before = _written()
        _check_batch(_post(client, "/collection/imports/new/", name, data), before, generic)

    run()
    assert len(tried) >= min(EXAMPLES, 10)


def test_reason_imports_never_fail_and_write_nothing_when_refused(client, world):
    client.force_login(world["users"]["postmgr"])
    generic = _stopped_by_error()
    url = f"/collection/imports/new/?kind=reasons&run={world['run'].pk}"

    @FUZZ
    @given(uploads(REASON_COLUMNS, world["codes"] + ["away", "refused", "moved"]))
    def run(upload):
        name, data = upload
        before = _written()
        response = _post(client, url, name, data, kind="reasons", run=world["run"].pk)
        _check_batch(response, before, generic)

    run()


def test_population_uploads_answer_in_words_and_write_nothing_when_refused(client, world):
    client.force_login(world["users"]["manager"])
    codes = ["30208", "30226", "00070", "1", "030208"]

    @FUZZ
    @given(uploads(POPULATION_HEADERS, codes))
    def run(upload):
        name, data = upload
        before = _written(), AuditEntry.objects.count()
        response = _post(client, "/targets/population/", name, data)
        assert response.status_code == 302, response.status_code
        page = client.get(response["Location"])
        assert page.status_code == 200
        notes = [str(m) for m in page.context["messages"]]
        assert notes, "the upload says what happened"
        if not any(n.startswith(_loaded()) for n in notes):
            assert (_written(), AuditEntry.objects.count()) == before, notes

    run()


def _loaded() -> str:
    return translation.gettext("Population loaded for %(n)s communes.").split("%")[0]
