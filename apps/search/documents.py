"""What gets indexed: one builder per document type.

A builder turns a model instance into a ``Doc`` or returns ``None`` when the instance must not be in
the index (draft, cancelled, unverified, private, unpublished…). Only public fields are read:
proposals are sealed and never indexed, a worker's certificate number never is.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps as django_apps
from django.utils import timezone
from wagtail.models import Page

from apps.certification.selectors import certificate_is_valid_on
from apps.core.pages import language_neutral_url

TYPES = ("need", "organization", "worker", "enterprise", "project", "page")
PUBLIC_NEED_STATUSES = ("published", "evaluating", "notice", "stalled", "awarded", "failed")
BODY_LIMIT = 4000


@dataclass
class Doc:
    type: str
    id: str
    title: str
    body: str
    url: str
    category: str = ""
    region_path: str = ""
    status: str = ""
    public: bool = True
    extra: dict = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str]:
        return (self.type, self.id)


@dataclass
class DocType:
    name: str
    model_label: str | Callable[[], type | None]
    queryset: Callable[[type], object]  # indexable instances, for rebuild/reconcile
    build: Callable[[object], Doc | None]

    def model(self):
        if callable(self.model_label):
            return self.model_label()
        return django_apps.get_model(self.model_label)


_TAG = re.compile(r"<[^>]+>")


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(_TAG.sub(" ", text or ""))).strip()


# ---- needs ---------------------------------------------------------------------------------------


def _need_qs(model):
    return model.objects.filter(status__in=PUBLIC_NEED_STATUSES).select_related("community", "category")


def _need_doc(need) -> Doc | None:
    if need.status not in PUBLIC_NEED_STATUSES:
        return None
    body = " ".join(x for x in (need.description, need.beneficiary_group, need.community.name, need.category.name) if x)
    return Doc(
        type="need",
        id=str(need.pk),
        title=need.title,
        body=body[:BODY_LIMIT],
        url=language_neutral_url(need.get_absolute_url()),
        category=need.category.code,
        region_path=need.community.path,
        status=need.status,
    )


# ---- organizations -------------------------------------------------------------------------------


def _org_qs(model):
    return model.objects.filter(status="verified").select_related("region")


def _org_doc(org) -> Doc | None:
    if org.status != "verified":
        return None
    body = " ".join(x for x in (org.description, org.region.name, org.address) if x)
    return Doc(
        type="organization",
        id=str(org.pk),
        title=org.name,
        body=body[:BODY_LIMIT],
        url=language_neutral_url(org.get_absolute_url()),
        region_path=org.region.path,
        status=org.status,
    )


# ---- workers (public profile only: name, level, skills) -----------------------------------------


# The official Chinese titles, indexed whatever language the indexing process runs in.
LEVEL_TITLES = {"assistant": "助理社会工作师", "intermediate": "社会工作师", "senior": "高级社会工作师"}


def _worker_qs(model):
    return model.objects.filter(public_profile=True, verified=True).prefetch_related("skills")


def _worker_doc(worker) -> Doc | None:
    if not (worker.public_profile and worker.verified):
        return None
    skills = sorted(worker.skills.all(), key=lambda c: c.sort_order)
    body = " ".join([LEVEL_TITLES.get(worker.level, ""), *(s.name for s in skills)])
    return Doc(
        type="worker",
        id=str(worker.pk),
        title=worker.name,
        body=body,
        url=language_neutral_url(worker.get_absolute_url()),
        category=skills[0].code if skills else "",
        status=worker.level,
    )


# ---- certified enterprises (apps.certification) --------------------------------------------------
# Only certificates valid today are indexed: an expired, suspended, revoked or superseded one leaves
# the index (the certification jobs save the certificate, which re-indexes it).


def _certificate_model():
    try:
        module = import_module("apps.certification.models")
    except ImportError:
        return None
    return getattr(module, "Certificate", None)


def _enterprise_qs(model):
    return model.objects.filter(status="certified", superseded_by__isnull=True).select_related(
        "organization", "organization__region"
    )


def _enterprise_doc(cert) -> Doc | None:
    if cert.superseded_by_id or not certificate_is_valid_on(cert, timezone.localdate()):
        return None
    org = cert.organization
    summary = getattr(cert, "summary", "") or getattr(cert, "description", "") or org.description
    return Doc(
        type="enterprise",
        id=str(cert.pk),
        title=org.name,
        body=" ".join(x for x in (summary, org.region.name, "社会企业") if x)[:BODY_LIMIT],
        url=language_neutral_url(cert.get_absolute_url()),
        region_path=org.region.path,
        status=cert.status,
    )


# ---- projects ------------------------------------------------------------------------------------


def _project_qs(model):
    return model.objects.select_related("need__category", "organization", "community")


def _project_doc(project) -> Doc | None:
    body = " ".join(x for x in (project.need.title, project.organization.name, project.community.name) if x)
    return Doc(
        type="project",
        id=str(project.pk),
        title=project.title,
        body=body[:BODY_LIMIT],
        url=language_neutral_url(project.get_absolute_url()),
        category=project.need.category.code,
        region_path=project.community.path,
        status=project.status,
    )


# ---- Wagtail pages -------------------------------------------------------------------------------


def _page_qs(model):
    return model.objects.live().public().filter(depth__gt=1).specific()


def _page_doc(page) -> Doc | None:
    page = page.specific if type(page) is Page else page
    if not page.live or page.depth <= 1 or page.get_view_restrictions().exists():
        return None
    if any(a.get_view_restrictions().exists() for a in page.get_ancestors()):
        return None
    parts = [getattr(page, "search_description", "") or ""]
    body = getattr(page, "body", None)
    if body is not None:
        for block in body:
            value = block.value
            if hasattr(value, "source"):
                parts.append(value.source)
            elif isinstance(value, dict) or hasattr(value, "items"):
                parts.extend(str(v) for v in value.values() if isinstance(v, str))
            else:
                parts.append(str(value))
    return Doc(
        type="page",
        id=str(page.pk),
        title=page.title,
        body=_plain(" ".join(parts))[:BODY_LIMIT],
        url=page.get_url() or page.url_path,
        status="live",
    )


REGISTRY: dict[str, DocType] = {
    "need": DocType("need", "bidding.Need", _need_qs, _need_doc),
    "organization": DocType("organization", "organizations.Organization", _org_qs, _org_doc),
    "worker": DocType("worker", "workers.SocialWorker", _worker_qs, _worker_doc),
    "enterprise": DocType("enterprise", _certificate_model, _enterprise_qs, _enterprise_doc),
    "project": DocType("project", "projects.Project", _project_qs, _project_doc),
    "page": DocType("page", "wagtailcore.Page", _page_qs, _page_doc),
}


def type_for_instance(instance) -> str | None:
    if isinstance(instance, Page):
        return "page"
    for name, doc_type in REGISTRY.items():
        model = doc_type.model()
        if model is not None and isinstance(instance, model) and name != "page":
            return name
    return None


def load(doc_type: str, obj_id) -> Doc | None:
    """Reload one object and build its document; None when missing or not indexable."""
    dt = REGISTRY[doc_type]
    model = dt.model()
    if model is None:
        return None
    obj = dt.queryset(model).filter(pk=obj_id).first()
    return dt.build(obj) if obj is not None else None


def iter_docs(types=TYPES, *, chunk: int = 1000) -> Iterator[Doc]:
    for name in types:
        dt = REGISTRY[name]
        model = dt.model()
        if model is None:
            continue
        qs = dt.queryset(model).order_by("pk")
        items = qs if name == "page" else qs.iterator(chunk_size=chunk)
        for obj in items:
            doc = dt.build(obj)
            if doc is not None:
                yield doc


def indexable_keys(types=TYPES) -> set[tuple[str, str]]:
    keys = set()
    for name in types:
        dt = REGISTRY[name]
        model = dt.model()
        if model is None:
            continue
        if name == "page":
            keys.update(d.key for d in iter_docs([name]))
        else:
            keys.update((name, str(pk)) for pk in dt.queryset(model).values_list("pk", flat=True))
    return keys
