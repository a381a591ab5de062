"""QR codes made here (segno, no network): the participant's look-up page, prefilled with
the social-insurance code (never the date of birth, never the CCCD)."""

from __future__ import annotations

import io
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.urls import reverse


def lookup_url(base: str, si_code: str = "") -> str:
    """The look-up page's absolute address; `base` is "https://host" (no trailing slash).

    ANSINH_PUBLIC_URL (settings.PUBLIC_URL), when set, wins over the request's host: a
    server behind a proxy knows its public name better than the request does.
    """
    root = (getattr(settings, "PUBLIC_URL", "") or base).rstrip("/")
    url = root + reverse("lookup")
    return f"{url}?{urlencode({'ma': si_code})}" if si_code else url


def svg(data: str, scale: int = 3) -> str:
    """An inline <svg> element (no XML declaration), dark modules on white."""
    return segno.make(data, error="m").svg_inline(scale=scale, border=2)


def png(data: str, scale: int = 3) -> bytes:
    out = io.BytesIO()
    segno.make(data, error="m").save(out, kind="png", scale=scale, border=2)
    return out.getvalue()
