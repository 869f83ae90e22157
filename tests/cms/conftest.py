import random

import pytest

from apps.core.demo import DemoContext
from cms import demo


@pytest.fixture
def site_content(db):
    """The CMS demo content only (home, news with workflow, cases, help, about)."""

    ctx = DemoContext(seed=1, size="small", rng=random.Random(1))
    demo.seed(ctx)
    return ctx.data["cms"]
