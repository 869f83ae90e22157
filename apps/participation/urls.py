"""Web pages of residents' suggestions (included by marketplace/urls.py inside i18n_patterns)."""

from django.urls import path

from apps.participation import views

app_name = "participation"

urlpatterns = [
    path("suggestions/", views.suggestion_list_view, name="suggestion-list"),
    path("suggestions/mine/", views.suggestions_mine_view, name="suggestions-mine"),
    path("suggestions/to-answer/", views.suggestions_to_answer_view, name="suggestions-to-answer"),
    path("suggestions/join/", views.resident_join_view, name="resident-join"),
    path("suggestions/new/", views.suggestion_new_view, name="suggestion-new"),
    path("suggestions/<int:pk>/", views.suggestion_detail_view, name="suggestion-detail"),
    path(
        "suggestions/<int:pk>/support/",
        views.suggestion_support_view,
        {"action": "support"},
        name="suggestion-support",
    ),
    path(
        "suggestions/<int:pk>/withdraw/",
        views.suggestion_support_view,
        {"action": "withdraw"},
        name="suggestion-withdraw",
    ),
    path("suggestions/<int:pk>/comment/", views.suggestion_comment_view, name="suggestion-comment"),
    path("suggestions/<int:pk>/comments/<int:cid>/hide/", views.comment_hide_view, name="comment-hide"),
    path("suggestions/<int:pk>/adopt/", views.suggestion_adopt_view, name="suggestion-adopt"),
    path("suggestions/<int:pk>/decline/", views.suggestion_decline_view, name="suggestion-decline"),
    path("projects/<int:pk>/resident-rating/<int:mid>/", views.resident_rating_view, name="resident-rating"),
]
