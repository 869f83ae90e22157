from django import template

from apps.funds.access import user_manages_fund

register = template.Library()


@register.filter
def manages_fund(user, fund) -> bool:
    """``{% if request.user|manages_fund:fund %}``: what only the fund's managers are shown."""
    return user_manages_fund(user, fund.pk)
