"""Web pages of this app (included by marketplace/urls.py inside i18n_patterns)."""

from django.urls import include, path

from apps.dispatch import report_views, views

routes = [
    path("work-orders/new/", views.work_order_new, name="work-order-new"),
    path("work-orders/inbox/", views.unit_inbox, name="inbox"),
    path("work-orders/<int:pk>/", views.work_order_detail, name="work-order-detail"),
    path(
        "work-orders/<int:pk>/<str:action>/",
        views.work_order_action,
        name="work-order-action",
    ),
    path("work-orders/<int:pk>/photos/<int:photo_id>/", views.work_order_photo, name="work-order-photo"),
    path("dispatch/", views.dispatch_console, name="console"),
    path("dispatch/grid/", views.grid_view, name="grid"),
    path("dispatch/map/", views.map_view, name="map"),
    path("dispatch/monthly/", views.monthly_results, name="monthly"),
    path("dispatch/reports/", report_views.report_triage, name="report-triage"),
    path(
        "dispatch/reports/<str:tracking_no>/<str:action>/",
        report_views.report_triage_action,
        name="report-triage-action",
    ),
    path("report/", report_views.report_new, name="report-new"),
    path("reports/", report_views.report_list, name="report-list"),
    path("r/unsubscribe/<str:token>/", report_views.report_unsubscribe, name="report-unsubscribe"),
    path("r/<str:tracking_no>/", report_views.report_track, name="report-track"),
    path("r/<str:tracking_no>/join/", report_views.report_join, name="report-join"),
    path("r/<str:tracking_no>/rate/", report_views.report_rate, name="report-rate"),
    path("r/<str:tracking_no>/photos/<int:photo_id>/", report_views.report_photo, name="report-photo"),
]

urlpatterns = [path("", include((routes, "dispatch")))]
