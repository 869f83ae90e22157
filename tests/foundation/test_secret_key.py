"""No forgeable default: with debug off the public development key is never the secret key.

The embedded default generates a random key on first start into a file only the server's user can
read, and reuses it; production (DJANGO_ENV=production) refuses to start without a key. Each case
starts a fresh Python process, because settings are read once, when the process starts."""

import io
import stat
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from apps.accounts.models import User
from tests.fresh_process import run_fresh

PUBLIC_DEV_KEY = "dev-only-insecure-key-change-me-in-production-0123456789"
PRINT_KEY = "from django.conf import settings; print(settings.SECRET_KEY)"


def _python(code: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    """Run code with a database in tmp_path, so nothing touches the developer's files."""
    return run_fresh(["-c", code], DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", **env)


def test_embedded_default_generates_a_private_key_once_and_reuses_it(tmp_path):
    key_file = tmp_path / "secret_key"
    first = _python(PRINT_KEY, tmp_path, DJANGO_DEBUG="0", DJANGO_SECRET_KEY_FILE=str(key_file))
    assert first.returncode == 0, first.stderr
    key = first.stdout.strip()
    assert key != PUBLIC_DEV_KEY and len(key) >= 50
    assert key_file.read_text().strip() == key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600  # readable by the server's user only

    again = _python(PRINT_KEY, tmp_path, DJANGO_DEBUG="0", DJANGO_SECRET_KEY_FILE=str(key_file))
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == key  # sessions and confirmation links survive a restart


def test_a_key_file_others_can_read_is_refused(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text("x" * 64)
    key_file.chmod(0o644)
    run = _python(PRINT_KEY, tmp_path, DJANGO_DEBUG="0", DJANGO_SECRET_KEY_FILE=str(key_file))
    assert run.returncode != 0
    assert "chmod 600" in run.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    """Not even with the embedded default's key file in the project folder (as `make run` leaves it)."""
    run = _python("import django; django.setup()", tmp_path, DJANGO_ENV="production")
    assert run.returncode != 0
    assert "DJANGO_SECRET_KEY" in run.stderr and "production" in run.stderr


def test_production_never_makes_up_a_key_file(tmp_path):
    absent = tmp_path / "absent"
    run = _python(
        "import django; django.setup()", tmp_path, DJANGO_ENV="production", DJANGO_SECRET_KEY_FILE=str(absent)
    )
    assert run.returncode != 0 and "DJANGO_SECRET_KEY" in run.stderr
    assert not absent.exists()


def test_production_reads_a_key_file_it_is_given(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text("s" * 64 + "\n")
    key_file.chmod(0o600)
    run = _python(PRINT_KEY, tmp_path, DJANGO_ENV="production", DJANGO_SECRET_KEY_FILE=str(key_file))
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "s" * 64


def test_a_configured_secret_key_is_used_as_is(tmp_path):
    run = _python(PRINT_KEY, tmp_path, DJANGO_ENV="production", DJANGO_SECRET_KEY="k" * 60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "k" * 60


def test_the_test_suite_does_not_run_on_the_public_key():
    assert settings.SECRET_KEY != PUBLIC_DEV_KEY


@pytest.mark.django_db
def test_seed_demo_refuses_public_accounts_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--i-know-this-is-public"):
        call_command("seed_demo", "--seed", "7", stdout=io.StringIO())
    assert not User.objects.filter(username="staff").exists()
