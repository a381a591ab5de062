"""Bad input to a quote, said so that a page can word it in its own language.

The rules speak English (``str(exc)``, the command line's default); ``field``, ``code`` and
``params`` let ``ansinh.common.rule_errors.quote_error`` say the same in Vietnamese or
English and put it beside the field it is about (``months``, ``mode``, ``group``, ...).
"""


class InputError(ValueError):
    """A quote's input that does not fit; ``field``/``code``/``params`` say which and why."""

    def __init__(self, field: str, code: str, message: str, **params):
        super().__init__(message % params if params else message)
        self.field, self.code, self.params = field, code, params
