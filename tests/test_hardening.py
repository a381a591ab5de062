"""Hardening as a deploy check (issue 13 item 5): `check --deploy` clean without DEBUG, HTTPS
settings from the environment, a Content-Security-Policy with no inline script anywhere, the
idle session timeout, login throttling, password rules, personal numbers masked by role in
lists and exports, and every change in the audit log with who, when, before and after."""

import os
import re
import subprocess
import sys
import time
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from ansinh.accounts.models import AuditEntry
from ansinh.web.middleware import CONTENT_SECURITY_POLICY

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "ansinh"


def _run(code_or_args, tmp_path, **env):
    environ = {k: v for k, v in os.environ.items() if not k.startswith("ANSINH_")}
    environ.pop("DATABASE_URL", None)
    environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests' conftest
    environ.update(ANSINH_VAR=str(tmp_path), **env)
    args = [sys.executable, *code_or_args]
    return subprocess.run(args, cwd=ROOT, env=environ, capture_output=True, text=True, timeout=120)


# -- check --deploy and the HTTPS settings --------------------------------------------------


@pytest.mark.parametrize("https", ["", "0"], ids=["https-default", "plain-http"])
def test_check_deploy_is_clean_without_debug(tmp_path, https):
    env = {"ANSINH_DEBUG": "0", **({"ANSINH_HTTPS": https} if https else {})}
    out = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], tmp_path, **env)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no issues" in out.stdout
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0  # the made key is private


SHOW = (
    "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'ansinh.settings'; "
    "django.setup(); from django.conf import settings as s; "
    "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
    "s.SECURE_HSTS_SECONDS, len(s.SECRET_KEY) >= 50)"
)


def test_served_without_debug_https_is_on_and_an_office_lan_can_turn_it_off(tmp_path):
    on = _run(["-c", SHOW], tmp_path, ANSINH_DEBUG="0").stdout.split()
    assert on == ["True", "True", "True", "31536000", "True"]
    off = _run(["-c", SHOW], tmp_path, ANSINH_DEBUG="0", ANSINH_HTTPS="0").stdout.split()
    assert off == ["False", "False", "False", "0", "True"]
    # the key made once is the key read next time
    again = _run(["-c", SHOW.replace("len(s.SECRET_KEY) >= 50", "s.SECRET_KEY")], tmp_path)
    assert (tmp_path / "secret_key").read_text().strip() not in again.stdout  # DEBUG: dev key


def test_over_https_the_answers_carry_hsts_and_secure_cookies(client, settings, users):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_SSL_REDIRECT = True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    assert client.get("/login/").status_code == 301  # plain HTTP is sent to HTTPS
    page = client.get("/login/", secure=True)
    assert page["Strict-Transport-Security"].startswith("max-age=31536000")
    assert page.cookies["csrftoken"]["secure"]
    r = client.post("/login/", {"username": "manager", "password": "pw"}, secure=True)
    assert r.status_code == 302 and r.cookies["sessionid"]["secure"]
    assert r.cookies["sessionid"]["httponly"]


# -- Content-Security-Policy: no inline script ----------------------------------------------


