"""What the enrolment app tells the apps above it, without importing them (decision 0017).

`enrolled`: sent once the transaction that made a VSI or HI enrolment has committed.
Sent from `services.enrol_vsi` / `services.enrol_hi`, whatever page, visit or import called
them, so other apps can react without the enrolment services knowing them (campaigns
credits the person's collector on the leaderboard: see docs/decisions/0011).
Receivers get `enrolment` (a VsiEnrolment or HiEnrolment) and `user`.

`vsi_paid`: sent inside the receipt's transaction when a receipt has moved a VSI
enrolment's paid-through month, with `enrolment_ids` and `on` (the payment date); the
collection app resolves the follow-up visits it opened for those people (collection.apps).
"""

from django.dispatch import Signal

enrolled = Signal()
vsi_paid = Signal()
