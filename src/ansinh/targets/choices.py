from django.db import models
from django.utils.translation import gettext_lazy as _


class Metric(models.TextChoices):
    VSI = "vsi", _("VSI participants at year end")
    HI = "hi", _("HI participants at year end")
    VSI_NEW = "vsi_new", _("New VSI enrolments in the year")
    HI_NEW = "hi_new", _("New HI enrolments in the year")


#: Vietnamese labels for documents sent to the province (Excel titles, period report).
METRIC_VI = {
    Metric.VSI: "Người tham gia BHXH tự nguyện",
    Metric.HI: "Người tham gia BHYT hộ gia đình",
    Metric.VSI_NEW: "Phát triển mới BHXH tự nguyện",
    Metric.HI_NEW: "Phát triển mới BHYT hộ gia đình",
}


class Level(models.TextChoices):
    COMMUNE = "commune", _("Communes")
    ORGANISATION = "organisation", _("Collection organisations")
    COLLECTOR = "collector", _("Collectors")
