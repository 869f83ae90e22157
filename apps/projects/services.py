from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from apps.core.money import allocate, decimal_to_fen, fen_to_decimal
from apps.projects.models import Milestone, Project, ProjectTeamMember


@transaction.atomic
def project_create_from_award(*, need, proposal) -> Project:
    """Turn an awarded proposal into a project: team, milestones (amounts exact to the fen,
    split by payment share with the largest remainder) and the fund's reservation."""
    from apps.funds.payouts import grant_reserve

    project = Project.objects.create(
        need=need,
        proposal=proposal,
        organization=proposal.organization,
        community=need.community,
        fund=need.fund,
        title=proposal.title,
        amount=proposal.total_amount,
        start_date=need.service_start,
        end_date=need.service_end,
    )
    start = max(need.service_start, timezone.localdate())
    ProjectTeamMember.objects.bulk_create(
        [
            ProjectTeamMember(project=project, worker=member.worker, role=member.role, start_date=start)
            for member in proposal.team.all()
        ]
    )
    milestones = list(proposal.milestones.all())
    amounts = allocate(decimal_to_fen(proposal.total_amount), [m.payment_percent for m in milestones])
    Milestone.objects.bulk_create(
        [
            Milestone(
                project=project,
                position=i,
                title=m.title,
                due_date=m.due_date,
                payment_percent=m.payment_percent,
                amount=fen_to_decimal(fen),
            )
            for i, (m, fen) in enumerate(zip(milestones, amounts, strict=True))
        ]
    )
    grant_reserve(project=project)
    return project
