"""Last step of seed_demo: index everything the other apps created."""

from apps.core.demo import DemoContext, demo_step
from apps.search.services import search_rebuild

INDEXED_STEPS = (
    "bidding",
    "bidding.large",
    "certification",
    "cms",
    "organizations",
    "organizations.large",
    "projects",
    "projects.large",
    "workers",
    "workers.large",
)


@demo_step("search", after=INDEXED_STEPS)
def seed(ctx: DemoContext) -> None:
    ctx.data["search_indexed"] = search_rebuild()