def test_every_answer_carries_the_content_security_policy(client, users):
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY.split("script-src")[1].split(";")[0]
    for url in ["/login/", "/api/docs/", "/api/redoc/"]:
        assert client.get(url)["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, url
    client.force_login(users["manager"])
    for url in ["/", "/dashboard/", "/collection/measures/", "/persons/"]:
        page = client.get(url)
        assert page["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, url
        _no_inline_script(page.content.decode(), url)


def test_the_policy_allows_the_service_worker(client, users):
    """The offline worker (decision 0021, item 3) is a script of this server, registered from
    a static file: 'self' in worker-src (and script-src) lets it run, nothing else is opened."""
    directives = dict(d.strip().split(" ", 1) for d in CONTENT_SECURITY_POLICY.split(";"))
    assert "'self'" in directives["worker-src"].split()
    assert directives["script-src"] == "'self'"
    assert "unsafe-eval" not in CONTENT_SECURITY_POLICY
    sw = client.get("/sw.js")
    assert sw.status_code == 200 and sw["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    client.force_login(users["official"])
    _no_inline_script(client.get("/offline/").content.decode(), "/offline/")


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
HANDLER = re.compile(r"\s(on[a-z]+|hx-on[:\w-]*)\s*=", re.I)


def _no_inline_script(html, where):
    assert not INLINE_SCRIPT.search(html), f"{where}: {INLINE_SCRIPT.search(html).group(0)}"
    assert not HANDLER.search(html), f"{where}: {HANDLER.search(html).group(0)}"
    assert "javascript:" not in html, where


def test_no_template_has_an_inline_script_or_handler():
    templates = sorted(SRC.glob("*/templates/**/*.html"))
    assert len(templates) > 40
    for path in templates:
        _no_inline_script(path.read_text(), path.relative_to(SRC))


def test_htmx_injects_no_style_element():
    base = (SRC / "web/templates/base.html").read_text()
    assert '"includeIndicatorStyles": false' in base
    assert ".htmx-indicator" in (SRC / "web/static/ansinh/ansinh.css").read_text()


def test_swagger_ui_start_up_script_is_a_file(client):
    page = client.get("/api/docs/").content.decode()
    _no_inline_script(page, "/api/docs/")
    script = re.search(r'<script src="([^"]*\?script=)"', page).group(1)
    assert client.get(script).status_code == 200


# -- sessions -------------------------------------------------------------------------------


def test_a_session_ends_after_eight_idle_hours_and_each_request_moves_the_end(
    client, settings, users
):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    client.post("/login/", {"username": "manager", "password": "pw"})
    key = client.cookies["sessionid"].value
    session = Session.objects.get(session_key=key)
    # A request within 5 minutes of the last write does not write the session again ...
    Session.objects.filter(pk=key).update(expire_date=timezone.now() + timedelta(hours=7))
    assert client.get("/").status_code == 200
    kept = Session.objects.get(session_key=key).expire_date
    assert kept < timezone.now() + timedelta(hours=7, minutes=1)
    # ... one later (the session last written 6 minutes ago) moves its end 8 hours on.
    store = SessionStore(session_key=key)
    store["_seen"] = int(time.time()) - 360
    store.save()
    Session.objects.filter(pk=key).update(expire_date=timezone.now() + timedelta(minutes=5))
    assert client.get("/").status_code == 200
    moved = Session.objects.get(session_key=key).expire_date
    assert moved > timezone.now() + timedelta(hours=7, minutes=59)
    Session.objects.filter(pk=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    r = client.get("/")
    assert r.status_code == 302 and r["Location"].startswith("/login/")
    assert session.expire_date  # it existed


# -- login throttling -----------------------------------------------------------------------


def test_five_failed_log_ins_lock_the_account_even_for_the_right_password(client, users):
    for _ in range(4):
        r = client.post("/login/", {"username": "official", "password": "wrong"})
        assert r.status_code == 200  # the form again, with its error
    r = client.post("/login/", {"username": "official", "password": "wrong"})
    assert r.status_code == 429  # the fifth failure locks
    r = client.post("/login/", {"username": "official", "password": "pw"})
    assert r.status_code == 429
    assert "15" in r.content.decode()  # the page says for how long
    assert "_auth_user_id" not in client.session
    # another account from the same address is not locked
    r = client.post("/login/", {"username": "manager", "password": "pw"})
    assert r.status_code == 302


# -- password rules -------------------------------------------------------------------------


def test_password_rules_refuse_weak_passwords_in_vietnamese(users):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    user = users["official"]
    with translation.override("vi"):
        for weak in ["12345678901", "abc", "password123", "official12"]:
            with pytest.raises(ValidationError) as exc:
                validate_password(weak, user)
            text = " ".join(exc.value.messages)
            assert "Mật khẩu" in text or "mật khẩu" in text, text
    validate_password("Lúa chín vàng 2025", user)


# -- personal numbers masked by role --------------------------------------------------------

#: Who sees which number in full (decision 0024): CCCD the office only; the social-insurance
#: code and the phone also the collection staff, who collect from and call their people.
FULL = {
    "admin": {"cccd", "si_code", "phone"},
    "manager": {"cccd", "si_code", "phone"},
    "official": {"cccd", "si_code", "phone"},
    "postmgr": {"si_code", "phone"},
    "collector": {"si_code", "phone"},
    "leader": set(),
}


@pytest.fixture
def person(office):
    from tests.factories import make_person

    return make_person(
        office,
        "Phạm Văn Số",
        collector=office.collector,
        cccd="087175999888",
        si_code="8712399988",
        phone="0912399988",
    )


@pytest.mark.parametrize("role", sorted(FULL))
def test_numbers_are_masked_on_pages_and_in_the_export_unless_the_role_needs_them(
    client, users, person, role
):
    client.force_login(users[role])
    numbers = {"cccd": person.cccd, "si_code": person.si_code, "phone": person.phone}
    masked = {k: v[:3] + "*" * (len(v) - 5) + v[-2:] for k, v in numbers.items()}
    pages = {
        "detail": client.get(reverse("person_detail", args=[person.pk])).content.decode(),
        "search": client.get(reverse("person_search"), {"q": "Phạm Văn Số"}).content.decode(),
    }
    export = client.get(reverse("person_export"))
    assert export.status_code == 200
    sheet = load_workbook(BytesIO(export.content)).active
    cells = {str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None}
    for kind, value in numbers.items():
        if kind in FULL[role]:
            assert value in cells, (role, kind)
            assert value in pages["detail"], (role, kind)
        else:
            assert value not in cells and masked[kind] in cells, (role, kind)
            for name, page in pages.items():
                assert value not in page, (role, kind, name)
            assert masked[kind] in pages["detail"], (role, kind)


def test_everyone_who_can_open_a_cycle_list_needs_the_contact_numbers(office, users):
    """The cycle lists (pages, Excel, API) show codes and phones unmasked: only roles that
    see them in full can open a cycle."""
    from ansinh.collection.models import CycleRun
    from ansinh.collection.queries import runs_for

    CycleRun.objects.create(office=office.office, month=date(2026, 10, 1))
    for role, user in users.items():
        assert runs_for(user).exists() == ("phone" in FULL[role]), role


# -- the audit log --------------------------------------------------------------------------


def _entry(model, pk):
    return AuditEntry.objects.filter(model=model, object_id=str(pk)).latest("pk")


def _assert_logged(entry, user, before_has=None, after_has=None):
    assert entry.user == user
    assert abs(entry.at - timezone.now()) < timedelta(minutes=5)
    for key, value in (before_has or {}).items():
        assert entry.before[key] == value, (key, entry.before)
    for key, value in (after_has or {}).items():
        assert entry.after[key] == value, (key, entry.after)


def test_every_change_is_logged_with_who_when_before_and_after(client, office, users):
    from ansinh.enrolment import services as enrolment
    from ansinh.enrolment.models import Receipt, VsiEnrolment
    from ansinh.registry.models import Person
    from ansinh.targets import services as targets
    from ansinh.targets.choices import Metric
    from tests.factories import HOA_LONG, make_person

    manager, admin = users["manager"], users["admin"]
    client.force_login(manager)
    # a person, edited on the page
    p = make_person(office, "Nguyễn Văn Sửa", collector=office.collector)
    page = client.get(reverse("person_edit", args=[p.pk]))
    form = page.context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(full_name="Nguyễn Văn Đã Sửa", birth_date="10/05/1975")
    data = {k: (v.pk if hasattr(v, "pk") else v) for k, v in data.items()}
    r = client.post(reverse("person_edit", args=[p.pk]), data)
    assert r.status_code == 302, form.errors
    e = _entry("registry.person", p.pk)
    _assert_logged(e, manager, {"full_name": "Nguyễn Văn Sửa"}, {"full_name": "Nguyễn Văn Đã Sửa"})
    # an enrolment and a receipt
    vsi = enrolment.enrol_vsi(
        manager, Person.objects.get(pk=p.pk), 2_000_000, "1", date(2026, 1, 1)
    )
    _assert_logged(
        _entry("enrolment.vsienrolment", vsi.pk), manager, after_has={"income": 2_000_000}
    )
    receipt = enrolment.record_vsi_receipt(
        manager, vsi, enrolment.ReceiptInput(number="AUD-1", paid_on=date(2026, 1, 5), months=1)
    )
    _assert_logged(_entry("enrolment.receipt", receipt.pk), manager, after_has={"number": "AUD-1"})
    through = _entry("enrolment.vsienrolment", vsi.pk)
    assert through.action == "update" and through.after["paid_through"] == "2026-01-01"
    assert Receipt.objects.filter(number="AUD-1").exists() and VsiEnrolment.objects.count() == 1
    # an organisation, created on the page
    r = client.post(
        reverse("collection_org_new"), {"code": "AUD-ORG", "name": "Hợp tác xã", "kind": "other"}
    )
    from ansinh.collection.models import Organisation

    org = Organisation.objects.filter(code="AUD-ORG").first()
    assert org is not None, r.content.decode()[:500]
    _assert_logged(
        _entry("collection.organisation", org.pk), manager, after_has={"code": "AUD-ORG"}
    )
    # a collector, reassigned
    from ansinh.collection.services import reassign_persons

    reassign_persons(manager, office.collector, office.other_collector, deactivate=True)
    _assert_logged(
        _entry("collection.collector", office.collector.pk),
        manager,
        {"active": True},
        {"active": False},
    )
    # a target and its split
    target = targets.set_target(admin, office.office, 2026, Metric.VSI, 100)
    _assert_logged(_entry("targets.officetarget", target.pk), admin, after_has={"value": 100})
    targets.split_target(manager, target, "commune", {HOA_LONG: 60})
    targets.split_target(manager, target, "commune", {HOA_LONG: 70})
    split = _entry("targets.officetarget", target.pk)
    _assert_logged(split, manager, {"shares": {HOA_LONG: 60}}, {"shares": {HOA_LONG: 70}})


def test_a_parameter_changed_in_the_admin_is_logged_with_before_and_after(client, db):
    from ansinh.accounts.models import User
    from ansinh.parameters.models import Parameter

    root = User.objects.create_superuser("root", password="pw")
    client.force_login(root)
    row = Parameter.objects.filter(key="vsi.rate").first() or Parameter.objects.first()
    url = reverse("admin:parameters_parameter_change", args=[row.pk])
    form = client.get(url).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = field.widget.format_value(value) if hasattr(value, "year") else value
    data["note"] = "audited in the test"
    r = client.post(url, data)
    assert r.status_code == 302, r.context["adminform"].form.errors if r.context else r
    e = _entry("parameters.parameter", row.pk)
    _assert_logged(e, root, after_has={"note": "audited in the test"})
    assert e.before["note"] != "audited in the test"
