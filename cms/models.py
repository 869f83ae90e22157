from django.core.paginator import Paginator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.blocks import ArticleStreamBlock, BodyStreamBlock

ROLE_CHOICES = [
    ("everyone", _("everyone")),
    ("community_staff", _("community staff")),
    ("social_organization", _("social organizations")),
    ("social_worker", _("social workers")),
    ("reviewer", _("reviewers")),
    ("donor", _("donors and fund managers")),
    ("officer", _("street and district officers")),
]


class HomePage(Page):
    body = StreamField(BodyStreamBlock(), blank=True, use_json_field=True, verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    max_count = 1
    template = "cms/home_page.html"

    class Meta:
        verbose_name = _("home page")


class StandardPage(Page):
    body = StreamField(BodyStreamBlock(), blank=True, use_json_field=True, verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    template = "cms/standard_page.html"

    class Meta:
        verbose_name = _("standard page")


class NewsIndexPage(Page):
    """新闻与通知公告: lists NewsPage children, newest first, ten a page, filter by kind."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["cms.NewsPage"]
    template = "cms/news_index_page.html"
    per_page = 10

    class Meta:
        verbose_name = _("news index")

    def get_context(self, request, *args, **kwargs):
        ctx = super().get_context(request, *args, **kwargs)
        kind = request.GET.get("kind", "")
        qs = NewsPage.objects.child_of(self).live().public().order_by("-date", "-id")
        if kind in dict(NewsPage.KIND_CHOICES):
            qs = qs.filter(kind=kind)
        else:
            kind = ""
        ctx["kind"] = kind
        ctx["page_obj"] = Paginator(qs, self.per_page).get_page(request.GET.get("page"))
        ctx["extra_query"] = f"kind={kind}" if kind else ""
        return ctx


class NewsPage(Page):
    KIND_CHOICES = [("news", _("news")), ("notice", _("notice"))]

    date = models.DateField(_("date"), default=timezone.localdate)
    kind = models.CharField(_("kind"), max_length=10, choices=KIND_CHOICES, default="news")
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = StreamField(ArticleStreamBlock(), blank=True, use_json_field=True, verbose_name=_("body"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("kind"),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types: list = []
    template = "cms/news_page.html"

    class Meta:
        verbose_name = _("news or notice")


class CaseIndexPage(Page):
    """典型案例."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["cms.CaseStudyPage"]
    template = "cms/case_index_page.html"

    class Meta:
        verbose_name = _("case study index")

    def get_context(self, request, *args, **kwargs):
        ctx = super().get_context(request, *args, **kwargs)
        qs = CaseStudyPage.objects.child_of(self).live().public().order_by("-first_published_at", "-id")
        ctx["page_obj"] = Paginator(qs, 10).get_page(request.GET.get("page"))
        return ctx


class CaseStudyPage(Page):
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    place = models.CharField(_("community or place"), max_length=120, blank=True)
    topic = models.CharField(_("topic"), max_length=60, blank=True)
    body = StreamField(ArticleStreamBlock(), blank=True, use_json_field=True, verbose_name=_("body"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("place"),
        FieldPanel("topic"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["cms.CaseIndexPage"]
    subpage_types: list = []
    template = "cms/case_study_page.html"

    class Meta:
        verbose_name = _("case study")


class HelpIndexPage(Page):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["cms.HelpPage"]
    template = "cms/help_index_page.html"

    class Meta:
        verbose_name = _("help index")

    def get_context(self, request, *args, **kwargs):
        ctx = super().get_context(request, *args, **kwargs)
        ctx["help_pages"] = HelpPage.objects.child_of(self).live().public()
        return ctx


class HelpPage(Page):
    role = models.CharField(_("for whom"), max_length=30, choices=ROLE_CHOICES, default="everyone")
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = StreamField(ArticleStreamBlock(), blank=True, use_json_field=True, verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("role"), FieldPanel("summary"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["cms.HelpIndexPage"]
    subpage_types: list = []
    template = "cms/help_page.html"

    class Meta:
        verbose_name = _("help page")
