"""The fault tests' seed (run in the site's environment, on a private database): the smoke
journey's seed (tests/ops/stack_seed.py) and a manager of its fund. Prints one JSON line."""

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
from apps.funds.models import Fund  # noqa: E402
from tests.factories.core import UserFactory  # noqa: E402
from tests.ops.stack_seed import seed  # noqa: E402

if __name__ == "__main__":
    data = seed()
    manager = UserFactory(username="faults_fund_manager")
    membership_add(user=manager, role="fund_manager", fund=Fund.objects.get(pk=data["fund"]))
    print(json.dumps({**data, "fund_manager": manager.username}))
