"""Vietnamese first: the language is the one the user chose (the EN/VI switch), else Vietnamese.

Django's LocaleMiddleware would follow the browser's Accept-Language, so an office laptop
with an English browser would show English pages; offices expect Vietnamese by default.
"""

import time

from django.conf import settings
from django.middleware.gzip import GZipMiddleware
from django.utils import translation


class VietnameseFirstMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


#: What a page may load: everything from this server and nothing else (no CDN, no inline
#: script, no eval); inline style attributes stay allowed (the templates and htmx use them).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    """Send the Content-Security-Policy header on every answer (settings.CONTENT_SECURITY_POLICY
    overrides the policy above)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = getattr(settings, "CONTENT_SECURITY_POLICY", CONTENT_SECURITY_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        return response


class ParameterUseMiddleware:
    """Each request is one ``track_parameters()`` block: the pages, PDFs and exports it makes
    can say which unconfirmed legal parameters their figures read (``ansinh.common.unconfirmed``),
    whichever computation read them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from ansinh.rules.parameters import track_parameters

        with track_parameters() as used:
            request.parameter_use = used
            return self.get_response(request)


class SessionRefreshMiddleware:
    """Move an idle session's end on (settings.SESSION_COOKIE_AGE from the last request), but
    write the session at most every SESSION_REFRESH_SECONDS: saving it on every request (Django's
    SESSION_SAVE_EVERY_REQUEST) made every page view a database write and a commit. A session
    so ends between AGE - REFRESH and AGE after its last request."""

    KEY = "_seen"

    def __init__(self, get_response):
        self.get_response = get_response
        self.every = getattr(settings, "SESSION_REFRESH_SECONDS", 300)

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty():
            now = int(time.time())
            if now - int(session.get(self.KEY, 0)) >= self.every:
                session[self.KEY] = now  # modified: SessionMiddleware saves it, new expiry
        return response


class CompressPagesMiddleware(GZipMiddleware):
    """Pages compressed when the browser asks (a collector's list of 1,400 people is 1.5 MB of
    HTML, 52 KB compressed; Django's GZip adds random bytes against BREACH). Files that are
    compressed already (Excel and Word are zip files, PDF and images compress themselves) are
    sent as they are: compressing them again costs CPU and saves nothing."""

    ALREADY_COMPRESSED = (
        "application/vnd.openxmlformats",
        "application/zip",
        "application/pdf",
        "image/png",
        "image/jpeg",
    )

    def process_response(self, request, response):
        if response.get("Content-Type", "").startswith(self.ALREADY_COMPRESSED):
            return response
        return super().process_response(request, response)
