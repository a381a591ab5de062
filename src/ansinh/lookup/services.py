"""The public look-up: read the input, apply the rate limits, find the person, log it.

No enumeration: whatever is typed, the work is the same: one indexed query that needs the
code AND the date of birth to match, then one log row. A code that exists with a wrong
birth date and a code that does not exist take the same path and get the same answer
(decision 0021).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.cache import caches
from django.db.models import Q
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from ansinh.registry.models import Person

from .models import LookupLog, Outcome
from .queries import Status, participant_status


def _hash(kind: str, value: str) -> str:
    """A keyed hash (HMAC-SHA256 with the server's secret): the log can count repeated
    look-ups of one code or from one address without holding either."""
    return salted_hmac(f"ansinh.lookup.{kind}", value, algorithm="sha256").hexdigest()


def read_code(text: str) -> str | None:
    """A 12-digit CCCD or a 10-digit social-insurance code, spaces and dots ignored."""
    digits = re.sub(r"[\s.\-]", "", text or "")
    return digits if digits.isdigit() and len(digits) in (10, 12) else None


def read_birth(text: str) -> date | None:
    """dd/mm/yyyy (also d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy) or yyyy-mm-dd."""
    text = (text or "").strip()
    m = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", text)
    parts = (m.group(3), m.group(2), m.group(1)) if m else None
    if parts is None:
        m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
        parts = m.groups() if m else None
    if parts is None:
        return None
    try:
        born = date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return None
    return born if date(1900, 1, 1) <= born <= date.today() else None


class _Limit:
    """A fixed window per key in the look-up cache: `limit` attempts per `window` seconds."""

    def __init__(self, kind: str, limit: int, window: int):
        self.kind, self.limit, self.window = kind, limit, window

    def _keys(self, key):
        return f"lookup:{self.kind}:{key}", f"lookup:{self.kind}:{key}:t"

    def wait(self, key: str) -> int:
        """Seconds until the next attempt is allowed (0: allowed now)."""
        cache = caches[settings.LOOKUP_CACHE]
        count, started = self._keys(key)
        if (cache.get(count) or 0) < self.limit:
            return 0
        since = time.time() - (cache.get(started) or time.time())
        return max(60, int(self.window - since))

    def count(self, key: str) -> None:
        cache = caches[settings.LOOKUP_CACHE]
        count, started = self._keys(key)
        cache.add(started, time.time(), self.window)
        if cache.add(count, 1, self.window):
            return
        try:
            cache.incr(count)
        except ValueError:  # expired between add and incr
            cache.set(count, 1, self.window)


def _limits():
    per_ip, per_identity = settings.LOOKUP_LIMIT_PER_IP, settings.LOOKUP_LIMIT_PER_IDENTITY
    return _Limit("ip", *per_ip), _Limit("id", *per_identity)


@dataclass
class Answer:
    outcome: str
    status: Status | None = None
    errors: dict[str, str] = field(default_factory=dict)
    wait_minutes: int = 0


def _find(code: str, born: date) -> Person | None:
    """The person with this code and birth date (a year-only birth date matches its year);
    among likely duplicates, the one with an open enrolment, else the newest record."""
    by_code = Q(cccd=code) if len(code) == 12 else Q(si_code=code)
    born_q = Q(birth_date=born, birth_year_only=False) | Q(
        birth_year_only=True, birth_date__year=born.year
    )
    found = list(
        Person.objects.filter(by_code, born_q)
        .select_related("commune__province", "collector__organisation", "collector__point")
        .order_by("-id")[:5]
    )
    if not found:
        return None
    return next((p for p in found if p.vsi_enrolments.filter(is_open=True).exists()), found[0])


def look_up(ip: str, code_text: str, birth_text: str, today: date | None = None) -> Answer:
    """One look-up from the public page, always logged."""
    ip_hash = _hash("ip", ip or "")
    code, born = read_code(code_text), read_birth(birth_text)
    identity = _hash("id", code) if code else ""
    per_ip, per_identity = _limits()
    wait = max(per_ip.wait(ip_hash), per_identity.wait(identity) if identity else 0)
    if wait:
        LookupLog.objects.create(ip_hash=ip_hash, identity_hash=identity, outcome=Outcome.LIMITED)
        return Answer(Outcome.LIMITED, wait_minutes=(wait + 59) // 60)
    per_ip.count(ip_hash)
    errors = {}
    if code is None:
        errors["code"] = _(
            "Enter your 12-digit national ID (CCCD) or your 10-digit social-insurance code."
        )
    if born is None:
        errors["born"] = _("Enter your date of birth as dd/mm/yyyy, e.g. 10/05/1975.")
    if errors:
        LookupLog.objects.create(ip_hash=ip_hash, identity_hash=identity, outcome=Outcome.INVALID)
        return Answer(Outcome.INVALID, errors=errors)
    per_identity.count(identity)
    person = _find(code, born)
    LookupLog.objects.create(
        ip_hash=ip_hash,
        identity_hash=identity,
        outcome=Outcome.HIT if person else Outcome.MISS,
        person=person,
        commune_id=person.commune_id if person else None,
    )
    if person is None:
        return Answer(Outcome.MISS)
    return Answer(Outcome.HIT, status=participant_status(person, today))
