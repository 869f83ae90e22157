from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from apps.core.models import Category

from .forms import SearchForm
from .selectors import search_page, suggestions

TYPE_LABELS = {
    "need": _("Needs"),
    "organization": _("Organizations"),
    "worker": _("Social workers"),
    "enterprise": _("Social enterprises"),
    "project": _("Projects"),
    "page": _("Pages"),
}
# One result's kind, on its badge.
TYPE_NAMES = {
    "need": _("Need"),
    "organization": _("Organization"),
    "worker": _("Social worker"),
    "enterprise": _("Social enterprise"),
    "project": _("Project"),
    "page": _("Page"),
}


def search_results(request):
    form = SearchForm(request.GET)
    context = {"form": form, "q": request.GET.get("q", "")[:100], "data": None}
    if form.is_valid():
        kwargs = form.search_kwargs()
        if kwargs["text"]:
            data = search_page(**kwargs)
            for r in data["results"]:
                r["type_label"] = TYPE_NAMES.get(r["type"], r["type"])
            names = {c.code: c.display_name for c in Category.objects.all()}
            page = form.cleaned_data.get("page") or 1
            context.update(
                data=data,
                type_facets=[(t, TYPE_LABELS.get(t, t), n) for t, n in sorted(data["facets"]["type"].items())],
                category_facets=[(c, names.get(c, c), n) for c, n in sorted(data["facets"]["category"].items())],
                selected_type=",".join(form.cleaned_data["type"]),
                selected_category=form.cleaned_data["category"],
                page=page,
                has_next=page * kwargs["limit"] < data["count"],
            )
    status = 200 if form.is_valid() else 400
    return render(request, "search/results.html", context, status=status)


def search_suggest(request):
    q = (request.GET.get("q") or "")[:100]
    return render(request, "search/_suggestions.html", {"items": suggestions(q), "q": q})
