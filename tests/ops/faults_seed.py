"""The fault tests' seed (run in the site's environment, on a private database): the smoke
journey's seed (tests/ops/stack_seed.py), a manager of its fund, and the search index built from
it, as a running site has it (the project's public need titled "春季义诊活动": ``indexed_need``).
Prints one JSON line."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")

import django  # noqa: E402

django.setup()

from apps.accounts.services import membership_add  # noqa: E402
from apps.bidding.models import Need  # noqa: E402
from apps.funds.models import Fund  # noqa: E402
from apps.search.services import search_rebuild  # noqa: E402
from tests.factories.core import UserFactory  # noqa: E402
from tests.ops.stack_seed import seed  # noqa: E402

if __name__ == "__main__":
    data = seed()
    manager = UserFactory(username="faults_fund_manager")
    membership_add(user=manager, role="fund_manager", fund=Fund.objects.get(pk=data["fund"]))
    need = Need.objects.get(project__pk=data["project"])
    Need.objects.filter(pk=need.pk).update(title="春季义诊活动")
    search_rebuild()
    print(json.dumps({**data, "fund_manager": manager.username, "indexed_need": need.pk}))
