"""Shared fixtures: a small region tree, categories, users with roles, API clients."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import psycopg
import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.sql import emit_post_migrate_signal
from django.db import connections
from django.utils import timezone
from pytest_django.plugin import blocking_manager_key
from rest_framework.test import APIClient

from apps.accounts.services import membership_add, token_for
from apps.core.models import Category
from apps.funds.models import Fund
from apps.regions.demo import CATEGORIES
from apps.regions.models import Region
from marketplace.celery import app
from tests.factories.core import OrganizationFactory, RegionFactory, SocialWorkerFactory, UserFactory
from tests.factories.funds import FundFactory


@pytest.fixture(scope="session")
def django_db_createdb(request):
    """Recreate a kept test database when a transactional test flushed it in an earlier run.

    Live-server and real-worker tests end with a flush, which also removes the rows migrations
    create once (the Wagtail root page, groups, the first policy version). ``--reuse-db`` would
    then start the next run without them, so such a database is rebuilt instead of reused."""
    return request.config.getvalue("create_db") or _kept_test_database_was_flushed()


def _kept_test_database_was_flushed() -> bool:
    config = settings.DATABASES["default"]
    if config["ENGINE"] != "django.db.backends.postgresql":
        return False  # SQLite test databases live in memory and are never kept

    name = config.get("TEST", {}).get("NAME") or f"test_{config['NAME']}"
    try:
        with psycopg.connect(
            dbname=name,
            user=config.get("USER") or None,
            password=config.get("PASSWORD") or None,
            host=config.get("HOST") or None,
            port=config.get("PORT") or None,
            connect_timeout=5,
        ) as conn:
            row = conn.execute("SELECT count(*) FROM wagtailcore_page WHERE depth = 1").fetchone()
    except psycopg.Error:
        return False  # no kept database (or not migrated yet): the normal set-up creates it
    return row[0] == 0


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """A test marked ``serialized_rollback`` starts from the database as migrations left it.

    Django restores that copy into an empty database, and a transactional test that came before
    left it empty only if it was marked too: otherwise its closing flush re-created the content
    types and permissions (post_migrate), and the restored copy collides with them (UNIQUE
    constraint failed: django_content_type). So such a test's database is emptied first, without
    post_migrate, and the content-type cache that pointed to the rows just removed is dropped."""
    marker = item.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("serialized_rollback"):
        return
    with item.config.stash[blocking_manager_key].unblock():
        for alias in connections:
            if hasattr(connections[alias], "_test_serialized_contents"):  # the test database is set up
                call_command(
                    "flush",
                    verbosity=0,
                    interactive=False,
                    database=alias,
                    reset_sequences=False,  # the restored rows keep their ids; new ones come after
                    inhibit_post_migrate=True,
                )
        ContentType.objects.clear_cache()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item):
    """After a ``serialized_rollback`` test, Django's closing flush skips post_migrate, which leaves
    no django.contrib.sites Site, content types or permissions for the transactional tests that
    follow (allauth's sign-in page then fails: Site matching query does not exist). They are
    re-created here, as the flush after any other transactional test does."""
    yield
    marker = item.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("serialized_rollback"):
        return
    with item.config.stash[blocking_manager_key].unblock():
        ContentType.objects.clear_cache()
        for alias in connections:
            if hasattr(connections[alias], "_test_serialized_contents"):
                emit_post_migrate_signal(0, False, alias)


@pytest.fixture(autouse=True)
def _categories(db):
    Category.objects.bulk_create(
        [Category(code=c, name=zh, name_en=en, sort_order=i) for i, (c, zh, en) in enumerate(CATEGORIES)],
        ignore_conflicts=True,
    )


@pytest.fixture(autouse=True)
def _tasks_in_process(request):
    """Tasks run in the test's process and transaction, even when CI configures a broker; the
    tests marked ``celery_worker`` send them through the real broker to a real worker instead."""

    eager = "celery_worker" not in request.keywords
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = eager
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Full-strength PBKDF2 for every account a test creates makes the suite several times slower.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _email_backend(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _media_storage(settings, tmp_path):
    """Public and private uploads go to this test's own temporary folders (cookiecutter-django's
    ``media_storage``): both storages follow their setting, so no test patches a storage."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private_media")


@dataclass
class City:
    city: Region
    district: Region
    street: Region
    community: Region
    grid: Region
    other_street: Region
    other_community: Region
    fund: Fund
    other_fund: Fund


@pytest.fixture
def city(db) -> City:
    """成都市 → 武侯区 → 玉林街道 → 玉林东路社区 (+ a grid), and 望江路街道 → 望江楼社区."""
    c = RegionFactory(code="510100000000", name="成都市", level="city")
    d = RegionFactory(code="510107000000", name="武侯区", level="district", parent=c)
    s = RegionFactory(code="510107006000", name="玉林街道", level="street", parent=d)
    cm = RegionFactory(code="510107006001", name="玉林东路社区", level="community", parent=s)
    g = RegionFactory(code="510107006001-01", name="第1网格", level="grid", parent=cm)
    s2 = RegionFactory(code="510107007000", name="望江路街道", level="street", parent=d)
    cm2 = RegionFactory(code="510107007001", name="望江楼社区", level="community", parent=s2)
    return City(c, d, s, cm, g, s2, cm2, FundFactory(community=cm), FundFactory(community=cm2))


@pytest.fixture
def make_user(db):
    """make_user("community_staff", community=region) → a user holding that membership."""

    def _make(role: str | None = None, username: str | None = None, **scope):
        user = UserFactory(**({"username": username} if username else {}))
        if role:
            membership_add(user=user, role=role, **scope)
        return user

    return _make


@pytest.fixture
def api():
    """An anonymous API client; ``api.as_user(user)`` returns a client signed in by token."""
    client = APIClient()

    def as_user(user):
        authed = APIClient()
        authed.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(user=user)}")
        return authed

    client.as_user = as_user
    return client


@pytest.fixture
def organization(city):
    return OrganizationFactory(region=city.district)


@pytest.fixture
def worker_factory(db):
    def _make(organization=None, **kwargs):
        worker = SocialWorkerFactory(**kwargs)
        membership_add(user=worker.user, role="social_worker", organization=organization)
        return worker

    return _make


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def days():
    return lambda n: dt.timedelta(days=n)


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres`` are skipped before any fixture runs on other databases (their
    transactional set-up would otherwise flush SQLite tables the ledger keeps append-only)."""

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (DATABASE_URL=postgres://…)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)
