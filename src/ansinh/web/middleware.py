"""Vietnamese first: the language is the one the user chose (the EN/VI switch), else Vietnamese.

Django's LocaleMiddleware would follow the browser's Accept-Language, so an office laptop
with an English browser would show English pages; offices expect Vietnamese by default.
"""

from django.conf import settings
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
