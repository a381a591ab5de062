"""The Vietnamese catalog: complete, placeholders intact, compiled, and served by default.

src/ansinh/locale/vi/LC_MESSAGES/django.po is regenerated with
`manage.py makemessages -l vi --ignore 'rules/*' --ignore 'demo/*' --no-obsolete` (run in
src/ansinh) and compiled to django.mo, which is committed so no machine needs gettext to run.
"""

import ast
import gettext
import re
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from ansinh.common.rule_errors import income_error
from ansinh.rules.vsi import IncomeOutOfRange

LOCALE = Path(settings.LOCALE_PATHS[0]) / "vi" / "LC_MESSAGES"
PO = LOCALE / "django.po"
MO = LOCALE / "django.mo"

#: %(name)s / %(n)d, bare %s / %d, {{ name }} and {name}; "%%" is a literal percent sign.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdfirx]|%[sdfirx]|\{\{\s*[\w.|:\"']+\s*\}\}|\{\w*\}")


def parse_po(path: Path) -> list[dict]:
    """Entries of a PO file: msgid, msgid_plural, msgstr (list), flags, references."""
    entries, entry, field = [], None, None

    def start():
        return {"msgid": None, "plural": None, "msgstr": {}, "flags": [], "refs": ""}

    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            if entry and entry["msgid"] is not None:
                entries.append(entry)
            entry, field = None, None
            continue
        if entry is None:
            entry = start()
        if line.startswith("#~"):
            continue  # obsolete (makemessages --no-obsolete leaves none)
        if line.startswith("#,"):
            entry["flags"] += [f.strip() for f in line[2:].split(",")]
        elif line.startswith("#:"):
            entry["refs"] += line[2:]
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if field[0] == "msgstr":
                entry["msgstr"][field[1]] += value
            else:
                entry[field[0]] += value
        else:
            keyword, _, value = line.partition(" ")
            value = ast.literal_eval(value)
            if keyword == "msgid":
                field = ("msgid",)
            elif keyword == "msgid_plural":
                field = ("plural",)
            elif keyword == "msgctxt":
                field = ("msgctxt",)
            else:
                index = int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0
                field = ("msgstr", index)
                entry["msgstr"][index] = value
                continue
            entry[field[0]] = value
    return entries


ENTRIES = parse_po(PO)
MESSAGES = [e for e in ENTRIES if e["msgid"]]


def placeholders(text: str) -> list[str]:
    return sorted(re.sub(r"\s+", "", p) for p in PLACEHOLDER.findall(text))


def untranslated(entry) -> str | None:
    """Why the entry is not a finished Vietnamese translation, or None."""
    if "fuzzy" in entry["flags"]:
        return "fuzzy"
    if sorted(entry["msgstr"]) != [0]:  # Vietnamese: nplurals=1, one msgstr / msgstr[0]
        return f"plural forms {sorted(entry['msgstr'])}"
    if not entry["msgstr"][0].strip():
        return "empty"
    return None


def placeholder_problem(entry) -> str | None:
    wanted = placeholders(entry["msgid"])
    if entry["plural"] is not None:
        # Vietnamese has one form, taken from the English plural.
        wanted = placeholders(entry["plural"])
    for text in entry["msgstr"].values():
        if not text:
            continue
        if placeholders(text) != wanted:
            return f"placeholders {placeholders(text)} != {wanted}"
        if "python-format" in entry["flags"]:
            if text.count("%%") != entry["msgid"].count("%%"):
                return "a literal percent sign must stay doubled (%%)"
            if re.search(r"%(?!\(\w+\)[sdfirx]|[sdfirx])", text.replace("%%", "")):
                return "stray %"
    return None


def test_catalog_header_declares_vietnamese_with_one_plural_form():
    header = next(e for e in ENTRIES if e["msgid"] == "")
    text = header["msgstr"][0]
    assert "Language: vi\n" in text
    assert "Plural-Forms: nplurals=1; plural=0;\n" in text
    assert "charset=UTF-8" in text
    assert "fuzzy" not in header["flags"]


def test_every_message_is_translated_and_not_fuzzy():
    assert len(MESSAGES) > 300
    problems = [
        f"{why}: {e['msgid']!r} ({e['refs'].strip()})" for e in MESSAGES if (why := untranslated(e))
    ]
    assert not problems, f"{len(problems)} messages need a translation:\n" + "\n".join(problems)


def test_placeholders_are_kept():
    problems = [
        f"{why}: {e['msgid']!r} -> {e['msgstr']}"
        for e in MESSAGES
        if (why := placeholder_problem(e))
    ]
    assert not problems, "\n".join(problems)


