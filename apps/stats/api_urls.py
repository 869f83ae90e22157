from django.urls import path

from apps.stats import api

urlpatterns = [
    path("stats/", api.RegionStatsView.as_view(), name="stats-region"),
    path("stats/organizations/<str:pk>/", api.OrganizationStatsView.as_view(), name="stats-organization"),
    path("stats/workers/<str:pk>/", api.WorkerStatsView.as_view(), name="stats-worker"),
]
