"""Last step of seed_demo: index everything the other apps created."""

from apps.core.demo import DemoContext

from .services import search_rebuild


def seed(ctx: DemoContext) -> None:
    ctx.data["search_indexed"] = search_rebuild()
