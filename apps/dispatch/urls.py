"""Web pages of this app (included by marketplace/urls.py inside i18n_patterns)."""

from django.urls import include, path

from apps.dispatch import views

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
]

urlpatterns = [path("", include((routes, "dispatch")))]
