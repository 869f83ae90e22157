"""The demo city's registry. Each app contributes its own steps in ``apps/<app>/demo.py``::

    @demo_step("bidding", after=("workers", "funds"))
    def seed(ctx: DemoContext) -> None: ...

    @demo_step("bidding.large", size="large", after=("workers.large", "funds.large_city"))
    def seed_large(ctx: DemoContext) -> None: ...

``after`` names the steps whose data a step uses (through ``ctx.data``/``ctx.users`` or the
database). Small steps build the demo city and run for every size; large steps run for
``seed_demo --size large`` and ``--size city``, on top of the small city, with that size's counts
(``COUNTS``, read by ``ctx.count``). The city size is PostgreSQL only. ``demo_plan`` orders the steps so each runs
after what it names; among the steps that could run next, small ones go first, then the app that
comes first in INSTALLED_APPS (lower layers first), then the one declared first. The order is
fixed by the code, so everything derived from ``ctx.rng`` replays for a seed.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps as django_apps
from django.utils import timezone

from apps.core.bulk import objects_insert
from apps.core.validators import CREDIT_CODE_CHARS, credit_code_check_char

SIZES = ("small", "large", "city")
STEP_SIZES = ("small", "large")  # a step is small (every size) or large (the large and city sizes)

# The large steps' counts per size at scale 1, as (count, minimum at any --scale): one table, so
# the sizes differ here and not in ifs. ``communities`` is what the city adds to the small city's 11
# (the large size adds a fixed 6 districts of 120). The city is Chengdu's: 23 districts
# (12 districts, 5 county-level cities, 3 counties and 3 management areas), 4,300 communities,
# 11,000 organizations, 50,000 workers, 300,000 needs, 10,000,000 service records over one year and
# 2,000,000 ledger transfers (its donations make up what the grants and incomes leave).
COUNTS: dict[str, dict[str, tuple[int, int]]] = {
    "large": {
        "organizations": (300, 6),
        "workers": (2_000, 12),
        "needs": (100_000, 60),
        "donations": (30_000, 30),
        "service_logs": (1_000_000, 600),
    },
    "city": {
        "communities": (4_300 - 11, 20),
        "organizations": (11_000, 20),
        "workers": (50_000, 40),
        "needs": (300_000, 120),
        "transfers": (2_000_000, 400),
        "service_logs": (10_000_000, 1_000),
    },
}
# The share of the large steps' needs paid from their community's fund (the others are paid from
# budgets outside the platform's books). Every funded award reserves its grant through the ledger's
# one-by-one path (funds.payouts.award_reserve) in the city, so its share is what that path books in
# minutes; the city's transfers are mostly donations, booked in batches.
FUNDED_SHARE = {"large": 1.0, "city": 0.1}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = "丽娜敏静伟芳强磊洋艳勇军杰娟涛明超秀霞平刚桂英华玲建国晓燕"


class DemoProgress:
    """Prints ``label: done/total (pct)`` every 10 % and the step's time at the end."""

    def __init__(self, log: Callable[[str], None], label: str, total: int):
        self.log, self.label, self.total = log, label, max(total, 1)
        self.next_pct, self.started = 10, time.monotonic()

    def update(self, done: int) -> None:
        pct = 100 * done // self.total
        if pct >= self.next_pct:
            self.log(f"  {self.label}: {done:,}/{self.total:,} ({pct}%)")
            self.next_pct = (pct // 10 + 1) * 10

    def done(self, extra: str = "") -> None:
        self.log(f"  {self.label}: done in {time.monotonic() - self.started:.1f} s {extra}".rstrip())


def aware(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@dataclass
class DemoContext:
    seed: int
    size: str
    rng: random.Random
    now: dt.datetime = field(default_factory=timezone.now)
    accounts: list[tuple[str, str, str]] = field(default_factory=list)  # username, role, scope
    users: dict = field(default_factory=dict)
    data: dict = field(default_factory=dict)
    scale: float = 1.0  # multiplies the large and city sizes' counts (seed_demo --scale)
    log: Callable[[str], None] = print  # progress lines of the large and city sizes

    @property
    def today(self) -> dt.date:
        return timezone.localdate(self.now)

    @property
    def large(self) -> bool:
        """The large steps run (sizes ``large`` and ``city``)."""
        return self.size in COUNTS

    @property
    def city(self) -> bool:
        """The city size: PostgreSQL only, its biggest tables built by set-based SQL and COPY."""
        return self.size == "city"

    def scaled(self, full: int, minimum: int) -> int:
        """``full`` at scale 1, never below ``minimum``."""
        return max(minimum, round(full * self.scale))

    @property
    def funded_share(self) -> float:
        return FUNDED_SHARE[self.size]

    def count(self, name: str) -> int:
        """This size's count of ``name`` (``COUNTS``) at this scale."""
        return self.scaled(*COUNTS[self.size][name])

    def progress(self, label: str, total: int) -> DemoProgress:
        return DemoProgress(self.log, label, total)

    def insert(self, model, objs: list, label: str = "") -> list:
        """Bulk-insert unsaved instances (``objects_insert``), with a progress line per 10 % when labelled."""
        progress = self.progress(label, len(objs)) if label else None
        objects_insert(model, objs, now=self.now, progress=progress.update if progress else None)
        if progress:
            progress.done()
        return objs

    def person_name(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2))))

    def credit_code(self, region_code: str, kind: str = "52") -> str:
        body = kind + region_code[:6] + "".join(self.rng.choice(CREDIT_CODE_CHARS) for _ in range(9))
        return body + credit_code_check_char(body)


