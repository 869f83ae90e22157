from django.urls import path

from apps.regions import api

urlpatterns = [path("regions/", api.RegionListView.as_view(), name="region-list")]
