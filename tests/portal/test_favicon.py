"""The site has an icon: base.html links the SVG and /favicon.ico leads to it."""

import pytest
from django.templatetags.static import static

pytestmark = pytest.mark.django_db


def test_favicon_ico_redirects_to_the_svg_icon_that_pages_link(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == static("img/favicon.svg")
    page = client.get("/en/certificates/NO-SUCH-CERTIFICATE/").content.decode()
    assert f'<link rel="icon" href="{static("img/favicon.svg")}" type="image/svg+xml">' in page
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    assert b"<svg" in b"".join(icon.streaming_content if icon.streaming else [icon.content])
