"""API v1 routes of this app (included under /api/v1/ by marketplace/api.py)."""

from django.urls import include, path

from apps.dispatch import api

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
    path(
        "work-orders/<int:pk>/photos/<int:photo_id>/",
        api.WorkOrderPhotoView.as_view(),
        name="work-order-photo",
    ),
]

urlpatterns = [path("", include((routes, "dispatch-api")))]
