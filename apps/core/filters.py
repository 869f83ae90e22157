"""Filters shared by every app's FilterSets."""

import django_filters
from django import forms

from apps.core.ids import MAX_ID


class IdFilter(django_filters.NumberFilter):
    """An opaque id: a whole number in the range of our keys; anything else is a 400 on that field
    (a number past the database's integer range overflowed the query: a server error)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)
