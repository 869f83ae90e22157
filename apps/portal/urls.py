from django.urls import path

from apps.portal import views

urlpatterns = [path("workspace/", views.workspace, name="workspace")]
