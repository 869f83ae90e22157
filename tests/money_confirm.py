"""What a person does on a money confirm page (#20): open it, then press its button, which posts its
form's hidden fields, among them the digest of the amounts the page showed."""

from __future__ import annotations

import re
from html import unescape

FORM = re.compile(r'<form method="post" action="([^"]*)">(.*?)</form>', re.S)
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def form_of(page) -> tuple[str, dict[str, str]]:
    """A confirm page's form: where it posts and its hidden fields (without the CSRF token)."""
    html = page.content.decode()
    action, body = FORM.search(html, html.index('class="card money-confirm"')).groups()
    fields = {name: unescape(value) for name, value in HIDDEN.findall(body) if name != "csrfmiddlewaretoken"}
    return unescape(action), fields


def confirm_form(client, confirm_url: str, query: dict | None = None) -> tuple[str, dict[str, str]]:
    """Open the confirm page: its form's action and hidden fields."""
    page = client.get(confirm_url, query or {})
    assert page.status_code == 200, page.status_code
    return form_of(page)


def confirm(client, confirm_url: str, query: dict | None = None, *, follow: bool = False):
    """Open the confirm page and press its button."""
    action, fields = confirm_form(client, confirm_url, query)
    return client.post(action, fields, follow=follow)
