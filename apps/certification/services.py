"""Writes of the certification workflow: one service per transition (Journey 6 of DESIGN.md)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg, Exists, F, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Role
from apps.accounts.selectors import (
    is_platform_staff,
    user_has_role,
    user_organization_ids,
    user_was_member_since,
    users_with_role,
)
from apps.certification import eligibility
from apps.certification.models import (
    AnnualReport,
    Application,
    ApplicationDocument,
    ApplicationEvent,
    Certificate,
    Objection,
    PanelMember,
    Score,
)
from apps.core.dates import local_date, local_datetime
from apps.core.errors import PermissionDenied, StateConflict, ValidationFailed
from apps.core.selectors import policy_current
from apps.core.uploads import validate_upload
from apps.notifications.services import notifications_resolve, notify

# ---------------------------------------------------------------- helpers


def _url(application: Application) -> str:
    return application.get_absolute_url()


def _notify_applicant(application: Application, title: str, body: str = "") -> None:
    notify(
        users=users_with_role(Role.ORG_ADMIN, organization=application.organization),
        kind="certification",
        title=title,
        body=body,
        url=_url(application),
    )


def _notify_staff(application: Application, title: str, body: str = "") -> None:
    notify(
        users=users_with_role(Role.PLATFORM_STAFF),
        kind="certification",
        title=title,
        body=body,
        url=reverse("certification-queue"),
    )


def _transition(application: Application, to: str, *, actor=None, note: str = "") -> Application:
    from_status = application.status
    application.status = to
    application.stage_entered_at = timezone.now()
    application.save()
    ApplicationEvent.objects.create(
        application=application, actor=actor, from_status=from_status, to_status=to, note=str(note)[:2000]
    )
    return application


def _lock(application: Application) -> Application:
    return (
        Application.objects.select_related("organization", "policy")
        .select_for_update(of=("self",))
        .get(pk=application.pk)
    )


def _require_staff(actor, message: str) -> None:
    if not is_platform_staff(actor):
        raise PermissionDenied(message)


def _require_org_admin(actor, application_or_org) -> None:
    org_id = getattr(application_or_org, "organization_id", None) or application_or_org.pk
    if org_id not in user_organization_ids(actor, roles=(Role.ORG_ADMIN,)):
        raise PermissionDenied(_("Only the applicant organization's administrators may do this."))


def _require_status(application: Application, *statuses: str) -> None:
    if application.status not in statuses:
        raise StateConflict(
            _("Not possible while the application is %(status)s.") % {"status": application.get_status_display()}
        )


def _check_facts(facts: dict) -> None:
    total = facts.get("revenue_total")
    commercial = facts.get("revenue_commercial")
    if total is not None and commercial is not None and Decimal(commercial) > Decimal(total):
        raise ValidationFailed(
            field_errors={"revenue_commercial": [_("Commercial revenue cannot exceed total revenue.")]}
        )


def _judge(application: Application) -> None:
    """Draft: the policy in force today. After the first submission: the frozen policy and date."""
    if application.policy_id:
        policy, on = application.policy, application.judged_on
    else:
        policy, on = policy_current(), timezone.localdate()
        application.judged_on = on
    application.eligibility = eligibility.judge_application(application, policy=policy, on=on)


def _judge_and_save(application: Application) -> None:
    """The applicant's facts are checked on their fields (what the applicant does not state is
    set by the services), judged, and saved, on creation and on every edit alike."""
    try:
        application.full_clean(exclude=["eligibility", "created_by", "organization", "renewal_of", "policy"])
    except ValidationError as exc:
        raise ValidationFailed(field_errors=exc.message_dict) from None
    _judge(application)
    application.save()


def renewal_opens_on(certificate: Certificate, policy=None) -> dt.date:
    policy = policy or policy_current()
    return certificate.valid_until - relativedelta(months=policy.renewal_window_months)


def _live_certificate(organization) -> Certificate | None:
    return (
        Certificate.objects.filter(
            organization=organization,
            superseded_by__isnull=True,
            status__in=[Certificate.Status.CERTIFIED, Certificate.Status.SUSPENDED],
        )
        .order_by("-valid_until")
        .first()
    )


# ---------------------------------------------------------------- applicant


@transaction.atomic
def certification_create(*, actor, organization, **facts) -> Application:
    """Open a draft application (a renewal when the organization's certificate is in its window)."""
    _require_org_admin(actor, organization)
    if Application.objects.filter(organization=organization, status__in=Application.LIVE).exists():
        raise StateConflict(_("This organization already has an application in progress."))
    renewal_of = None
    current = _live_certificate(organization)
    if current is not None:
        if current.status == Certificate.Status.SUSPENDED:
            raise StateConflict(_("The certificate is suspended: submit the missing annual report first."))
        opens = renewal_opens_on(current)
        if timezone.localdate() < opens:
            raise StateConflict(
                _("The certificate is valid until %(until)s; the renewal window opens on %(opens)s.")
                % {"until": local_date(current.valid_until), "opens": local_date(opens)}
            )
        renewal_of = current
    _check_facts(facts)
    application = Application(
        organization=organization,
        renewal_of=renewal_of,
        created_by=actor,
        **{k: v for k, v in facts.items() if k in Application.FACT_FIELDS},
    )
    _judge_and_save(application)
    ApplicationEvent.objects.create(application=application, actor=actor, from_status="", to_status="draft")
    return application


@transaction.atomic
def certification_update(*, actor, application: Application, **facts) -> Application:
    _require_org_admin(actor, application)
    application = _lock(application)
    _require_status(application, *Application.EDITABLE)
    merged = {k: getattr(application, k) for k in Application.FACT_FIELDS}
    merged |= {k: v for k, v in facts.items() if k in Application.FACT_FIELDS}
    _check_facts(merged)
    for key, value in merged.items():
        setattr(application, key, value)
    _judge_and_save(application)
    return application


@transaction.atomic
def certification_document_add(*, actor, application: Application, title: str, file) -> ApplicationDocument:
    _require_org_admin(actor, application)
    _require_status(application, *Application.EDITABLE)
    try:
        mime = validate_upload(file)
    except ValidationError as exc:
        raise ValidationFailed(field_errors={"file": exc.messages}) from None
    return ApplicationDocument.objects.create(
        application=application, title=title or file.name[:120], file=file, mime=mime, uploaded_by=actor
    )


@transaction.atomic
def certification_submit(*, actor, application: Application) -> Application:
    """Submit (or resubmit after a return). The first submission freezes the policy in force."""
    _require_org_admin(actor, application)
    application = _lock(application)
    _require_status(application, *Application.EDITABLE)
    first = application.policy_id is None
    if first:
        policy, on = policy_current(), timezone.localdate()
        results = eligibility.judge_application(application, policy=policy, on=on)
    else:
        results = eligibility.judge_application(application, policy=application.policy, on=application.judged_on)
    failed = eligibility.failed_rules(results)
    if failed:
        application.eligibility = results
        application.save(update_fields=["eligibility", "updated_at"])
        raise StateConflict(
            _("The application does not meet every criterion: %(rules)s")
            % {"rules": " ".join(r["detail"] for r in failed)},
            field_errors={"failed_rules": [r["rule"] for r in failed]},
        )
    if first:
        application.policy, application.judged_on = policy, on
    application.eligibility = results
    application.submitted_at = timezone.now()
    _transition(application, Application.Status.SUBMITTED, actor=actor)
    _notify_staff(
        application,
        _("Certification application to review: %(org)s") % {"org": application.organization.name},
    )
    return application


# ---------------------------------------------------------------- staff and panel


@transaction.atomic
def certification_preliminary(*, actor, application: Application, decision: str, note: str = "") -> Application:
    _require_staff(actor, _("Only platform staff run the preliminary review."))
    application = _lock(application)
    _require_status(application, Application.Status.SUBMITTED)
    if decision == "pass":
        application.preliminary_note = note
        _transition(application, Application.Status.EXPERT_REVIEW, actor=actor, note=note)
        _notify_applicant(application, _("Your certification application passed the preliminary review."), note)
    elif decision == "return":
        if not note.strip():
            raise ValidationFailed(field_errors={"note": [_("Say what the applicant must complete or correct.")]})
        application.preliminary_note = note
        _transition(application, Application.Status.RETURNED, actor=actor, note=note)
        _notify_applicant(application, _("Your certification application was returned for changes."), note)
    else:
        raise ValidationFailed(field_errors={"decision": [_("One of: pass, return.")]})
    return application


def _is_recused_by_membership(application: Application, reviewer) -> bool:
    policy = application.policy or policy_current()
    since = timezone.now() - relativedelta(years=policy.conflict_lookback_years)
    return user_was_member_since(reviewer, since, organization_ids=[application.organization_id])


@transaction.atomic
def certification_panel_set(*, actor, application: Application, reviewers: list) -> list[PanelMember]:
    """Set the expert panel. Members who already scored stay; the others are replaced."""
    _require_staff(actor, _("Only platform staff assign panels."))
    application = _lock(application)
    _require_status(application, Application.Status.SUBMITTED, Application.Status.EXPERT_REVIEW)
    not_reviewers = [u.username for u in reviewers if not user_has_role(u, Role.REVIEWER)]
    if not_reviewers:
        raise ValidationFailed(
            field_errors={
                "reviewers": [_("Not in the reviewer pool: %(names)s.") % {"names": ", ".join(not_reviewers)}]
            }
        )
    scored = set(Score.objects.filter(application=application).values_list("reviewer_id", flat=True))
    wanted = {u.pk: u for u in reviewers}
    PanelMember.objects.filter(application=application).exclude(reviewer_id__in=set(wanted) | scored).delete()
    existing = set(PanelMember.objects.filter(application=application).values_list("reviewer_id", flat=True))
    added = []
    for reviewer_id, reviewer in wanted.items():
        if reviewer_id in existing:
            continue
        added.append(
            PanelMember.objects.create(
                application=application,
                reviewer=reviewer,
                recused=_is_recused_by_membership(application, reviewer),
            )
        )
    ApplicationEvent.objects.create(
        application=application,
        actor=actor,
        from_status=application.status,
        to_status=application.status,
        note=_("Panel set: %(n)s reviewer(s).") % {"n": len(wanted)},
    )
    if added:
        notify(
            users=[m.reviewer for m in added],
            kind="certification",
            title=_("Certification review of %(org)s: declare any conflict of interest first.")
            % {"org": application.organization.name},
            url=reverse("certification-review", args=[application.pk]),
        )
    return list(application.panel.select_related("reviewer"))


@transaction.atomic
def certification_declare(*, actor, application: Application, conflict: bool, note: str = "") -> PanelMember:
    application = _lock(application)
    member = PanelMember.objects.select_for_update().filter(application=application, reviewer=actor).first()
    if member is None:
        raise PermissionDenied(_("Only members of this application's panel declare."))
    _require_status(application, Application.Status.SUBMITTED, Application.Status.EXPERT_REVIEW)
    if Score.objects.filter(application=application, reviewer=actor).exists():
        raise StateConflict(_("You already scored this application."))
    member.conflict = bool(conflict)
    member.note = note
    member.declared_at = timezone.now()
    # Membership of the applicant within the look-back recuses whatever the reviewer declares.
    member.recused = member.conflict or _is_recused_by_membership(application, actor)
    member.save()
    # The panel's notice asked for this declaration: it is done.
    notifications_resolve(user=actor, kind="certification", url=reverse("certification-review", args=[application.pk]))
    return member


@transaction.atomic
def certification_score(*, actor, application: Application, score: int, comment: str = "") -> Score:
    application = _lock(application)
    member = PanelMember.objects.filter(application=application, reviewer=actor).first()
    if member is None or not member.may_review:
        raise PermissionDenied(_("Only declared, non-recused panel members score."))
    _require_status(application, Application.Status.EXPERT_REVIEW)
    if not isinstance(score, int) or not 0 <= score <= 100:
        raise ValidationFailed(field_errors={"score": [_("A whole number from 0 to 100.")]})
    row, _created = Score.objects.update_or_create(
        application=application, reviewer=actor, defaults={"score": score, "comment": comment}
    )
    return row


@transaction.atomic
def certification_decide(*, actor, application: Application) -> Application:
    _require_staff(actor, _("Only platform staff decide."))
    application = _lock(application)
    _require_status(application, Application.Status.EXPERT_REVIEW)
    panel = list(application.panel.select_related("reviewer"))
    undeclared = [m.reviewer.username for m in panel if m.declared_at is None]
    if undeclared:
        raise StateConflict(_("Waiting for declarations from: %(names)s.") % {"names": ", ".join(undeclared)})
    reviewers = [m for m in panel if not m.recused]
    if not reviewers:
        raise StateConflict(_("The panel has no reviewer who may score."))
    # Only scores given in this round of expert review count (an upheld objection starts a new one).
    current_scores = application.scores.filter(scored_at__gte=application.stage_entered_at)
    scored = set(current_scores.values_list("reviewer_id", flat=True))
    missing = [m.reviewer.username for m in reviewers if m.reviewer_id not in scored]
    if missing:
        raise StateConflict(_("Waiting for scores from: %(names)s.") % {"names": ", ".join(missing)})
    mean = current_scores.filter(reviewer_id__in=[m.reviewer_id for m in reviewers]).aggregate(m=Avg("score"))["m"]
    mean = Decimal(str(mean)).quantize(Decimal("0.01"))
    policy = application.policy or policy_current()
    application.score_mean = mean
    application.decided_at = timezone.now()
    if mean >= policy.certification_pass_score:
        application.notice_ends_at = timezone.now() + dt.timedelta(days=policy.certification_notice_days)
        application.decision_note = _("Mean score %(mean)s reaches the pass score %(pass)s.") % {
            "mean": mean,
            "pass": policy.certification_pass_score,
        }
        _transition(application, Application.Status.NOTICE, actor=actor, note=application.decision_note)
        _notify_applicant(
            application,
            _("Your application passed expert review and is in public notice until %(date)s.")
            % {"date": local_datetime(application.notice_ends_at)},
        )
    else:
        application.decision_note = _("Mean score %(mean)s is below the pass score %(pass)s.") % {
            "mean": mean,
            "pass": policy.certification_pass_score,
        }
        _transition(application, Application.Status.REJECTED, actor=actor, note=application.decision_note)
        _notify_applicant(application, _("Your certification application was rejected."), application.decision_note)
    return application


# ---------------------------------------------------------------- public notice


@transaction.atomic
def certification_object(*, actor, application: Application, text: str) -> Objection:
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to file an objection."))
    application = _lock(application)
    _require_status(application, Application.Status.NOTICE)
    if application.notice_ends_at and timezone.now() >= application.notice_ends_at:
        raise StateConflict(_("The public notice period has ended."))
    if not text.strip():
        raise ValidationFailed(field_errors={"text": [_("Say what is wrong.")]})
    objection = Objection.objects.create(application=application, filed_by=actor, text=text)
    _notify_staff(
        application, _("Objection filed against the certification of %(org)s") % {"org": application.organization.name}
    )
    _notify_applicant(application, _("An objection was filed during the public notice of your application."))
    return objection


@transaction.atomic
def certification_objection_resolve(*, actor, objection: Objection, upheld: bool, note: str = "") -> Objection:
    _require_staff(actor, _("Only platform staff resolve objections."))
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.status != Objection.Status.OPEN:
        raise StateConflict(_("This objection is already resolved."))
    objection.status = Objection.Status.UPHELD if upheld else Objection.Status.DISMISSED
    objection.resolved_by, objection.resolved_at, objection.resolution_note = actor, timezone.now(), note
    objection.save()
    application = _lock(objection.application)
    notify(
        users=[objection.filed_by],
        kind="certification",
        title=_("Your objection was upheld.") if upheld else _("Your objection was dismissed."),
        body=note,
    )
    if upheld and application.status == Application.Status.NOTICE:
        _back_to_expert_review(application, actor=actor, reason=note or objection.text[:500])
    return objection


def _back_to_expert_review(application: Application, *, actor, reason: str) -> None:
    """An upheld objection reopens expert review: the panel scores again in the light of it.

    Earlier scores stay on record but no longer count: ``certification_decide`` takes only scores
    given since the application re-entered expert review (the mean they gave is kept in the audit note).
    """
    note = _("Objection upheld: %(reason)s (the previous mean score was %(mean)s).") % {
        "reason": reason,
        "mean": application.score_mean,
    }
    application.decision_note = note
    application.notice_ends_at = None
    application.decided_at = None
    application.score_mean = None
    _transition(application, Application.Status.EXPERT_REVIEW, actor=actor, note=note)
    _notify_applicant(application, _("An objection was upheld: your application is back in expert review."), note)
    notify(
        users=[m.reviewer for m in application.panel.select_related("reviewer") if m.may_review],
        kind="certification",
        title=_("An objection against %(org)s was upheld: review and score the application again.")
        % {"org": application.organization.name},
        body=reason,
        url=reverse("certification-review", args=[application.pk]),
    )


# ---------------------------------------------------------------- certificate life


def _blocking_objections():
    """Objections of the current notice that are open or upheld. Those of an earlier notice (before
    an upheld objection sent the application back to expert review) were dealt with then."""
    return Objection.objects.exclude(status=Objection.Status.DISMISSED).filter(
        filed_at__gte=F("application__stage_entered_at")
    )


def _next_certificate_no(year: int) -> str:
    prefix = f"SE{year}"
    last = (
        Certificate.objects.filter(certificate_no__startswith=prefix)
        .order_by("-certificate_no")
        .values_list("certificate_no", flat=True)
        .first()
    )
    n = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{n:05d}"


@transaction.atomic
def certification_certify(*, application: Application, today: dt.date | None = None) -> Certificate:
    """End of an objection-free notice: issue the certificate (called by run_scheduled)."""
    application = _lock(application)
    _require_status(application, Application.Status.NOTICE)
    if _blocking_objections().filter(application=application).exists():
        raise StateConflict(_("An objection is open or upheld."))
    today = today or timezone.localdate()
    policy = application.policy or policy_current()
    previous = application.renewal_of
    valid_from = today
    if previous is not None and previous.valid_until >= today and previous.status == Certificate.Status.CERTIFIED:
        valid_from = previous.valid_until + dt.timedelta(days=1)
    valid_until = valid_from + relativedelta(years=policy.certificate_validity_years) - dt.timedelta(days=1)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(
                    organization=application.organization,
                    application=application,
                    certificate_no=_next_certificate_no(today.year),
                    valid_from=valid_from,
                    valid_until=valid_until,
                    status_changed_on=today,
                )
            break
        except IntegrityError:
            continue
    else:
        raise StateConflict(_("Could not allocate a certificate number; try again."))
    years = 1
    while valid_from + relativedelta(years=years) <= valid_until:
        AnnualReport.objects.create(
            certificate=certificate, period=years, due_on=valid_from + relativedelta(years=years)
        )
        years += 1
    if previous is not None:
        previous.superseded_by = certificate
        previous.save(update_fields=["superseded_by"])
    _transition(
        application,
        Application.Status.CERTIFIED,
        note=_("Certificate %(no)s valid until %(until)s.")
        % {"no": certificate.certificate_no, "until": local_date(valid_until)},
    )
    _notify_applicant(
        application,
        _("Certified as a social enterprise: certificate %(no)s, valid until %(until)s.")
        % {"no": certificate.certificate_no, "until": local_date(valid_until)},
    )
    return certificate


def _certificate_status(certificate: Certificate, status: str, today: dt.date) -> None:
    certificate.status = status
    certificate.status_changed_on = today
    certificate.save(update_fields=["status", "status_changed_on"])


@transaction.atomic
def certification_revoke(*, actor, application: Application, reason: str) -> Application:
    """Revoke (摘牌) a certificate."""
    _require_staff(actor, _("Only platform staff revoke certificates."))
    if not (reason or "").strip():
        raise ValidationFailed(field_errors={"reason": [_("Give the reason for the revocation.")]})
    application = _lock(application)
    _require_status(application, Application.Status.CERTIFIED)
    certificate = Certificate.objects.select_for_update().get(application=application)
    if certificate.status not in (Certificate.Status.CERTIFIED, Certificate.Status.SUSPENDED):
        raise StateConflict(_("This certificate is no longer valid."))
    certificate.revoked_reason = reason
    certificate.save(update_fields=["revoked_reason"])
    _certificate_status(certificate, Certificate.Status.REVOKED, timezone.localdate())
    _transition(application, Application.Status.REVOKED, actor=actor, note=reason)
    _notify_applicant(application, _("Your social-enterprise certificate was revoked."), reason)
    return application


@transaction.atomic
def annual_report_submit(
    *,
    actor,
    application: Application,
    summary: str,
    revenue_total=None,
    revenue_commercial=None,
    profit_distributed=None,
) -> AnnualReport:
    _require_org_admin(actor, application)
    certificate = Certificate.objects.select_for_update().filter(application=application).first()
    if certificate is None or certificate.status not in (Certificate.Status.CERTIFIED, Certificate.Status.SUSPENDED):
        raise StateConflict(_("Annual reports are due only while the certificate is valid."))
    today = timezone.localdate()
    report = (
        certificate.annual_reports.filter(submitted_at__isnull=True, due_on__lte=today + relativedelta(months=3))
        .order_by("due_on")
        .first()
    )
    if report is None:
        raise StateConflict(_("No annual report is due yet."))
    if not (summary or "").strip():
        raise ValidationFailed(field_errors={"summary": [_("Summarize the year's social impact.")]})
    report.summary, report.submitted_at, report.submitted_by = summary, timezone.now(), actor
    report.revenue_total, report.revenue_commercial, report.profit_distributed = (
        revenue_total,
        revenue_commercial,
        profit_distributed,
    )
    report.save()
    overdue_left = certificate.annual_reports.filter(submitted_at__isnull=True, due_on__lt=today).exists()
    if certificate.status == Certificate.Status.SUSPENDED and not overdue_left:
        _certificate_status(certificate, Certificate.Status.CERTIFIED, today)
        ApplicationEvent.objects.create(
            application=application,
            actor=actor,
            from_status=application.status,
            to_status=application.status,
            note=_("Annual report received; suspension lifted."),
        )
    return report


# ---------------------------------------------------------------- scheduled


def notices_end(*, now: dt.datetime | None = None) -> list[Certificate]:
    now = now or timezone.now()
    issued = []
    due = Application.objects.filter(status=Application.Status.NOTICE, notice_ends_at__lte=now).exclude(
        Exists(_blocking_objections().filter(application=OuterRef("pk")))
    )
    for application in due:
        issued.append(certification_certify(application=application, today=timezone.localdate(now)))
    return issued


@transaction.atomic
def certificates_expire(*, today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    count = 0
    for certificate in Certificate.objects.select_related("application", "organization").filter(
        status__in=[Certificate.Status.CERTIFIED, Certificate.Status.SUSPENDED], valid_until__lt=today
    ):
        _certificate_status(certificate, Certificate.Status.EXPIRED, today)
        application = certificate.application
        if application.status == Application.Status.CERTIFIED:
            _transition(application, Application.Status.EXPIRED, note=_("Certificate reached its end of validity."))
        if certificate.superseded_by_id is None:
            _notify_applicant(
                application,
                _("Your social-enterprise certificate %(no)s has expired.") % {"no": certificate.certificate_no},
            )
        count += 1
    return count


@transaction.atomic
def annual_reports_enforce(*, today: dt.date | None = None) -> dict:
    """A missed annual report: a warning on its due date, suspension after the grace period."""
    today = today or timezone.localdate()
    # The grace in force now: an enforcement period, not a criterion the application was judged by.
    grace_days = policy_current().annual_report_grace_days
    warned = suspended = 0
    reports = AnnualReport.objects.select_related("certificate__application__organization").filter(
        submitted_at__isnull=True,
        due_on__lte=today,
        certificate__status__in=[Certificate.Status.CERTIFIED, Certificate.Status.SUSPENDED],
    )
    for report in reports:
        certificate = report.certificate
        application = certificate.application
        if report.warned_at is None:
            report.warned_at = timezone.now()
            report.save(update_fields=["warned_at"])
            _notify_applicant(
                application,
                _("Your annual report for certificate %(no)s was due on %(date)s; submit it within %(days)s days.")
                % {
                    "no": certificate.certificate_no,
                    "date": local_date(report.due_on),
                    "days": grace_days,
                },
            )
            warned += 1
        if certificate.status == Certificate.Status.CERTIFIED and today > report.due_on + dt.timedelta(days=grace_days):
            _certificate_status(certificate, Certificate.Status.SUSPENDED, today)
            ApplicationEvent.objects.create(
                application=application,
                from_status=application.status,
                to_status=application.status,
                note=_("Certificate suspended: annual report overdue."),
            )
            _notify_applicant(application, _("Your certificate is suspended until the overdue annual report arrives."))
            _notify_staff(
                application,
                _("Certificate %(no)s suspended: annual report overdue") % {"no": certificate.certificate_no},
            )
            suspended += 1
    return {"warned": warned, "suspended": suspended}


@transaction.atomic
def renewal_windows_open(*, today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    policy = policy_current()
    latest_opening = today + relativedelta(months=policy.renewal_window_months)
    count = 0
    for certificate in Certificate.objects.select_related("application__organization").filter(
        status=Certificate.Status.CERTIFIED,
        superseded_by__isnull=True,
        renewal_notified_at__isnull=True,
        valid_until__lte=latest_opening,
        valid_until__gte=today,
    ):
        certificate.renewal_notified_at = timezone.now()
        certificate.save(update_fields=["renewal_notified_at"])
        _notify_applicant(
            certificate.application,
            _("Certificate %(no)s expires on %(until)s: the renewal window is open.")
            % {"no": certificate.certificate_no, "until": local_date(certificate.valid_until)},
        )
        count += 1
    return count
