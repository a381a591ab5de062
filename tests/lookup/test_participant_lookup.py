"""The participant's own look-up (/tra-cuu/): public, the same figures as the office's
pages, nothing else about anyone, no enumeration, rate-limited, every attempt logged."""

import re
from datetime import date

import pytest

from ansinh.collection.models import CollectionPoint
from ansinh.counselling.outlook import person_outlook
from ansinh.enrolment.queries import contribution_history
from ansinh.enrolment.services import enrol_hi, next_unpaid_month, quote_for_person
from ansinh.lookup.models import LookupLog, Outcome
from ansinh.lookup.queries import masked_name
from ansinh.lookup.services import look_up, read_birth, read_code
from ansinh.registry.models import CompulsoryPeriod
from tests.growth_helpers import hi_member, paying_participant

pytestmark = pytest.mark.django_db
#: The CSRF tokens in a page (the form's and HTMX's header) differ from one response to the next.
_TOKENS = re.compile(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+')


@pytest.fixture
def participant(office, users):
    point = CollectionPoint.objects.create(
        organisation=office.post,
        name="Điểm thu Bưu điện Hòa Long",
        commune_id="30208",
        address="Quốc lộ 80",
        opening_hours="7:00-17:00",
    )
    office.collector.phone, office.collector.point = "0912345678", point
    office.collector.save()
    office.post.phone = "02773888999"
    office.post.save()
    person = paying_participant(
        office, users["official"], "Nguyễn Thị Hồng", collector=office.collector, months=3
    )
    CompulsoryPeriod.objects.create(
        person=person, start=date(2010, 1, 1), end=date(2015, 12, 1), salary=5_000_000
    )
    enrol_hi(users["official"], person.household, [person], 12, date.today())
    hi_member(office, users["official"], "Trần Văn Bình", household=person.household)
    return person


def _unused_codes(n: int) -> list[str]:
    """Social-insurance codes nobody holds. Not fixed ones: the factories number persons per
    test process (`87` and a counter), so under `-n 2` a fixed code such as 8700000013 was
    sometimes the participant's own, whose attempts the test had just used up."""
    from ansinh.registry.models import Person

    taken = set(Person.objects.values_list("si_code", flat=True))
    return [c for c in (f"8799{k:06d}" for k in range(n + len(taken))) if c not in taken][:n]


def _post(client, code, born, ip="10.0.0.1"):
    return client.post("/tra-cuu/", {"code": code, "born": born}, REMOTE_ADDR=ip)


def test_a_participant_sees_their_own_status(client, participant):
    r = _post(client, participant.si_code, "10/05/1975")
    page = r.content.decode()
    assert r.status_code == 200 and 'data-testid="lookup-result"' in page
    assert "Nguyễn T. H." in page and "Nguyễn Thị Hồng" not in page
    assert participant.cccd not in page and participant.phone not in page
    enrolment = participant.vsi_enrolments.get()
    assert enrolment.paid_through.strftime("%m/%Y") in page
    # the amount due and the pension figures are the office's own functions
    today = date.today()
    quote = quote_for_person(participant, enrolment.income, today, 1, "1")
    assert f"{quote.net_total:,}".replace(",", ".") in page
    assert next_unpaid_month(enrolment, today).strftime("%m/%Y") in page
    outlook = person_outlook(participant, contribution_history(participant))
    assert f">{outlook.now.counted_months} (" in page
    assert outlook.retirement.reached.first_day().strftime("%m/%Y") in page
    # where to pay: the collector, the organisation, the point, with phones
    for text in ("Trần Văn Thu", "0912345678", "Bưu điện Lai Vung", "02773888999", "Quốc lộ 80"):
        assert text in page
    assert 'data-testid="lookup-card"' in page  # the household's HI card
    # by CCCD too, with spaces
    r = _post(client, " ".join(participant.cccd[i : i + 4] for i in range(0, 12, 4)), "1975-05-10")
    assert 'data-testid="lookup-result"' in r.content.decode()
    assert r["Cache-Control"].startswith("max-age=0") and "no-store" in r["Cache-Control"]


def test_a_miss_looks_the_same_whether_the_code_exists_or_not(client, participant):
    wrong_birth = _post(client, participant.si_code, "11/05/1975", ip="10.0.0.2")
    no_such_code = _post(client, "8799999999", "11/05/1975", ip="10.0.0.3")
    for r in (wrong_birth, no_such_code):
        assert r.status_code == 200
        assert 'data-testid="lookup-miss"' in r.content.decode()
    pages = [
        _TOKENS.sub("", r.content.decode()).replace(code, "X")
        for r, code in ((wrong_birth, participant.si_code), (no_such_code, "8799999999"))
    ]
    assert pages[0] == pages[1]
    assert list(LookupLog.objects.values_list("outcome", flat=True)) == [Outcome.MISS] * 2


def test_year_only_birth_dates_match_on_the_year(office, participant):
    participant.birth_year_only, participant.birth_date = True, date(1975, 1, 1)
    participant.save()
    assert look_up("1.1.1.1", participant.si_code, "10/05/1975").outcome == Outcome.HIT
    assert look_up("1.1.1.1", participant.si_code, "10/05/1976").outcome == Outcome.MISS


def test_unreadable_input_is_named_by_field(client, participant):
    r = _post(client, "12345", "31/02/1975")
    page = r.content.decode()
    assert "Enter your 12-digit national ID (CCCD) or your 10-digit social-insurance code." in page
    assert "Enter your date of birth as dd/mm/yyyy" in page
    assert LookupLog.objects.get().outcome == Outcome.INVALID
    assert read_code("0871 7500 0001") == "087175000001" and read_code("abc") is None
    assert read_birth("1/2/1980") == date(1980, 2, 1) and read_birth("2999-01-01") is None


def test_rate_limited_per_identity_and_per_ip(client, participant, settings):
    settings.LOOKUP_LIMIT_PER_IDENTITY = (3, 3600)
    settings.LOOKUP_LIMIT_PER_IP = (5, 600)
    for i in range(3):  # guessing birth dates for one code, from changing addresses
        assert (
            "lookup-miss"
            in _post(
                client, participant.si_code, f"0{i + 1}/01/1975", f"10.1.0.{i}"
            ).content.decode()
        )
    r = _post(client, participant.si_code, "10/05/1975", "10.1.0.9")  # even the right one
    assert (
        'data-testid="lookup-limited"' in r.content.decode()
        and "lookup-result" not in r.content.decode()
    )
    assert "60 minutes" in r.content.decode()
    other, *many = _unused_codes(5)
    # another code from a fresh address is not held up
    assert "lookup-miss" in _post(client, other, "01/01/1975", "10.2.0.1").content.decode()
    for code in many:  # one address trying many codes
        _post(client, code, "01/01/1975", "10.3.0.1")
    r = _post(client, participant.si_code, "10/05/1975", "10.3.0.1")
    assert 'data-testid="lookup-limited"' in r.content.decode()
    outcomes = list(LookupLog.objects.order_by("id").values_list("outcome", flat=True))
    assert outcomes.count(Outcome.LIMITED) == 2 and len(outcomes) == 10, " ".join(outcomes)


def test_every_look_up_logged_with_hashes_only(client, participant):
    _post(client, participant.si_code, "10/05/1975", ip="192.168.7.7")
    log = LookupLog.objects.get()
    assert log.outcome == Outcome.HIT and log.person == participant
    assert log.commune_id == participant.commune_id
    assert "192.168.7.7" not in log.ip_hash and len(log.ip_hash) == 64
    assert participant.si_code not in log.identity_hash
    _post(client, participant.cccd, "10/05/1975", ip="192.168.7.7")
    second = LookupLog.objects.order_by("-id").first()
    assert second.ip_hash == log.ip_hash and second.identity_hash != log.identity_hash


def test_the_office_sees_the_log_in_admin_in_its_area(client, participant, users, office):
    from ansinh.accounts.models import Role, User

    _post(client, participant.si_code, "10/05/1975")
    _post(client, "8799999999", "01/01/1970")
    users["manager"].is_staff = True
    users["manager"].save()
    from django.contrib.auth.models import Permission

    users["manager"].user_permissions.add(Permission.objects.get(codename="view_lookuplog"))
    client.force_login(users["manager"])
    r = client.get("/admin/lookup/lookuplog/")
    assert r.status_code == 200 and "2 participant look-ups" in r.content.decode()
    other = User.objects.create(
        username="far", role=Role.COMMUNE_LEADER, commune_id="30316", is_staff=True
    )
    other.user_permissions.add(Permission.objects.get(codename="view_lookuplog"))
    client.force_login(other)
    r = client.get("/admin/lookup/lookuplog/")
    assert "1 participant look-up" in r.content.decode()  # the miss only, not the hit


def test_masked_name():
    assert masked_name("Nguyễn Thị Hồng") == "Nguyễn T. H."
    assert masked_name("Lê  an") == "Lê A."
    assert masked_name("") == ""


def test_the_qr_prefills_the_code_never_the_birth_date(client, participant, users):
    r = client.get(f"/tra-cuu/?ma={participant.si_code}")
    assert f'value="{participant.si_code}"' in r.content.decode()
    assert client.get(f"/tra-cuu/qr/{participant.si_code}.svg").status_code == 302  # login
    client.force_login(users["collector"])
    r = client.get(f"/tra-cuu/qr/{participant.si_code}.svg")
    assert r.status_code == 200 and r["Content-Type"] == "image/svg+xml"
    assert b"<svg" in r.content
