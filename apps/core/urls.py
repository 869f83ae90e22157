from django.urls import path

from apps.core import views

urlpatterns = [path("workspace/", views.workspace, name="workspace")]
