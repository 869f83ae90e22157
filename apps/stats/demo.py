"""The large demo city (``seed_demo --size large``) is bulk-inserted here, after every app's small
demo and before the search index is rebuilt: see apps/core/large_demo.py. The small size adds
nothing here."""

from apps.core.demo import DemoContext


def seed(ctx: DemoContext) -> None:
    if ctx.large:
        from apps.core.large_demo import seed as seed_large

        seed_large(ctx)
