"""Choices of the collection app: list kinds, non-payment reasons, visit outcomes, import states."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ListKind(models.TextChoices):
    DUE = "due", _("Due to pay next month")
    UNPAID = "unpaid", _("Not paid for the month before")


#: The Vietnamese titles used on the handed-over documents (Excel files, chat messages).
LIST_KIND_VI = {
    ListKind.DUE: "Danh sách người tham gia BHXH tự nguyện đến hạn đóng",
    ListKind.UNPAID: "Danh sách người tham gia BHXH tự nguyện chưa đóng",
}


class ReasonCode(models.TextChoices):
    HARDSHIP = "hardship", _("Financial hardship")
    AWAY = "away", _("Away working")
    FORGOT = "forgot", _("Forgot")
    COMPULSORY = "compulsory", _("Moved to compulsory insurance")
    WITHDRAWAL = "withdrawal", _("Wants a lump-sum withdrawal")
    ILL = "ill", _("Ill")
    DIED = "died", _("Died")
    UNREACHABLE = "unreachable", _("Cannot be reached")
    OTHER = "other", _("Other")


REASON_VI = {
    ReasonCode.HARDSHIP: "Khó khăn về kinh tế",
    ReasonCode.AWAY: "Đi làm ăn xa",
    ReasonCode.FORGOT: "Quên đóng",
    ReasonCode.COMPULSORY: "Chuyển sang BHXH bắt buộc",
    ReasonCode.WITHDRAWAL: "Muốn hưởng BHXH một lần",
    ReasonCode.ILL: "Ốm đau",
    ReasonCode.DIED: "Đã chết",
    ReasonCode.UNREACHABLE: "Không liên lạc được",
    ReasonCode.OTHER: "Lý do khác",
}


class Source(models.TextChoices):
    PAGE = "page", _("Page")
    FILE = "file", _("File")
    API = "api", _("API")


class VisitStatus(models.TextChoices):
    OPEN = "open", _("To visit")
    VISITED = "visited", _("Visited")
    RESOLVED = "resolved", _("Resolved: paid")
    CANCELLED = "cancelled", _("Cancelled")


class VisitOutcome(models.TextChoices):
    WILL_PAY = "will_pay", _("Will pay")
    PAID = "paid", _("Paid on the spot")
    REFUSED = "refused", _("Refused")
    NOT_HOME = "not_home", _("Not at home")
    MOVED = "moved", _("Moved away")
    STOPPED = "stopped", _("Left voluntary insurance (compulsory, withdrawal, died)")
    OTHER = "other", _("Other")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    VALIDATING = "validating", _("Checking rows")
    WRITING = "writing", _("Writing")
    DONE = "done", _("Imported")
    REJECTED = "rejected", _("Rejected: nothing written")
    FAILED = "failed", _("Failed: nothing written")


#: An import between its start and its end: its process must be alive (decision 0018).
RUNNING = (ImportStatus.VALIDATING, ImportStatus.WRITING)


class RowStatus(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    DUPLICATE = "duplicate", _("Already recorded")
    REJECTED = "rejected", _("Rejected")
    SKIPPED = "skipped", _("Not written")
