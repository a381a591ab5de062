"""Reading the registry, always through the user's scope."""

import re

from django.db.models import Q

from ansinh.common.text import fold

from .models import Person, SupportMembership

_DIGITS = re.compile(r"^\+?\d[\d .]*$")


def search_persons(user, text: str, limit: int = 50):
    """Find people by name (with or without diacritics), CCCD, social-insurance code or phone."""
    text = (text or "").strip()
    qs = Person.objects.restrict(user).select_related("commune", "hamlet")
    if not text:
        return qs.none()
    if _DIGITS.match(text):
        digits = re.sub(r"\D", "", text)
        if digits.startswith("84") and len(digits) == 11:
            digits = "0" + digits[2:]
        if len(digits) == 12:
            q = Q(cccd=digits)
        elif len(digits) == 10:
            q = Q(si_code=digits) | Q(phone=digits)
        else:
            q = (
                Q(cccd__startswith=digits)
                | Q(si_code__startswith=digits)
                | Q(phone__startswith=digits)
            )
        return qs.filter(q)[:limit]
    # Each typed word matches the start of a word of the name: "vo" finds "Võ Thị Lan" and
    # "Lê Văn Vọng" but not "Trần Thị Hồng Nhung" via "...vo..." inside a word. Word starts
    # keep short words selective, so the indexes answer fast at province scale.
    q = Q()
    for word in fold(text).split(" "):
        q &= Q(name_folded__startswith=word) | Q(name_folded__contains=" " + word)
    return qs.filter(q).order_by("name_folded", "id")[:limit]


def groups_on(person, on) -> list[str]:
    """The support groups that apply to a person on a date ('other' when none)."""
    groups = [m.group for m in person.support_groups.all() if m.covers(on)]
    return groups or ["other"]


def support_history(person):
    return SupportMembership.objects.filter(person=person).order_by("-valid_from")
