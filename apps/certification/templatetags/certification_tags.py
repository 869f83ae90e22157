from django import template

from apps.certification.selectors import organization_certification_status

register = template.Library()


@register.inclusion_tag("certification/badge.html")
def certification_badge(organization):
    """``{% load certification_tags %}{% certification_badge org %}``: the badge while certified."""
    return {"certification": organization_certification_status(organization)}
