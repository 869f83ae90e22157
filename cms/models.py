from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page

from cms.blocks import BodyStreamBlock


class HomePage(Page):
    body = StreamField(BodyStreamBlock(), blank=True, use_json_field=True, verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("body")]
    max_count = 1
    template = "cms/home_page.html"

    class Meta:
        verbose_name = _("home page")


class StandardPage(Page):
    body = StreamField(BodyStreamBlock(), blank=True, use_json_field=True, verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("body")]
    template = "cms/standard_page.html"

    class Meta:
        verbose_name = _("standard page")
