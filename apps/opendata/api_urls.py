from django.urls import path

from apps.opendata import api

urlpatterns = [
    path("ocds/releases/", api.OcdsReleasesView.as_view(), name="ocds-releases"),
    path("ocds/packages/", api.OcdsPackagesView.as_view(), name="ocds-packages"),
]
