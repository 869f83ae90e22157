"""System check of MAP_TILE_URL: a misspelt template would silently draw the same tile everywhere."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error


def map_tile_url_check(app_configs=None, **kwargs) -> list[Error]:
    url = getattr(settings, "MAP_TILE_URL", "")
    if not url:
        return []
    missing = [part for part in ("{z}", "{x}", "{y}") if part not in url]
    if urlsplit(url).scheme in ("http", "https") and not missing:
        return []
    return [
        Error(
            f"MAP_TILE_URL must be an http(s) URL template containing {{z}}, {{x}} and {{y}}; got {url!r}.",
            hint="For example https://tiles.example.org/{z}/{x}/{y}.png, or leave it empty for the grid view.",
            id="dispatch.E001",
        )
    ]
