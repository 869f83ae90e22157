from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from cms import selectors


class HeroBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), max_length=120)
    text = blocks.TextBlock(label=_("text"), required=False)
    link_text = blocks.CharBlock(label=_("link text"), required=False, max_length=40)
    link_url = blocks.CharBlock(label=_("link address"), required=False, max_length=200)

    class Meta:
        template = "cms/blocks/hero.html"
        icon = "title"


class LiveFiguresBlock(blocks.StructBlock):
    """Open needs, service hours this year, money raised, certified enterprises — computed live."""

    heading = blocks.CharBlock(label=_("heading"), required=False, max_length=80)

    class Meta:
        template = "cms/blocks/figures.html"
        icon = "table"
        label = _("Live figures")

    def get_context(self, value, parent_context=None):

        ctx = super().get_context(value, parent_context)
        ctx["figures"] = selectors.live_figures()
        return ctx


class FeaturedNeedsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), required=False, max_length=80)
    count = blocks.IntegerBlock(label=_("how many"), default=3, min_value=1, max_value=12)

    class Meta:
        template = "cms/blocks/featured_needs.html"
        icon = "list-ul"
        label = _("Featured needs")

    def get_context(self, value, parent_context=None):

        ctx = super().get_context(value, parent_context)
        ctx["needs"] = selectors.featured_needs(value.get("count") or 3)
        return ctx


class LatestNewsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), required=False, max_length=80)
    count = blocks.IntegerBlock(label=_("how many"), default=3, min_value=1, max_value=12)
    kind = blocks.ChoiceBlock(
        label=_("kind"),
        required=False,
        choices=[("", _("news and notices")), ("news", _("news")), ("notice", _("notices"))],
    )

    class Meta:
        template = "cms/blocks/latest_news.html"
        icon = "doc-full"
        label = _("Latest news")

    def get_context(self, value, parent_context=None):

        ctx = super().get_context(value, parent_context)
        ctx["items"] = selectors.latest_news(value.get("count") or 3, value.get("kind") or "")
        return ctx


class CaseStoriesBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), required=False, max_length=80)
    count = blocks.IntegerBlock(label=_("how many"), default=3, min_value=1, max_value=12)

    class Meta:
        template = "cms/blocks/case_stories.html"
        icon = "openquote"
        label = _("Case stories")

    def get_context(self, value, parent_context=None):

        ctx = super().get_context(value, parent_context)
        ctx["items"] = selectors.case_stories(value.get("count") or 3)
        return ctx


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("quote"))
    source = blocks.CharBlock(label=_("source"), required=False, max_length=120)

    class Meta:
        template = "cms/blocks/quote.html"
        icon = "openquote"


class BodyStreamBlock(blocks.StreamBlock):
    hero = HeroBlock()
    heading = blocks.CharBlock(label=_("heading"), form_classname="title", template="cms/blocks/heading.html")
    paragraph = blocks.RichTextBlock(label=_("paragraph"))
    figures = LiveFiguresBlock()
    featured_needs = FeaturedNeedsBlock()
    latest_news = LatestNewsBlock()
    case_stories = CaseStoriesBlock()
    quote = QuoteBlock()


class ArticleStreamBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(label=_("heading"), form_classname="title", template="cms/blocks/heading.html")
    paragraph = blocks.RichTextBlock(label=_("paragraph"))
    quote = QuoteBlock()
