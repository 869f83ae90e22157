from django.urls import path

from apps.stats import views

urlpatterns = [
    path("oversight/", views.dashboard, name="oversight"),
    path("oversight/public/", views.public_dashboard, name="oversight-public"),
    path("oversight/scorecards/", views.scorecard_page, name="oversight-scorecards"),
    path("oversight/scorecards/<str:code>/", views.scorecard_page, name="oversight-scorecards-region"),
    path("oversight/<str:code>/", views.dashboard, name="oversight-region"),
]
