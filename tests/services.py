"""Services the tests need beyond the database (localstripe, Chromium, GNU gettext, the OCDS
schema). Where one is missing a test skips, with the reason; under ``CI=true`` it fails instead,
because .ci/run provides every one of them and a skip there would hide a broken install."""

import os

import pytest


def service_missing(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: .ci/run provides it, so its absence is a failure)", pytrace=False)
    pytest.skip(reason)
