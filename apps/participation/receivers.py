"""Supporters hear what became of their suggestion's need. Bidding and projects save their rows
through their own services; listening to those saves here keeps them unaware of participation
(a domain app that imports them). Each step is told once (``supporters_tell``), inside the
transaction that made it, so a rolled-back step tells nobody."""

from __future__ import annotations

from django.db.models.signals import post_save

from apps.bidding.models import Need
from apps.participation.models import Suggestion
from apps.participation.services import supporters_tell
from apps.projects.models import Milestone, Project

NEED_EVENTS = {Need.Status.PUBLISHED: "published", Need.Status.AWARDED: "awarded"}


def on_need_saved(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and "status" not in update_fields:
        return
    event = NEED_EVENTS.get(instance.status)
    if event is None:
        return
    suggestion = Suggestion.objects.filter(need_id=instance.pk).first()
    if suggestion is not None:
        supporters_tell(suggestion=suggestion, event=event, url=instance.get_absolute_url())


def on_project_saved(sender, instance, update_fields=None, **kwargs):
    if instance.status != Project.Status.COMPLETED or (update_fields is not None and "status" not in update_fields):
        return
    suggestion = Suggestion.objects.filter(need_id=instance.need_id).first()
    if suggestion is not None:
        supporters_tell(suggestion=suggestion, event="delivered", url=instance.get_absolute_url())


def on_milestone_saved(sender, instance, update_fields=None, **kwargs):
    if instance.status != Milestone.Status.ACCEPTED or (update_fields is not None and "status" not in update_fields):
        return
    suggestion = Suggestion.objects.filter(need__project__pk=instance.project_id).first()
    if suggestion is not None:
        supporters_tell(
            suggestion=suggestion, event=f"milestone:{instance.pk}", url=instance.project.get_absolute_url()
        )


def connect() -> None:
    post_save.connect(on_need_saved, sender=Need, dispatch_uid="participation-need")
    post_save.connect(on_project_saved, sender=Project, dispatch_uid="participation-project")
    post_save.connect(on_milestone_saved, sender=Milestone, dispatch_uid="participation-milestone")
