"""Template context shared by every page: the navigation for the user's role.

`nav` is a list of (label, href) links and (label, [(label, href), ...]) menus.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

OFFICE_ROLES = ("office_manager", "official", "provincial_admin")


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    people = [
        (_("Search"), reverse("person_search")),
        (_("Participant list"), reverse("participant_list")),
    ]
    if user.edits_registry:
        people.append((_("Register a person"), reverse("person_create")))
    items = [(_("Participants"), people), (_("Counselling"), reverse("counsel"))]
    office = user.is_superuser or user.role in OFFICE_ROLES
    if office:
        items.append((_("Collection"), reverse("collection_home")))
    elif user.records_receipts:  # collection organisations and collectors
        items.append((_("My list"), reverse("collection_my_list")))
    if not user.records_receipts or user.edits_registry:  # office, province, commune leaders
        growth = [
            (_("Dashboard"), reverse("dashboard")),
            (_("Targets"), reverse("target_index")),
            (_("Campaigns"), reverse("campaign_list")),
            (_("Leaderboard"), reverse("leaderboard")),
        ]
        if office:
            growth.append((_("Prospects"), reverse("prospects")))
            growth.append((_("Communication"), reverse("activity_list")))
            growth.append((_("Lapse risk"), reverse("risk_models")))
        items.append((_("Growth"), growth))
    return {"nav": items}
