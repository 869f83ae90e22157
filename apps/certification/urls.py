"""Web pages of this app (included by marketplace/urls.py inside i18n_patterns)."""

from django.urls import path

from apps.certification import views

urlpatterns = [
    path("certifications/", views.application_list, name="certification-list-page"),
    path("certifications/queue/", views.staff_queue, name="certification-queue"),
    path("certifications/review/<int:pk>/", views.reviewer_page, name="certification-review"),
    path("certifications/<int:pk>/", views.application_page, name="certification-page"),
    path("certifications/<int:pk>/object/", views.notice_object, name="certification-object"),
    path("social-enterprises/", views.registry, name="social-enterprise-registry"),
    path("certificates/<str:certificate_no>/", views.certificate_page, name="certificate-page"),
    path("certificates/<str:certificate_no>/pdf/", views.certificate_pdf, name="certificate-pdf"),
]
