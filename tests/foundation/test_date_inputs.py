"""Every date and date-time input of the site's forms carries an ISO value, the only one
``<input type=date>`` and ``datetime-local`` accept; zh's "2026/12/04" left them empty."""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
import inspect
import re
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.apps import apps
from django.utils import translation

from apps.bidding.forms import NeedForm
from apps.dispatch.forms import ReplyForm
from apps.projects.forms import QueueFilterForm, ServiceLogForm
from apps.projects.models import Project
from apps.revenue.forms import RevenueReportForm
from apps.workers.models import SocialWorker

DAY = dt.date(2026, 12, 4)
MORNING = dt.datetime(2026, 12, 4, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def _value(html: str, name: str) -> str | None:
    found = re.search(rf'<input type="(?:date|datetime-local)" name="{name}" value="([^"]*)"', html)
    return found and found.group(1)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_date_inputs_carry_iso_values_in_every_language(db, language):
    no_projects, no_workers = Project.objects.none(), SocialWorker.objects.none()
    with translation.override(language):
        rendered = {
            "hours": str(ServiceLogForm(initial={"date": DAY})),
            "queue": str(QueueFilterForm(initial={"date_from": DAY}, projects=no_projects, workers=no_workers)),
            "revenue": str(RevenueReportForm(initial={"period_start": DAY, "period_end": DAY})),
            "reply": str(ReplyForm(initial={"accepted_at": MORNING.astimezone(dt.UTC), "completion_by": DAY})),
            "need": str(NeedForm(initial={"service_start": DAY, "bid_deadline": MORNING}, community=None)),
        }
    assert _value(rendered["hours"], "date") == "2026-12-04"
    assert _value(rendered["queue"], "date_from") == "2026-12-04"
    assert _value(rendered["revenue"], "period_end") == "2026-12-04"
    assert _value(rendered["reply"], "completion_by") == "2026-12-04"
    assert _value(rendered["reply"], "accepted_at") == "2026-12-04T09:30"  # Shanghai time
    assert _value(rendered["need"], "service_start") == "2026-12-04"
    assert _value(rendered["need"], "bid_deadline") == "2026-12-04T09:30"


def test_iso_values_from_the_browser_are_accepted_on_zh_pages(db):
    with translation.override("zh-hans"):
        form = ReplyForm({"accepted_at": "2026-12-04T09:30", "completion_by": "2026-12-04", "action": "清运"})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["completion_by"] == DAY
    assert form.cleaned_data["accepted_at"] == MORNING


def _site_forms():
    for config in apps.get_app_configs():
        if not config.name.startswith("apps."):
            continue
        if importlib.util.find_spec(f"{config.name}.forms") is None:
            continue
        module = importlib.import_module(f"{config.name}.forms")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield cls


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_date_field_of_the_site_renders_a_picker_with_an_iso_value(language):
    checked = 0
    with translation.override(language):
        for cls in _site_forms():
            for name, field in cls.base_fields.items():
                if isinstance(field, forms.DateTimeField):
                    html, expected = field.widget.render(name, field.prepare_value(MORNING)), "2026-12-04T09:30"
                elif isinstance(field, forms.DateField):
                    html, expected = field.widget.render(name, field.prepare_value(DAY)), "2026-12-04"
                else:
                    continue
                assert _value(html, name) == expected, f"{cls.__name__}.{name}: {html}"
                checked += 1
    assert checked >= 9
