from django.urls import path

from apps.stats import views

urlpatterns = [
    path("oversight/", views.dashboard, name="oversight"),
    path("oversight/public/", views.public_dashboard, name="oversight-public"),
    path("oversight/monthly/", views.monthly_page, name="oversight-monthly"),
    path("oversight/monthly/<str:code>/", views.monthly_page, name="oversight-monthly-region"),
    path("oversight/scorecards/", views.scorecard_page, name="oversight-scorecards"),
    path("oversight/scorecards/<str:code>/", views.scorecard_page, name="oversight-scorecards-region"),
    path("oversight/<str:code>/", views.dashboard, name="oversight-region"),
]
