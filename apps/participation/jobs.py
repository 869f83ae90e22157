from apps.core.jobs import scheduled_job
from apps.participation.services import suggestions_escalate_overdue


@scheduled_job("escalate_unanswered_suggestions")
def escalate_unanswered_suggestions(now=None) -> int:
    """Suggestions at the support threshold left unanswered for ``suggestion_answer_days`` go to
    the street's officers."""
    return suggestions_escalate_overdue(now=now)
