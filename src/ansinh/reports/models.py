"""The figures summary: one row per commune per month, a cache of `metric_count`.

See docs/decisions/0013-figures-at-scale.md and `ansinh.reports.figures`.
"""

from django.db import models


class CommuneMonth(models.Model):
    """What `targets.queries.metric_count` would say for a commune in a month, stored.

    Filled set-based by `figures.refresh` (the monthly cycle, `manage.py figures refresh`,
    the demo build, and on demand when a row is missing or stale). Persons are counted in
    their commune at the time of the refresh, as the live query counts them in today's.
    """

    commune = models.ForeignKey("places.Commune", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # the first day
    #: VSI participants when the month is closed: a contribution month for it.
    vsi = models.PositiveIntegerField(default=0)
    #: VSI participants while the month is open (today's): a contribution for it or the one before.
    vsi_open = models.PositiveIntegerField(default=0)
    #: New paid enrolments whose first month is between January and this month.
    vsi_new = models.PositiveIntegerField(default=0)
    hi_new = models.PositiveIntegerField(default=0)
    #: HI participants on each day of the month: hi_days[d - 1] is the count on day d.
    hi_days = models.JSONField(default=list)
    #: Receipts paid in the month (any scheme), by the payer's commune.
    receipts = models.PositiveIntegerField(default=0)
    #: The home page's status counts as of `refreshed_at` (this month's row only).
    vsi_active = models.PositiveIntegerField(null=True)
    vsi_suspended = models.PositiveIntegerField(null=True)
    hi_active = models.PositiveIntegerField(null=True)
    refreshed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint("commune", "month", name="one_figures_row_per_commune_month")
        ]
        indexes = [models.Index(fields=["month", "commune"])]

    def __str__(self):
        return f"{self.commune_id} {self.month:%Y-%m}"
