"""Run Python with the project's settings in a fresh process: settings are read once, when a
process starts, so what an environment variable changes there is seen only in a new one."""

import os
import subprocess
import sys

from django.conf import settings


def run_fresh(args: list[str], **env: str) -> subprocess.CompletedProcess:
    """``python ARGS`` in the project folder, with none of our DJANGO_* or DATABASE_URL variables
    but those given."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    clean.update(DJANGO_SETTINGS_MODULE="marketplace.settings", **env)
    return subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
