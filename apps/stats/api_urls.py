from django.urls import path

from apps.stats import api

urlpatterns = [
    path("stats/", api.RegionStatsView.as_view(), name="stats-region"),
    path("stats/organizations/<str:pk>/", api.OrganizationStatsView.as_view(), name="stats-organization"),
    path("stats/workers/<str:pk>/", api.WorkerStatsView.as_view(), name="stats-worker"),
    path("stats/monthly/", api.MonthlyReportView.as_view(), name="stats-monthly"),
    path("stats/scorecards/", api.ScorecardView.as_view(), name="stats-scorecards"),
    path("stats/delivery-ratings/", api.DeliveryRatingCreateView.as_view(), name="stats-delivery-ratings"),
    path("stats/hours-plans/<str:pk>/", api.HoursPlanView.as_view(), name="stats-hours-plan"),
]