@dataclass(frozen=True)
class DemoStep:
    name: str
    size: str
    after: tuple[str, ...]
    func: Callable[[DemoContext], None]
    app: str  # the module that declared it, e.g. "apps.bidding.demo"
    atomic: bool = True  # False: the step commits as it goes (its own transactions)


_registry: dict[str, DemoStep] = {}


def demo_step(name: str, *, size: str = "small", after: tuple[str, ...] = (), atomic: bool = True):
    """Register ``func(ctx)`` as the demo step ``name`` (unique), run after the steps in ``after``,
    in one transaction unless ``atomic`` is false."""
    if size not in STEP_SIZES:
        raise ValueError(f"demo step {name}: size must be one of {STEP_SIZES}")

    def register(func):
        existing = _registry.get(name)
        if existing is not None and (existing.app, existing.func.__qualname__) != (func.__module__, func.__qualname__):
            raise ValueError(f"demo step {name} is declared twice ({existing.app} and {func.__module__})")
        _registry[name] = DemoStep(
            name=name, size=size, after=tuple(after), func=func, app=func.__module__, atomic=atomic
        )
        return func

    return register


def discover() -> dict[str, DemoStep]:
    for config in django_apps.get_app_configs():
        if config.name.startswith(("apps.", "cms")):
            try:
                import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
    return dict(_registry)


def demo_plan(size: str, *, steps: dict[str, DemoStep] | None = None, upto: tuple[str, ...] = ()) -> list[DemoStep]:
    """The steps of ``size`` in the order they run; with ``upto``, only those steps and what they need."""
    steps = discover() if steps is None else steps
    for step in steps.values():
        unknown = [name for name in step.after if name not in steps]
        if unknown:
            raise ValueError(f"demo step {step.name} runs after unknown steps {unknown}")
    chosen = {name: step for name, step in steps.items() if step.size == "small" or size in COUNTS}
    if upto:
        wanted: set[str] = set()
        todo = list(upto)
        while todo:
            name = todo.pop()
            if name in chosen and name not in wanted:
                wanted.add(name)
                todo.extend(chosen[name].after)
        chosen = {name: step for name, step in chosen.items() if name in wanted}
    app_rank = {f"{config.name}.demo": i for i, config in enumerate(django_apps.get_app_configs())}
    declared = {name: i for i, name in enumerate(steps)}

    def rank(step: DemoStep):
        return (STEP_SIZES.index(step.size), app_rank.get(step.app, len(app_rank)), declared[step.name])

    plan: list[DemoStep] = []
    done: set[str] = set()
    while chosen:
        ready = [s for s in chosen.values() if all(n in done or n not in chosen for n in s.after)]
        if not ready:
            raise ValueError(f"demo steps wait for each other: {sorted(chosen)}")
        step = min(ready, key=rank)
        plan.append(step)
        done.add(step.name)
        del chosen[step.name]
    return plan
