"""The API for collection organisations' own systems: lists, receipts, reasons.

Authenticate with `Authorization: Token <key>` (an organisation manager's token, created with
`manage.py drf_create_token <username>`); every query goes through the user's scope, so a
token sees only its organisation's people.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import PermissionDenied as ApiDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from ansinh.enrolment.queries import open_vsi
from ansinh.enrolment.services import ReceiptInput, record_vsi_receipt
from ansinh.registry.models import Person

from .. import queries, services
from ..choices import ListKind, Source
from ..models import Collector, CycleEntry, Organisation
from .serializers import (
    CycleEntrySerializer,
    CycleRunSerializer,
    ReasonInSerializer,
    ReasonOutSerializer,
    ReceiptInSerializer,
    ReceiptOutSerializer,
)


def _errors(exc: ValidationError) -> dict:
    if hasattr(exc, "message_dict"):
        return exc.message_dict
    return {"non_field_errors": exc.messages}


class CycleList(generics.ListAPIView):
    """The cycles (monthly lists) your organisation has received."""

    serializer_class = CycleRunSerializer

    def get_queryset(self):
        return queries.runs_for(self.request.user).order_by("-month")


class CycleEntries(generics.ListAPIView):
    """The people on one cycle's lists that your organisation looks after."""

    serializer_class = CycleEntrySerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, enum=ListKind.values, description="due or unpaid"),
            OpenApiParameter("collector", str, description="Only this collector's code"),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        run = queries.runs_for(self.request.user).filter(pk=self.kwargs["pk"]).first()
        if run is None:
            raise NotFound
        qs = (
            CycleEntry.objects.restrict(self.request.user)
            .filter(run=run)
            .select_related("organisation", "collector", "reason")
            .order_by("kind", "commune_name", "hamlet_name", "full_name", "id")
        )
        if self.request.query_params.get("kind") in ListKind.values:
            qs = qs.filter(kind=self.request.query_params["kind"])
        if self.request.query_params.get("collector"):
            code = self.request.query_params["collector"]
            collector = queries.collectors_for(self.request.user).filter(code=code).first()
            if collector is None:  # outside scope, like any object: not an empty list
                raise NotFound
            qs = qs.filter(collector=collector)
        return qs


def _person(user, code):
    return Person.objects.restrict(user).filter(Q(si_code=code) | Q(cccd=code)).first()


class ReceiptCreate(APIView):
    """Record one voluntary social insurance receipt (the amount must equal the quote)."""

    @extend_schema(request=ReceiptInSerializer, responses={201: ReceiptOutSerializer})
    def post(self, request):
        s = ReceiptInSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        user = request.user
        person = _person(user, d["si_code"])
        if person is None:
            return Response(
                {"si_code": ["No participant with this code in your area."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        enrolment = open_vsi(person)
        if enrolment is None:
            return Response(
                {"si_code": ["No open voluntary social insurance enrolment."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        collector_id = None
        if d.get("collector_code"):
            c = Collector.objects.filter(
                code=d["collector_code"], organisation__in=Organisation.objects.restrict(user)
            ).first()
            if c is None or (user.collector_id and c.pk != user.collector_id):
                return Response(
                    {"collector_code": ["Unknown collector code for your organisation."]},
                    status=status.HTTP_400_BAD_REQUEST,
                )
            collector_id = c.pk
        try:
            receipt = record_vsi_receipt(
                user,
                enrolment,
                ReceiptInput(
                    number=d["number"],
                    paid_on=d["paid_on"],
                    months=d["months"],
                    amount=d["amount"],
                    collector_id=collector_id,
                    organisation_id=user.organisation_id,
                    source="api",
                    mode=d.get("mode", ""),
                ),
            )
        except ValidationError as exc:
            return Response(_errors(exc), status=status.HTTP_400_BAD_REQUEST)
        except PermissionDenied as exc:
            raise ApiDenied(str(exc))
        enrolment.refresh_from_db()
        out = ReceiptOutSerializer(
            {
                "id": receipt.pk,
                "number": receipt.number,
                "from_month": receipt.from_month,
                "months": receipt.months,
                "gross": receipt.gross,
                "support": receipt.support,
                "amount": receipt.amount,
                "paid_through": enrolment.paid_through,
            }
        )
        return Response(out.data, status=status.HTTP_201_CREATED)


class ReasonCreate(APIView):
    """Report why a person on a cycle's unpaid list did not pay (replaces an earlier report)."""

    @extend_schema(request=ReasonInSerializer, responses={201: ReasonOutSerializer})
    def post(self, request):
        s = ReasonInSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        run = queries.runs_for(request.user).filter(pk=d["cycle"]).first()
        if run is None:
            return Response({"cycle": ["Unknown cycle."]}, status=status.HTTP_400_BAD_REQUEST)
        entry = (
            CycleEntry.objects.restrict(request.user)
            .filter(run=run, kind=ListKind.UNPAID)
            .filter(Q(si_code=d["si_code"]) | Q(person__cccd=d["si_code"]))
            .first()
        )
        if entry is None:
            return Response(
                {"si_code": ["This person is not on your unpaid list of this cycle."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        try:
            reason = services.save_reason(
                request.user, entry, d["code"], d.get("note", ""), Source.API
            )
        except ValidationError as exc:
            return Response(_errors(exc), status=status.HTTP_400_BAD_REQUEST)
        return Response({"entry": entry.pk, "code": reason.code}, status=status.HTTP_201_CREATED)
