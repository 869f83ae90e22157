from django.urls import path

from apps.opendata import views

urlpatterns = [path("open-data/", views.open_data, name="open-data")]
