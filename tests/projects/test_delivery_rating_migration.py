"""DeliveryRating moved from stats to projects (issue #19): the table is renamed, never copied,
so ratings given before the move are still there after it, and the move can be undone."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from apps.projects.models import DeliveryRating
from tests.factories.projects import make_project

BEFORE_THE_MOVE = [("projects", "0003_milestone_attachment"), ("stats", "0003_monthly_rollup")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_ratings_given_before_the_move_are_kept_by_the_projects_app(city, organization, make_user):
    # no fund: a transactional test must not leave ledger rows, which SQLite keeps append-only
    project = make_project(community=city.community, organization=organization)
    staff = make_user("community_staff", community=city.community)
    DeliveryRating.objects.create(
        project=project, rating=4, comment="居民满意", rated_by=staff, rated_on=dt.date(2026, 3, 1)
    )

    _migrate(BEFORE_THE_MOVE)
    with connection.cursor() as cursor:
        cursor.execute("SELECT rating, comment FROM stats_deliveryrating")
        assert cursor.fetchall() == [(4, "居民满意")]

    _migrate(None)
    rating = DeliveryRating.objects.get()
    assert (rating.project, rating.rating, rating.comment) == (project, 4, "居民满意")
