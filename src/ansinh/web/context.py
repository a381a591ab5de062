"""Template context shared by every page: the navigation for the user's role."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    items = [
        (_("Home"), reverse("home")),
        (_("Search"), reverse("person_search")),
        (_("Participants"), reverse("participant_list")),
    ]
    if user.edits_registry:
        items.append((_("Register"), reverse("person_create")))
    items.append((_("Counselling"), reverse("counsel")))
    if user.is_superuser or user.role in ("office_manager", "official", "provincial_admin"):
        items.append((_("Collection"), reverse("collection_home")))
    elif user.records_receipts:  # collection organisations and collectors
        items.append((_("My list"), reverse("collection_my_list")))
    if not user.records_receipts or user.edits_registry:  # office, province, commune leaders
        items.append((_("Targets"), reverse("target_index")))
        items.append((_("Campaigns"), reverse("campaign_list")))
        items.append((_("Dashboard"), reverse("dashboard")))
    return {"nav": items}
