import pytest

from tests.services import service_missing


def test_a_missing_service_skips_on_a_laptop_and_fails_under_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="localstripe did not start"):
        service_missing("localstripe did not start")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="localstripe did not start.*CI=true"):
        service_missing("localstripe did not start")
