"""Field pages that a phone keeps for a day without signal (decision 0021, item 3).

A view decorated with ``offline_page`` answers with the header ``X-AnSinh-Offline: <key>``;
the service worker (``/sw.js``, ansinh.web) keeps a copy of exactly those answers, in a cache
named after the key, and of nothing else. The key stands for the logged-in user without
naming them (an HMAC of the user's id with the server's secret): a shared phone keeps one
user's pages apart from the next user's, and the service worker drops every other user's
cache when a new key arrives (and all of them on logout).
"""

from functools import wraps

from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

HEADER = "X-AnSinh-Offline"


def user_key(user) -> str:
    """The key of a logged-in user's offline copies ("" for an anonymous visitor)."""
    if user is None or not user.is_authenticated:
        return ""
    return salted_hmac("ansinh.offline.user", str(user.pk)).hexdigest()[:20]


def offline_page(view):
    """Mark a GET answer of a field page as one the phone may keep (for this user only)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        # base.html: the page asks the worker to keep it
        request.offline_page = request.method == "GET"
        response = view(request, *args, **kwargs)
        key = user_key(request.user)
        if request.method == "GET" and key and response.status_code == 200:
            response[HEADER] = key
            # the browser's own HTTP cache must not answer instead of the server or the worker
            response["Cache-Control"] = "private, no-cache"
        return response

    return wrapped


def offline_texts() -> dict:
    """What the page script says about offline copies, in the user's language."""
    return {
        "cached": _("No signal: this page is the copy saved on this phone at {time}."),
        "back": _("The signal is back: reload for the latest lists."),
        "reload": _("Reload"),
    }
