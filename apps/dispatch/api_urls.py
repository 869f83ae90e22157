"""API v1 routes of this app (included under /api/v1/ by marketplace/api.py)."""

from django.urls import include, path

from apps.dispatch import api, api_reports

routes = [
    path("dispatch/categories/", api.DispatchCategoryListView.as_view(), name="category-list"),
    path("units/", api.UnitListView.as_view(), name="unit-list"),
    path("work-orders/", api.WorkOrderListView.as_view(), name="work-order-list"),
    path("work-orders/duplicates/", api.WorkOrderDuplicatesView.as_view(), name="work-order-duplicates"),
    path("work-orders/<int:pk>/", api.WorkOrderDetailView.as_view(), name="work-order-detail"),
    path("work-orders/<int:pk>/call/", api.WorkOrderCallView.as_view(), name="work-order-call"),
    path("work-orders/<int:pk>/dispatch/", api.WorkOrderDispatchView.as_view(), name="work-order-dispatch"),
    path("work-orders/<int:pk>/accept/", api.WorkOrderAcceptView.as_view(), name="work-order-accept"),
    path("work-orders/<int:pk>/reply/", api.WorkOrderReplyView.as_view(), name="work-order-reply"),
    path("work-orders/<int:pk>/co-reply/", api.WorkOrderCoReplyView.as_view(), name="work-order-co-reply"),
    path("work-orders/<int:pk>/rate/", api.WorkOrderRateView.as_view(), name="work-order-rate"),
    path("reports/", api_reports.ReportListView.as_view(), name="report-list"),
    path("reports/<str:tracking_no>/", api_reports.ReportDetailView.as_view(), name="report-detail"),
    path("reports/<str:tracking_no>/join/", api_reports.ReportJoinView.as_view(), name="report-join"),
    path("reports/<str:tracking_no>/accept/", api_reports.ReportAcceptView.as_view(), name="report-accept"),
    path("reports/<str:tracking_no>/reject/", api_reports.ReportRejectView.as_view(), name="report-reject"),
    path("reports/<str:tracking_no>/rate/", api_reports.ReportRateView.as_view(), name="report-rate"),
    path(
        "work-orders/<int:pk>/photos/<int:photo_id>/",
        api.WorkOrderPhotoView.as_view(),
        name="work-order-photo",
    ),
]

urlpatterns = [path("", include((routes, "dispatch-api")))]
