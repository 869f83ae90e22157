"""The outbox on the Wagtail dashboard: how many mails gave up after every attempt, and how many
wait for a retry, so platform staff notice a broken mail server (each failure is also logged)."""

from django.utils.html import format_html
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.admin.ui.components import Component

from apps.notifications.selectors import outbox_problem_counts


class OutboxPanel(Component):
    name = "mail_outbox"
    order = 500

    def render_html(self, parent_context=None):
        counts = outbox_problem_counts()
        return format_html(
            '<section class="panel summary nice-padding"><h2>{}</h2><p>{}</p></section>',
            _("Outgoing e-mail"),
            _("%(failed)d could not be sent after every attempt; %(waiting)d wait for a retry.") % counts,
        )


@hooks.register("construct_homepage_panels")
def add_outbox_panel(request, panels):
    panels.append(OutboxPanel())
