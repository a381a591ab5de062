"""Form helpers every app's views use."""

from django.core.exceptions import ValidationError


def add_errors(form, exc: ValidationError) -> None:
    """A service's ValidationError on the form: on its field when the form has it, else on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
