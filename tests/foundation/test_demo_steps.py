"""The demo registry: every app declares its steps; seed_demo runs each after what it needs."""

import pytest

from apps.core.demo import DemoStep, demo_plan
from apps.search.demo import INDEXED_STEPS


def _step(name, *, app="apps.core.demo", size="small", after=()):
    return DemoStep(name=name, size=size, after=after, func=lambda ctx: None, app=app)


@pytest.mark.parametrize("size", ["small", "large"])
def test_every_registered_step_runs_after_the_steps_it_needs(size):
    plan = [step.name for step in demo_plan(size)]
    assert len(plan) == len(set(plan))
    for position, step in enumerate(demo_plan(size)):
        for needed in step.after:
            assert needed not in plan[position:], f"{step.name} runs before {needed}"


def test_the_small_demo_has_no_large_step_and_the_large_demo_builds_the_small_city_first():
    small = [step.name for step in demo_plan("small")]
    large = [step.name for step in demo_plan("large")]
    assert all(not name.endswith(".large") for name in small)
    assert set(small) < set(large)
    assert large.index("regions.large") > large.index("dispatch")
    assert small[0] == "regions"
    indexed = [small.index(name) for name in INDEXED_STEPS if name in small]
    assert small.index("search") > max(indexed)


def test_a_step_runs_after_what_it_names_even_when_its_app_comes_first():
    steps = {
        "projects": _step("projects", app="apps.core.demo", after=("bidding",)),  # its app ranks first
        "bidding": _step("bidding", app="apps.bidding.demo"),
        "accounts": _step("accounts", app="apps.accounts.demo"),
    }
    assert [s.name for s in demo_plan("small", steps=steps)] == ["accounts", "bidding", "projects"]


def test_a_small_step_may_wait_for_a_large_one_only_in_the_large_demo():
    steps = {
        "stats": _step("stats", after=("bidding.large",)),
        "bidding.large": _step("bidding.large", size="large"),
    }
    assert [s.name for s in demo_plan("small", steps=steps)] == ["stats"]
    assert [s.name for s in demo_plan("large", steps=steps)] == ["bidding.large", "stats"]


def test_upto_runs_only_the_named_steps_and_what_they_need():
    plan = [s.name for s in demo_plan("small", upto=("bidding",))]
    assert plan[-1] == "bidding"
    assert {"regions", "organizations", "accounts", "workers", "funds"} <= set(plan)
    assert "dispatch" not in plan and "cms" not in plan


def test_an_unknown_or_circular_need_is_refused():
    with pytest.raises(ValueError, match="unknown"):
        demo_plan("small", steps={"a": _step("a", after=("nope",))})
    circular = {"a": _step("a", after=("b",)), "b": _step("b", after=("a",))}
    with pytest.raises(ValueError, match="wait for each other"):
        demo_plan("small", steps=circular)
