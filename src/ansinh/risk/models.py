"""A trained lapse-risk model, kept as numbers (decision 0022): no pickle, nothing executable.

One logistic regression per list kind (the due list and the unpaid list: the same feature
does not mean the same on both, e.g. paying monthly), fitted by scikit-learn on standardised
features. `coefficients`, `intercept`, `means` and `scales` are keyed by the list kind
("due", "unpaid"). A row's score is
`1 / (1 + exp(-(intercept[k] + sum(coef[k]_i * (x_i - mean[k]_i) / scale[k]_i))))`; the
reasons shown for it are its largest positive terms `coef[k]_i * (x_i - mean[k]_i) / scale[k]_i`.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ansinh.accounts.scope import ScopedQuerySet


class RiskModel(models.Model):
    office = models.ForeignKey(
        "places.Office", on_delete=models.CASCADE, related_name="+", verbose_name=_("office")
    )
    trained_at = models.DateTimeField(_("trained at"), auto_now_add=True)
    as_of = models.DateField(_("data as of"))  # labels known on this day
    window_start = models.DateField(_("first list month"))
    window_end = models.DateField(_("last list month"))
    horizon_months = models.PositiveSmallIntegerField()
    rows = models.PositiveIntegerField(_("rows"))
    positives = models.PositiveIntegerField(_("lapsed rows"))
    features = models.JSONField()  # names, in order
    coefficients = models.JSONField()  # {kind: [one per feature]}
    intercept = models.JSONField()  # {kind: float}
    means = models.JSONField()  # {kind: [...]}
    scales = models.JSONField()  # {kind: [...]}
    #: The collectors' smoothed lapse rates on `as_of` ({collector id: rate}) and the rate of
    #: a collector with no history (the office's).
    collector_rates = models.JSONField(default=dict)
    collector_prior = models.FloatField(default=0.0)
    regularisation = models.FloatField(default=1.0)  # scikit-learn's C
    library = models.CharField(max_length=40, blank=True)  # "scikit-learn 1.9.1"
    # Measured on the held-out later list months (trained on the earlier ones).
    test_from = models.DateField(_("held out from"), null=True)
    train_rows = models.PositiveIntegerField(default=0)
    test_rows = models.PositiveIntegerField(default=0)
    test_positives = models.PositiveIntegerField(default=0)
    auc = models.FloatField(_("AUC"), null=True)
    brier = models.FloatField(_("Brier score"), null=True)
    auc_due = models.FloatField(null=True)
    auc_unpaid = models.FloatField(null=True)
    brier_due = models.FloatField(null=True)
    brier_unpaid = models.FloatField(null=True)
    elapsed_ms = models.PositiveIntegerField(default=0)

    objects = ScopedQuerySet.as_manager()
    scope_office_path = "office"

    class Meta:
        ordering = ["-trained_at", "-id"]
        verbose_name = _("lapse-risk model")
        indexes = [models.Index(fields=["office", "-trained_at"], name="risk_model_latest")]

    def __str__(self):
        return f"{self.office_id} {self.trained_at:%d/%m/%Y %H:%M}"
