"""Signal receivers (the one place signals are used): they enqueue a search index task after
commit, and keep the needs' gram index (``apps.bidding.text_index``) in the saving transaction."""

from __future__ import annotations

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished

from apps.bidding import text_index

from . import documents
from .tasks import enqueue_index

WATCHED = ("bidding.Need", "organizations.Organization", "workers.SocialWorker", "projects.Project")


def on_change(sender, instance, **kwargs):
    doc_type = documents.type_for_instance(instance)
    if doc_type and instance.pk is not None:
        enqueue_index(doc_type=doc_type, obj_id=instance.pk)


def on_need_saved(sender, instance, update_fields=None, **kwargs):
    text_index.on_need_saved(instance, update_fields=update_fields)


def on_worker_skills(sender, instance, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        enqueue_index(doc_type="worker", obj_id=instance.pk)


def connect() -> None:
    for label in WATCHED:
        model = apps.get_model(label)
        post_save.connect(on_change, sender=model, dispatch_uid=f"search-save-{label}")
        post_delete.connect(on_change, sender=model, dispatch_uid=f"search-delete-{label}")
    post_save.connect(on_need_saved, sender=apps.get_model("bidding.Need"), dispatch_uid="bidding-need-text")
    worker = apps.get_model("workers.SocialWorker")
    m2m_changed.connect(on_worker_skills, sender=worker.skills.through, dispatch_uid="search-worker-skills")
    cert = documents._certificate_model()
    if cert is not None:
        post_save.connect(on_change, sender=cert, dispatch_uid="search-save-cert")
        post_delete.connect(on_change, sender=cert, dispatch_uid="search-delete-cert")
    page_published.connect(on_change, dispatch_uid="search-page-published")
    page_unpublished.connect(on_change, dispatch_uid="search-page-unpublished")
    post_delete.connect(_on_page_delete, dispatch_uid="search-page-delete")


def _on_page_delete(sender, instance, **kwargs):
    if isinstance(instance, Page):
        enqueue_index(doc_type="page", obj_id=instance.pk)
