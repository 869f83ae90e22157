from django.urls import path

from apps.core import api_views

urlpatterns = [
    path("categories/", api_views.CategoryListView.as_view(), name="category-list"),
    path("rubric/", api_views.RubricView.as_view(), name="rubric"),
]
