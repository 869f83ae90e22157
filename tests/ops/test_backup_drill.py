"""The backup drill on PostgreSQL: deploy/backup.sh, drop the database, deploy/restore.sh, and the
restored site has the same rows, the same uploads, a clean ledger and a complete search index.

It works on its own scratch database (sanshe_backup_drill, a copy of the migrated test database),
never on the test database itself, and runs the scripts as an operator would."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
SCRATCH = "sanshe_backup_drill"
TABLES = ["ledger_transfer", "ledger_leg", "ledger_account", "funds_fund", "regions_region", "funds_income"]

SEED = """
import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
import django
django.setup()
from pathlib import Path
from django.conf import settings
from apps.funds.services import fund_income_record
from tests.factories.core import RegionFactory
from tests.factories.funds import FundFactory

city = RegionFactory(code="510100000000", name="成都市", level="city")
district = RegionFactory(code="510107000000", name="武侯区", level="district", parent=city)
street = RegionFactory(code="510107006000", name="玉林街道", level="street", parent=district)
for i in range(3):
    community = RegionFactory(code=f"51010700600{i + 1}", name=f"玉林第{i + 1}社区", level="community", parent=street)
    fund = FundFactory(community=community)
    for j in range(4):
        fund_income_record(fund=fund, amount_fen=10_000 * (j + 1), source="bank", idempotency_key=f"drill-{i}-{j}")
for root, name in ((settings.MEDIA_ROOT, "photos/drill.png"), (settings.PRIVATE_MEDIA_ROOT, "proposals/drill.pdf")):
    path = Path(root) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"drill " + name.encode() * 100)
print("seeded")
"""


def _pg(dbname: str) -> dict:
    db = settings.DATABASES["default"]
    return {
        "dbname": dbname,
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
        "host": db.get("HOST") or None,
        "port": db.get("PORT") or None,
    }


def _url(dbname: str) -> str:
    db = settings.DATABASES["default"]
    auth = db.get("USER") or ""
    if db.get("PASSWORD"):
        auth += f":{db['PASSWORD']}"
    return f"postgres://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{dbname}"


def _admin(sql: str) -> None:
    with psycopg.connect(**_pg("postgres"), autocommit=True) as conn:
        conn.execute(sql)


def _counts() -> dict[str, int]:
    with psycopg.connect(**_pg(SCRATCH)) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}  # noqa: S608 - fixed names


def _pg_options() -> list[str]:
    db = settings.DATABASES["default"]
    return [
        *(["--username", db["USER"]] if db.get("USER") else []),
        *(["--host", db["HOST"]] if db.get("HOST") else []),
        *(["--port", str(db["PORT"])] if db.get("PORT") else []),
    ]


@pytest.fixture
def scratch(django_db_setup, django_db_blocker, tmp_path):
    """sanshe_backup_drill: a copy of the migrated test database (schema and the rows migrations
    made), dropped again at the end."""
    test_db = settings.DATABASES["default"]["NAME"]
    _admin(f'DROP DATABASE IF EXISTS "{SCRATCH}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{SCRATCH}"')
    dump = tmp_path / "template.dump"
    subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", "--file", str(dump), *_pg_options(), test_db], check=True
    )
    subprocess.run(["pg_restore", "--no-owner", *_pg_options(), "--dbname", SCRATCH, str(dump)], check=True)
    env = {
        **os.environ,
        "DATABASE_URL": _url(SCRATCH),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "private_media"),
        "PYTHON": sys.executable,
        "CELERY_BROKER_URL": "",
        "PGPASSWORD": settings.DATABASES["default"].get("PASSWORD") or "",
    }
    yield env
    _admin(f'DROP DATABASE IF EXISTS "{SCRATCH}" WITH (FORCE)')


def test_backup_drop_restore_verify(scratch, tmp_path):
    env = scratch
    subprocess.run([sys.executable, "-c", SEED], cwd=ROOT, env=env, check=True, capture_output=True)
    before = _counts()
    assert before["ledger_transfer"] >= 12
    assert before["funds_fund"] == 3

    started = time.monotonic()
    backup = subprocess.run(
        ["bash", "deploy/backup.sh", str(tmp_path / "backups")], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert backup.returncode == 0, backup.stderr
    folder = Path(backup.stdout.strip().splitlines()[-1])
    backup_seconds = time.monotonic() - started
    assert {p.name for p in folder.iterdir()} == {"db.dump", "media.tar.gz", "private_media.tar.gz", "MANIFEST"}
    assert "uploads_in_bucket" not in (folder / "MANIFEST").read_text()  # the uploads are in it

    # disaster: the database and the uploads are gone
    _admin(f'DROP DATABASE "{SCRATCH}" WITH (FORCE)')
    shutil.rmtree(env["MEDIA_ROOT"])
    shutil.rmtree(env["PRIVATE_MEDIA_ROOT"])

    started = time.monotonic()
    restore = subprocess.run(
        ["bash", "deploy/restore.sh", str(folder)], cwd=ROOT, env=env, capture_output=True, text=True
    )
    restore_seconds = time.monotonic() - started
    assert restore.returncode == 0, restore.stdout + restore.stderr
    assert "ok" in restore.stdout  # ledger_verify
    assert "restore check ok" in restore.stdout
    assert _counts() == before
    assert (Path(env["MEDIA_ROOT"]) / "photos/drill.png").read_bytes().startswith(b"drill photos/drill.png")
    assert (Path(env["PRIVATE_MEDIA_ROOT"]) / "proposals/drill.pdf").is_file()
    print(f"backup {backup_seconds:.1f} s, restore and checks {restore_seconds:.1f} s")


def test_backup_with_uploads_in_a_bucket_says_so_and_restore_refuses_a_damaged_backup(scratch, tmp_path):
    # With STORAGE_URL the uploads are in the bucket: the backup holds the database only and says
    # so (never with the bucket's keys), on the terminal and in its MANIFEST.
    env = {**scratch, "STORAGE_URL": "s3://KEYID:s3cret@sanshe-drill?endpoint_url=http://127.0.0.1:9"}
    backup = subprocess.run(
        ["bash", "deploy/backup.sh", str(tmp_path / "backups")], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert backup.returncode == 0, backup.stderr
    assert "s3://sanshe-drill/media/ s3://sanshe-drill/private/), NOT in this backup" in backup.stderr
    assert "the database only" in backup.stderr.splitlines()[-1]
    folder = Path(backup.stdout.strip().splitlines()[-1])
    manifest = (folder / "MANIFEST").read_text()
    assert "uploads_in_bucket=s3://sanshe-drill/media/ s3://sanshe-drill/private/ (not in this backup)" in manifest
    assert "s3cret" not in backup.stderr + backup.stdout + manifest

    env = scratch
    with open(folder / "db.dump", "r+b") as f:
        f.seek(100)
        f.write(b"\x00damaged\x00")
    restore = subprocess.run(
        ["bash", "deploy/restore.sh", str(folder)], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert restore.returncode != 0
    assert "checksums differ" in restore.stderr
