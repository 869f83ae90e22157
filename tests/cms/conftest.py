import random

import pytest

from apps.core.demo import DemoContext


@pytest.fixture
def site_content(db):
    """The CMS demo content only (home, news with workflow, cases, help, about)."""
    from cms import demo

    ctx = DemoContext(seed=1, size="small", rng=random.Random(1))
    demo.seed(ctx)
    return ctx.data["cms"]
