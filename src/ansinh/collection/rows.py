"""The rows of a collector's phone list, the reason form of an unpaid person and the lapse-risk
badge, as HTML built in Python (decision 0027).

A collector's list can hold 1,400 people. Django's template engine spent ~115 µs on each row
(its variable lookups, filters and escapes), 165 ms for the longest list of the province
bench; these functions build the same markup in a fraction of it. The pages call them
through the `collection_rows` template tags; every text is the msgid the templates had, and
every text and value is escaped (`html.escape`, as Django's own `escape` does, without its
lazy-string check, which was half the cost of a row built with `format_html`).
"""

from __future__ import annotations

from html import escape

from django.middleware.csrf import get_token
from django.utils.dateformat import format as date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from ansinh.common.templatetags.ansinh import path_of, percent, stored_message
from ansinh.common.text import money, month_label

RISK_TITLE = gettext_noop(
    "Chance of not paying this period within two months of its deadline, learned from the "
    "office’s own history"
)


def _words() -> dict[str, str]:
    """The page's texts in the active language, escaped, looked up once per page."""
    words = {
        "paid": _("paid today"),
        "due": _("due"),
        "record": _("Record a payment"),
        "collect": _("Collect"),
        "months": _("months"),
        "why": _("Reason not paid"),
        "qr": _("QR: the participant looks up their own status"),
        "qr_alt": _("QR code of the look-up page"),
        "qr_help": _(
            "Show it to the participant: their phone opens the look-up with the code filled "
            "in; they add their date of birth."
        ),
        "reason_label": _("Reason"),
        "reason": _("reason"),
        "note": _("Note"),
        "save": _("Save"),
        "risk_title": _(RISK_TITLE),
    }
    return {k: escape(v) for k, v in words.items()}


def phone_rows(request, entries, reason_codes) -> SafeString:
    """The rows of one hamlet of the phone list (`collection.queries.my_list`'s entries)."""
    words, form = _page_parts(request, reason_codes)
    return mark_safe("".join(_row(e, words, form) for e in entries))


def _page_parts(request, reason_codes) -> tuple[dict[str, str], _FormParts]:
    """The texts and form parts of one page, made once per request (each hamlet's rows and
    each row's reason form on the unpaid list ask for them again)."""
    parts = getattr(request, "_collection_row_parts", None)
    if parts is None:
        parts = request._collection_row_parts = (_words(), _FormParts(request, reason_codes))
    return parts


class _FormParts:
    """What every reason form of a page shares: the CSRF token (one masked token serves every
    form), the page to come back to, the reasons to choose from (escaped once)."""

    def __init__(self, request, reason_codes):
        self.token = escape(get_token(request))
        self.next = escape(request.get_full_path())
        self.codes = [(escape(str(code)), escape(str(label))) for code, label in reason_codes]


def _row(e, w, form) -> str:
    done = e.done_today
    if done:
        badge = f'<span class="badge ok">✓ {w["paid"]}</span>'
    elif e.kind == "unpaid":
        n = e.months_overdue
        overdue = ngettext("%(n)s month overdue", "%(n)s months overdue", n) % {"n": n}
        badge = f'<span class="badge bad">{escape(overdue)}</span>'
    else:
        badge = f'<span class="badge">{w["due"]} {month_label(e.deadline)}</span>'
    phone = f' · <a href="tel:{escape(e.phone)}">{escape(e.phone)}</a>' if e.phone else ""
    pay = (
        ""
        if done
        else f'<a role="button" class="pay" href="{path_of(e.enrolment_id, "vsi_receipt")}" '
        f'title="{w["record"]}" data-testid="record-payment">{w["collect"]}</a>'
    )
    months = f" · {e.months_to_pay} {w['months']}" if e.kind == "unpaid" else ""
    why = ""
    if e.kind == "unpaid" and not done:
        reported = e.reported
        why = (
            f'<details class="why"{" open" if reported else ""}><summary>{w["why"]}'
            f"{' ✓' if reported else ''}</summary>{_reason_form(e, w, form)}</details>"
        )
    qr = ""
    if e.si_code:
        qr = (
            f'<details class="qr"><summary>{w["qr"]}</summary><img loading="lazy" width="180" '
            f'height="180" src="{escape(path_of(e.si_code, "lookup_qr"))}" alt="{w["qr_alt"]}" '
            f'data-testid="lookup-qr"><br><small class="muted">{w["qr_help"]}</small></details>'
        )
    return f"""  <article class="entry{" done" if done else ""}" data-testid="entry">
    <div class="line">
      <div class="who"><strong>{escape(e.full_name)}</strong>
        {badge}
        <br><span class="num">{money(e.amount)}</span>{phone}
      </div>
      {pay}
    </div>
    <small class="muted">{escape(e.address)}{months}</small>
    {_risk(e, w)}
    {why}
    {qr}
  </article>
"""


def reason_form(request, e, reason_codes, error=None) -> SafeString:
    """The form an organisation reports why an unpaid person did not pay with (htmx swaps it
    for the saved one)."""
    words, form = _page_parts(request, reason_codes)
    return mark_safe(_reason_form(e, words, form, error))


def _reason_form(e, w, form, error=None) -> str:
    reported = e.reported
    chosen = escape(reported.code) if reported else None
    options = "".join(
        f'<option value="{code}" {"selected" if code == chosen else ""}>{label}</option>'
        for code, label in form.codes
    )
    action = path_of(e.pk, "collection_reason")
    badge = (
        f'<span class="badge ok">✓ {date_format(localtime(reported.reported_at), "d/m H:i")}</span>'
        if reported
        else ""
    )
    said = f'<span class="errorlist">{escape(str(error))}</span>' if error else ""
    return f"""<form class="reason" hx-post="{action}" hx-target="this" hx-swap="outerHTML" \
method="post" action="{action}"><input type="hidden" name="csrfmiddlewaretoken" \
value="{form.token}">
  <input type="hidden" name="next" value="{form.next}">
  <select name="code" aria-label="{w["reason_label"]}" required>
    <option value="">— {w["reason"]} —</option>
    {options}
  </select>
  <input name="note" placeholder="{w["note"]}" value="{escape(reported.note) if reported else ""}" \
aria-label="{w["note"]}">
  <button type="submit" class="outline">{w["save"]}</button>
  {badge}
  {said}
</form>"""


def risk_badge(e) -> SafeString:
    """The lapse risk of a list's row and its reasons ("" when the row has no risk)."""
    return mark_safe(_risk(e, {"risk_title": escape(_(RISK_TITLE))}))


def _risk(e, w) -> str:
    if e.risk is None:
        return ""
    level = "bad" if e.risk >= 0.5 else "warn" if e.risk >= 0.2 else ""
    reasons = list(e.risk_reasons or [])
    said = "".join(
        f' <small class="reason" data-testid="risk-reason">{escape(stored_message(r))}'
        f"{'' if i == len(reasons) - 1 else ';'}</small>"
        for i, r in enumerate(reasons)
    )
    risk = escape(_("Lapse risk %(p)s%%") % {"p": percent(e.risk)})
    return (
        f'<p class="risk" data-testid="risk"><span class="badge {level}" '
        f'title="{w["risk_title"]}">{risk}</span>{said}</p>'
    )