def test_the_checks_catch_mistakes():
    entry = {"msgid": "Receipt %(n)s recorded.", "plural": None, "flags": ["python-format"]}
    assert untranslated({**entry, "msgstr": {0: ""}}) == "empty"
    assert untranslated({**entry, "msgstr": {0: "Đã ghi."}, "flags": ["fuzzy"]}) == "fuzzy"
    assert placeholder_problem({**entry, "msgstr": {0: "Đã ghi biên lai %(n)s."}}) is None
    assert placeholder_problem({**entry, "msgstr": {0: "Đã ghi biên lai %(so)s."}})
    assert placeholder_problem({**entry, "msgstr": {0: "Đã ghi biên lai."}})
    percent = {"msgid": "Premium (22%% of income)", "plural": None, "flags": ["python-format"]}
    assert placeholder_problem({**percent, "msgstr": {0: "Số tiền đóng (22%% thu nhập)"}}) is None
    assert placeholder_problem({**percent, "msgstr": {0: "Số tiền đóng (22% thu nhập)"}})
    assert placeholders("Xin chào, {{ name }} và {x}") == ["{x}", "{{name}}"]


def test_compiled_catalog_matches_the_po_file():
    """django.mo is committed: it must be compiled from the current django.po."""
    with MO.open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    stale = []
    for entry in MESSAGES:
        if entry["plural"] is None:
            got = compiled.gettext(entry["msgid"])
        else:
            got = compiled.ngettext(entry["msgid"], entry["plural"], 1)
        if got != entry["msgstr"][0]:
            stale.append(entry["msgid"])
    assert not stale, f"django.mo is stale, run compilemessages: {stale[:5]}"


def test_gettext_uses_the_vietnamese_catalog():
    with translation.override("vi"):
        assert translation.gettext("Log in") == "Đăng nhập"
        assert translation.gettext("Voluntary social insurance") == "BHXH tự nguyện"
        assert translation.ngettext("for %(n)s month", "for %(n)s months", 3) % {"n": 3} == (
            "cho 3 tháng"
        )
    with translation.override("en"):
        assert translation.gettext("Log in") == "Log in"


@pytest.mark.django_db
def test_login_page_is_vietnamese_by_default_and_english_after_the_switch():
    client = Client()
    page = client.get(reverse("login")).content.decode()
    assert '<html lang="vi">' in page
    assert "Đăng nhập" in page and "Tên đăng nhập" in page and "Mật khẩu" in page
    assert "Log in" not in page and "Password" not in page

    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302
    page = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in page
    assert "Log in to AnSinh" in page and "Password" in page
    assert "Đăng nhập" not in page

    client.post(reverse("set_language"), {"language": "vi", "next": reverse("login")})
    assert "Đăng nhập AnSinh" in client.get(reverse("login")).content.decode()


@pytest.mark.django_db
def test_home_page_is_vietnamese_for_a_signed_in_official(users):
    client = Client()
    client.force_login(users["official"])
    page = client.get(reverse("home")).content.decode()
    for text in ("Trang chủ", "Tìm kiếm", "Người tham gia", "Tư vấn", "Đăng xuất", "Cán bộ BHXH"):
        assert text in page, text
    for text in ("Log out", "Search", "Counselling"):
        assert text not in page, text


def test_an_income_out_of_range_is_told_in_the_page_language():
    low = IncomeOutOfRange(500_000, 2_200_000, 50_600_000, date(2027, 5, 1))
    high = IncomeOutOfRange(60_000_000, 2_200_000, 50_600_000, date(2027, 5, 1))
    with translation.override("vi"):
        assert income_error(low) == (
            "Mức thu nhập tháng 500.000 đ thấp hơn mức tối thiểu 2.200.000 đ (chuẩn hộ nghèo "
            "khu vực nông thôn) tại ngày 01/05/2027; hãy chọn từ 2.200.000 đ đến 50.600.000 đ."
        )
        assert "cao hơn mức tối đa 50.600.000 đ" in income_error(high)
    with translation.override("en"):
        assert "below the minimum of 2.200.000 đ" in income_error(low)
        assert "above the maximum of 50.600.000 đ" in income_error(high)


@pytest.mark.django_db
def test_error_pages_are_vietnamese(users, settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    client.force_login(users["collector"])
    page = client.get("/no-such-page/")
    assert page.status_code == 404
    assert "Không tìm thấy trang" in page.content.decode()
    page = client.get(reverse("person_create"))  # a collector cannot register people
    assert page.status_code == 403
    assert "Không được phép" in page.content.decode()


@pytest.mark.django_db
def test_bad_request_page_is_vietnamese(settings):
    settings.DEBUG = False
    page = Client(raise_request_exception=False).get("/", HTTP_HOST="not-allowed.example")
    assert page.status_code == 400
    assert "Yêu cầu không hợp lệ" in page.content.decode()
