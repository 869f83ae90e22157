"""A resident report follows its work order: its public status, and mail to the reporter and to
everyone who joined it, at acceptance, dispatch, reply and closing, each mail with a one-click
unsubscribe link (a signed token) and, for the reporter once handled, a signed rating link.

Called by the dispatch services inside their transaction; the mail leaves after commit
(``notifications.services.mail_address``)."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from apps.dispatch.models import ResidentReport, WorkOrder, WorkOrderEvent
from apps.notifications.services import mail_address

UNSUBSCRIBE_SALT = "dispatch.report.unsubscribe"
RATE_SALT = "dispatch.report.rate"
RATE_TOKEN_MAX_AGE = 60 * 60 * 24 * 90  # a rating link works for 90 days

# The report's public status for each status of its work order.
STATUS_FROM_ORDER = {
    WorkOrder.Status.REPORTED: ResidentReport.Status.ACCEPTED,
    WorkOrder.Status.CALLED: ResidentReport.Status.ACCEPTED,
    WorkOrder.Status.DISPATCHED: ResidentReport.Status.DISPATCHED,
    WorkOrder.Status.ACCEPTED: ResidentReport.Status.DISPATCHED,
    WorkOrder.Status.HANDLED: ResidentReport.Status.HANDLED,
    WorkOrder.Status.CLOSED: ResidentReport.Status.CLOSED,
}
# Which events of the order are mailed to followers.
MAILED = {
    WorkOrderEvent.Kind.DISPATCHED: "dispatched",
    WorkOrderEvent.Kind.HANDLED: "replied",
    WorkOrderEvent.Kind.CO_REPLIED: "replied",
    WorkOrderEvent.Kind.CLOSED: "closed",
    WorkOrderEvent.Kind.REOPENED: "reopened",
}


def unsubscribe_token(follower) -> str:
    return signing.dumps({"f": follower.pk}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_follower_id(token: str) -> int | None:
    try:
        return int(signing.loads(token, salt=UNSUBSCRIBE_SALT)["f"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def rate_token(report: ResidentReport) -> str:
    return signing.TimestampSigner(salt=RATE_SALT).sign(report.tracking_no)


def rate_token_valid(report: ResidentReport, token: str) -> bool:
    try:
        value = signing.TimestampSigner(salt=RATE_SALT).unsign(token or "", max_age=RATE_TOKEN_MAX_AGE)
    except signing.BadSignature:
        return False
    return value == report.tracking_no


def _absolute(path: str) -> str:
    return f"{settings.SITE_BASE_URL}{path}"


def _lang_path(path: str, language: str) -> str:
    """The page in the follower's language (English pages live under /en/)."""
    return f"/en{path}" if language.startswith("en") else path


def _message(report: ResidentReport, what: str) -> tuple[str, str]:
    category = report.category.display_name
    subject = {
        "accepted": _("Your report %(no)s was taken up"),
        "rejected": _("Your report %(no)s was not taken up"),
        "dispatched": _("Your report %(no)s was sent to a unit to handle"),
        "replied": _("A unit replied about your report %(no)s"),
        "closed": _("Your report %(no)s is closed"),
        "reopened": _("Your report %(no)s is being handled again"),
    }[what] % {"no": report.tracking_no}
    lines = [subject + f" ({category})."]
    if what == "rejected" and report.reject_reason:
        lines.append(_("Reason: %(reason)s") % {"reason": report.reject_reason})
    if what == "replied" and report.work_order_id and report.work_order.action:
        lines.append(_("What was done: %(action)s") % {"action": report.work_order.action})
    return subject, "\n".join(lines)


def report_mail_followers(*, report: ResidentReport, what: str) -> int:
    """Mail every follower with an e-mail who has not unsubscribed; returns how many."""
    sent = 0
    track = reverse("dispatch:report-track", args=[report.tracking_no])
    for follower in report.followers.filter(unsubscribed_at__isnull=True).exclude(email=""):
        with translation.override(follower.language or "zh-hans"):
            subject, body = _message(report, what)
            unsubscribe = _absolute(
                _lang_path(
                    reverse("dispatch:report-unsubscribe", args=[unsubscribe_token(follower)]), follower.language
                )
            )
            parts = [body, "", _("Follow it here: %(url)s") % {"url": _absolute(_lang_path(track, follower.language))}]
            if not follower.joined and report.status == ResidentReport.Status.HANDLED:
                rate = _absolute(_lang_path(track, follower.language)) + f"?t={rate_token(report)}#rate"
                parts.append(_("Rate the result (1–5): %(url)s") % {"url": rate})
            parts += ["", _("No more mails about this report: %(url)s") % {"url": unsubscribe}]
            mail_address(
                to=follower.email,
                subject=subject,
                body="\n".join(parts),
                headers={"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
            )
            sent += 1
    return sent


def report_follow_order(*, order: WorkOrder, event: WorkOrderEvent) -> None:
    """The order behind a resident report moved: bring the report's status along and mail its
    followers at dispatch, reply and closing."""
    report = ResidentReport.objects.filter(work_order=order).select_related("category", "work_order").first()
    if report is None:
        return
    status = STATUS_FROM_ORDER.get(order.status, report.status)
    if status != report.status:
        report.status = status
        report.save(update_fields=["status", "updated_at"])
    what = MAILED.get(event.kind)
    if what:
        report.work_order = order
        report_mail_followers(report=report, what=what)
