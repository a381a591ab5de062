"""`enrolled`: sent once the transaction that made a VSI or HI enrolment has committed.

Sent from `services.enrol_vsi` / `services.enrol_hi`, whatever page, visit or import called
them, so other apps can react without the enrolment services knowing them (campaigns
credits the person's collector on the leaderboard: see docs/decisions/0011).
Receivers get `enrolment` (a VsiEnrolment or HiEnrolment) and `user`.
"""

from django.dispatch import Signal

enrolled = Signal()
