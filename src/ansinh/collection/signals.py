"""What the collection app tells the apps above it, without importing them (decision 0017).

`cycle_command_done`: sent by `manage.py cycle run` once the month's lists are issued, with
`month` (a rules.months.Month). The cycle suspends people, so the reports app refreshes the
dashboard's figures for the month and the one before (reports.apps; not timed as part of the
cycle). Lists issued from the page do not send it: the nightly `figures refresh` covers them.

`cycle_issued`: sent once a cycle's new runs are committed (the command, the page, the
scheduled job), with `run_ids` (the runs created, not those already issued). Past cycles
built for the demo (`historical=True`) do not send it. The risk app scores the new lists
(risk.apps, decision 0022).
"""

from django.dispatch import Signal

cycle_command_done = Signal()
cycle_issued = Signal()
