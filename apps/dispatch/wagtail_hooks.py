"""Staff edit dispatch categories (deadlines per kind of problem) and handling units in the CMS admin."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from apps.dispatch.models import DispatchCategory, Unit


class DispatchCategoryViewSet(SnippetViewSet):
    model = DispatchCategory
    icon = "list-ul"
    list_display = ["name", "code", "severity", "respond_hours", "resolve_hours", "active"]
    list_filter = ["severity", "active"]
    search_fields = ["name", "code"]


class UnitViewSet(SnippetViewSet):
    model = Unit
    icon = "group"
    list_display = ["name", "code", "kind", "region"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]


register_snippet(DispatchCategoryViewSet)
register_snippet(UnitViewSet)
