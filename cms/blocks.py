from django.utils.translation import gettext_lazy as _
from wagtail import blocks


class HeroBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), max_length=120)
    text = blocks.TextBlock(label=_("text"), required=False)
    link_text = blocks.CharBlock(label=_("link text"), required=False, max_length=40)
    link_url = blocks.CharBlock(label=_("link address"), required=False, max_length=200)

    class Meta:
        template = "cms/blocks/hero.html"
        icon = "title"


class BodyStreamBlock(blocks.StreamBlock):
    hero = HeroBlock()
    heading = blocks.CharBlock(label=_("heading"), form_classname="title", template="cms/blocks/heading.html")
    paragraph = blocks.RichTextBlock(label=_("paragraph"))
