from django.contrib import admin

from ansinh.accounts.admin import ScopedAdmin

from .models import HiEnrolment, Receipt, VsiEnrolment


@admin.register(VsiEnrolment)
class VsiEnrolmentAdmin(ScopedAdmin):
    list_display = ("person", "start_month", "income", "method", "status", "paid_through")
    list_filter = ("status", "method")
    raw_id_fields = ("person", "created_by")

    def has_delete_permission(self, request, obj=None):
        # An enrolment is stopped, never deleted: its receipts and months name it, and the
        # database does not check them (decision 0015).
        return False


@admin.register(HiEnrolment)
class HiEnrolmentAdmin(ScopedAdmin):
    list_display = ("person", "household", "member_order", "card_from", "card_to", "status")
    list_filter = ("status",)
    raw_id_fields = ("person", "household")


@admin.register(Receipt)
class ReceiptAdmin(ScopedAdmin):
    list_display = ("number", "scheme", "person", "paid_on", "from_month", "months", "amount")
    list_filter = ("scheme", "source")
    search_fields = ("number",)
    raw_id_fields = ("person", "vsi_enrolment", "household", "collector", "recorded_by")
