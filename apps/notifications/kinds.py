"""Known notification kinds with labels people understand. Apps may send other kinds too:
unknown kinds show their code and still get per-kind preferences."""

from django.utils.translation import gettext_lazy as _

KINDS: dict[str, str] = {
    "need_published": _("A need was published"),
    "bidding_closed": _("Bidding closed"),
    "proposal_submitted": _("A proposal was submitted"),
    "panel_assigned": _("You were added to a review panel"),
    "award_notice": _("Award notice"),
    "award_final": _("Award confirmed"),
    "objection": _("An objection was raised"),
    "project_milestone": _("Project milestones"),
    "hours_submitted": _("Service hours submitted"),
    "hours_reviewed": _("Service hours reviewed"),
    "payout": _("Payments"),
    "donation": _("Donations"),
    "certification": _("Certification"),
    "certificate_expiring": _("Certificate expiring"),
    "work_order": _("Work orders"),
    "work_order_escalated": _("Work order escalated"),
    "reminder": _("Reminders"),
    "system": _("System messages"),
    "bidding.need_published": _("A need was published"),
    "bidding.award_notice": _("Award notice"),
    "bidding.award_stalled": _("Award stalled"),
    "bidding.objection_filed": _("An objection was raised"),
    "bidding.draft_deadline": _("Draft past its bid deadline"),
    "bidding.question_asked": _("Questions on your community's needs"),
    "bidding.question_answered": _("Answers to questions on needs"),
    "bidding.deadline_extended": _("Bid deadline extended"),
    "bidding.objection_decided": _("Decisions on your objections"),
    "dispatch": _("Work orders"),
    "dispatch_reporter": _("Progress of your reports"),
    "dispatch_escalation": _("Work order escalated"),
    "dispatch_resident_report": _("New reports from residents"),
    "fund_reconciliation": _("Fund reconciliation warnings"),
    "fund_refund_hold": _("Refunds on hold"),
    "hours_waiting": _("Service hours waiting for you"),
    "milestone_due": _("Milestones due"),
    "registration_expiring": _("Registration expiring"),
    "shift_reminder": _("Shift reminders"),
    "shift_late_cancel": _("Late cancellations of shifts"),
    "organization_rejected": _("Organization registration rejected"),
    "worker_rejected": _("Worker verification rejected"),
    "training_submitted": _("Trainings to verify"),
    "training_decided": _("Decisions on your trainings"),
    "training_shortfall": _("Continuing education short of the requirement"),
    "participation.threshold": _("Residents' suggestions to answer"),
    "participation.escalated": _("Unanswered residents' suggestions"),
    "participation.suggestion": _("Answers to your suggestions"),
    "participation.need": _("Progress of needs from your suggestions"),
}


def kind_label(kind: str) -> str:
    return str(KINDS.get(kind, kind))
