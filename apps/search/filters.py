"""Search filters shared with the lists.

``type``, ``category``, ``region`` (any level) and ``status`` are columns of every indexed document,
so every backend filters on them directly. With exactly one ``type``, the filters of that type's
list FilterSet (the same class the list API uses, e.g. ``NeedFilter`` for ``type=need``) are
accepted too: they are validated by that FilterSet's form and applied to the type's *public*
queryset, and the search is restricted to the ids it returns.
"""

from __future__ import annotations

from django.utils.module_loading import import_string

from . import documents

LIST_FILTERSETS = {
    "need": "apps.bidding.filters.NeedFilter",
    "organization": "apps.organizations.filters.OrganizationFilter",
    "worker": "apps.workers.filters.WorkerFilter",
    "enterprise": "apps.certification.filters.RegistryFilter",
    "project": "apps.projects.filters.ProjectFilter",
}
# Handled by the index itself (or meaningless for a ranked search).
OWN_PARAMS = frozenset({"q", "type", "category", "region", "status", "page", "page_size", "ordering"})


def list_filterset(doc_type: str):
    path = LIST_FILTERSETS.get(doc_type)
    return import_string(path) if path else None


def list_filter_fields(doc_type: str) -> dict:
    """The extra form fields a type's list FilterSet adds to the search form."""
    filterset = list_filterset(doc_type)
    if filterset is None:
        return {}
    form = filterset(queryset=documents.REGISTRY[doc_type].model().objects.none()).form
    return {name: field for name, field in form.fields.items() if name not in OWN_PARAMS}


def list_filter_ids(doc_type: str, data) -> list[str] | None:
    """Ids of the public objects of ``doc_type`` the list FilterSet keeps, or None when no list
    filter was given (no restriction)."""
    filterset = list_filterset(doc_type)
    if filterset is None:
        return None
    names = [n for n in list_filter_fields(doc_type) if data.get(n) not in (None, "")]
    if not names:
        return None
    dt = documents.REGISTRY[doc_type]
    bound = filterset(data={n: data.get(n) for n in names}, queryset=dt.queryset(dt.model()))
    return [str(pk) for pk in bound.qs.values_list("pk", flat=True)]
