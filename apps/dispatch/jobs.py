from django.utils import timezone

from apps.core.jobs import scheduled_job
from apps.dispatch.models import WorkOrder
from apps.dispatch.services import work_order_escalate


@scheduled_job("escalate_overdue_work_orders")
def escalate_overdue_work_orders(now=None) -> int:
    """Raise the escalation level of overdue work orders; never closes one."""
    now = now or timezone.now()
    candidates = (
        WorkOrder.objects.overdue(now)
        .filter(escalation_level__lt=WorkOrder.Escalation.DISTRICT)
        .select_related("community__parent__parent", "category", "lead_unit")
    )
    return sum(work_order_escalate(order=order, now=now) for order in candidates)
