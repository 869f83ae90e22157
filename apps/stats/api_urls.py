from django.urls import path

from apps.stats import api

urlpatterns = [path("stats/", api.RegionStatsView.as_view(), name="stats-region")]
