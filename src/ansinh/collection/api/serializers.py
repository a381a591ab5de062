from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ansinh.common.rule_errors import identity_error
from ansinh.rules.identity import IdentityError, check_person_code
from ansinh.rules.vsi import MODES

from ..choices import ReasonCode
from ..models import CycleEntry, CycleRun


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2026-10"})
class MonthField(serializers.DateField):
    """A month as YYYY-MM (the first day of the month in the database)."""

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m", **kwargs)


class CycleRunSerializer(serializers.ModelSerializer):
    office = serializers.CharField(source="office.code")
    month = MonthField()

    class Meta:
        model = CycleRun
        fields = ["id", "office", "month", "issued_at", "due_count", "unpaid_count"]


class CycleEntrySerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.code", default=None)
    collector = serializers.CharField(source="collector.code", default=None)
    reason = serializers.CharField(source="reason.code", default=None)
    reason_note = serializers.CharField(source="reason.note", default=None)

    class Meta:
        model = CycleEntry
        fields = [
            "id",
            "kind",
            "full_name",
            "si_code",
            "birth_date",
            "phone",
            "address",
            "hamlet_name",
            "commune_name",
            "commune",
            "organisation",
            "collector",
            "income",
            "method",
            "paid_through",
            "period_start",
            "deadline",
            "months_overdue",
            "months_to_pay",
            "amount",
            "reason",
            "reason_note",
        ]


class PersonCodeField(serializers.CharField):
    """A social-insurance code (10 digits) or CCCD (12 digits, a real province code),
    spaces and dots dropped; a malformed code is refused with the field named."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_length", 1)
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("help_text", _("Social-insurance code (10 digits) or CCCD (12 digits)"))
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            return check_person_code(value)
        except IdentityError as exc:
            raise serializers.ValidationError(identity_error(exc)) from None


class ReceiptInSerializer(serializers.Serializer):
    number = serializers.CharField(
        min_length=1, max_length=40, help_text=_("Receipt number (unique)")
    )
    si_code = PersonCodeField()
    paid_on = serializers.DateField()
    months = serializers.IntegerField(min_value=1, max_value=60)
    amount = serializers.IntegerField(min_value=0, help_text=_("Paid by the participant, dong"))
    collector_code = serializers.CharField(max_length=20, required=False, allow_blank=True)
    mode = serializers.ChoiceField(
        choices=MODES,
        required=False,
        allow_blank=True,
        help_text=_("Payment mode; empty: the enrolment's own"),
    )


class ReceiptOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    from_month = MonthField()
    months = serializers.IntegerField()
    gross = serializers.IntegerField()
    support = serializers.IntegerField()
    amount = serializers.IntegerField()
    paid_through = MonthField()


class ReasonInSerializer(serializers.Serializer):
    cycle = serializers.IntegerField(help_text=_("Cycle id (from /api/v1/collection/cycles/)"))
    si_code = PersonCodeField()
    code = serializers.ChoiceField(choices=ReasonCode.choices)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class ReasonOutSerializer(serializers.Serializer):
    entry = serializers.IntegerField(help_text=_("The cycle entry the reason is recorded on"))
    code = serializers.CharField()
