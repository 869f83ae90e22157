"""The search parameters, validated once for the API and the page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.ids import parse_id
from apps.core.models import Category
from apps.regions.models import Region

from .documents import TYPES
from .filters import list_filter_fields, list_filter_ids

MAX_QUERY = 100


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=MAX_QUERY, strip=True)
    type = forms.CharField(required=False, max_length=200)
    category = forms.CharField(required=False, max_length=40)
    region = forms.CharField(required=False, max_length=20)
    status = forms.CharField(required=False, max_length=16)
    page = forms.IntegerField(required=False, min_value=1, max_value=1000)
    page_size = forms.IntegerField(required=False, min_value=1, max_value=100)

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        # One type: its list FilterSet's filters (budget_min, level, legal_form, …) apply too.
        types = [t.strip() for t in ((data or {}).get("type") or "").split(",") if t.strip()]
        self.list_type = types[0] if len(types) == 1 and types[0] in TYPES else ""
        if self.list_type:
            self.fields.update(list_filter_fields(self.list_type))

    def clean_type(self):
        raw = self.cleaned_data.get("type") or ""
        types = [t.strip() for t in raw.split(",") if t.strip()]
        unknown = [t for t in types if t not in TYPES]
        if unknown:
            raise forms.ValidationError(_("Unknown type: %(type)s.") % {"type": ", ".join(unknown)})
        return types

    def clean_category(self):
        code = self.cleaned_data.get("category") or ""
        if code and not Category.objects.filter(code=code).exists():
            raise forms.ValidationError(_("Unknown category."))
        return code

    def clean_region(self):
        raw = self.cleaned_data.get("region") or ""
        if not raw:
            return None
        region = Region.objects.filter(code=raw).first()
        if region is None and parse_id(raw):
            region = Region.objects.filter(pk=parse_id(raw)).first()
        if region is None:
            raise forms.ValidationError(_("Unknown region."))
        return region

    def search_kwargs(self) -> dict:
        data = self.cleaned_data
        page = data.get("page") or 1
        size = data.get("page_size") or 20
        region = data.get("region")
        return {
            "text": data.get("q") or "",
            "types": data.get("type") or [],
            "category": data.get("category") or "",
            "region_path": region.path if region else "",
            "status": data.get("status") or "",
            "offset": (page - 1) * size,
            "limit": size,
            "obj_ids": list_filter_ids(self.list_type, self.data) if self.list_type else None,
        }
