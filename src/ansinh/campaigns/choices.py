from django.db import models
from django.utils.translation import gettext_lazy as _


class MemberRole(models.TextChoices):
    SI_STAFF = "si_staff", _("Social-insurance staff")
    POST = "post", _("Post office")
    VIETTEL = "viettel", _("Viettel")
    COMMUNE = "commune", _("Commune official")
    COLLABORATOR = "collaborator", _("Hamlet collaborator")


MEMBER_ROLE_VI = {
    "si_staff": "Cán bộ BHXH",
    "post": "Bưu điện",
    "viettel": "Viettel",
    "commune": "Cán bộ xã",
    "collaborator": "Cộng tác viên ấp",
}


class Outcome(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    WILL_ENROL = "will_enrol", _("Will enrol")
    REFUSED = "refused", _("Refused")
    NOT_HOME = "not_home", _("Not at home")


class RefusalReason(models.TextChoices):
    NO_INCOME = "no_income", _("No or unstable income")
    NOT_INTERESTED = "not_interested", _("Not interested")
    DISTRUST = "distrust", _("Does not trust the scheme")
    TOO_OLD = "too_old", _("Too old to reach 15 years")
    INSURED = "insured", _("Already insured elsewhere")
    FAMILY = "family", _("Family will decide later")
    OTHER = "other", _("Other")


class ActivityKind(models.TextChoices):
    LOUDSPEAKER = "loudspeaker", _("Loudspeaker broadcast")
    MEETING = "meeting", _("Meeting")
    LEAFLET = "leaflet", _("Leaflets")
    BANNER = "banner", _("Banner")
    SEMINAR = "seminar", _("Seminar")
    SOCIAL = "social", _("Social-network post")


class Scheme(models.TextChoices):
    VSI = "vsi", _("Voluntary social insurance")
    HI = "hi", _("Household health insurance")


#: A group has at least this many members (the Model's rule).
MIN_GROUP_SIZE = 5

REFUSAL_VI = {
    "no_income": "Không có hoặc thu nhập không ổn định",
    "not_interested": "Chưa quan tâm",
    "distrust": "Chưa tin tưởng chính sách",
    "too_old": "Lớn tuổi, không đủ 15 năm đóng",
    "insured": "Đã tham gia ở nơi khác",
    "family": "Gia đình sẽ bàn lại",
    "other": "Lý do khác",
}

ACTIVITY_VI = {
    "loudspeaker": "Phát thanh loa",
    "meeting": "Họp dân",
    "leaflet": "Phát tờ rơi",
    "banner": "Băng rôn",
    "seminar": "Hội thảo",
    "social": "Mạng xã hội",
}
