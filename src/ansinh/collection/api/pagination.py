"""Pages of the API's lists: `limit` (1 to 1,000, default 100) and `offset` (0 or more).

DRF's LimitOffsetPagination silently reads `?offset=abc` as 0 and `?limit=-5` as the default;
a client with a bug then pages through the same rows for ever. Here a value that is not a
whole number in range is refused with a 400 naming the parameter.
"""

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination


class StrictLimitOffsetPagination(LimitOffsetPagination):
    default_limit = 100
    max_limit = 1000

    def _number(self, request, name, minimum, maximum=None):
        raw = request.query_params.get(name)
        if raw is None:
            return None
        try:
            value = int(raw)
        except ValueError:
            value = None
        if value is None or value < minimum or (maximum is not None and value > maximum):
            if maximum is None:
                message = _("A whole number of %(min)s or more.") % {"min": minimum}
            else:
                message = _("A whole number from %(min)s to %(max)s.") % {
                    "min": minimum,
                    "max": maximum,
                }
            raise ValidationError({name: [message]})
        return value

    def get_limit(self, request):
        limit = self._number(request, self.limit_query_param, 1, self.max_limit)
        return self.default_limit if limit is None else limit

    def get_offset(self, request):
        return self._number(request, self.offset_query_param, 0) or 0

    def get_schema_operation_parameters(self, view):
        limit, offset = super().get_schema_operation_parameters(view)
        limit["schema"].update(minimum=1, maximum=self.max_limit)
        offset["schema"].update(minimum=0)
        return [limit, offset]
