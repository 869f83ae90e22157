from django.shortcuts import render

from apps.core.aggregates import DecimalSum
from apps.core.pages import object_or_404
from apps.projects.selectors import worker_confirmed_logs
from apps.workers.selectors import worker_get_for_user


def worker_detail(request, pk: int):
    """A social worker's public profile: level, masked certificate, skills; confirmed hours only
    when the worker consented to a public record."""
    worker = object_or_404(worker_get_for_user, user=request.user, pk=pk)
    hours = None
    if worker.public_profile:
        hours = worker_confirmed_logs(worker=worker).aggregate(total=DecimalSum("hours"))["total"] or 0
    return render(request, "workers/worker_detail.html", {"worker": worker, "hours": hours})
