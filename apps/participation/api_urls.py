"""API v1 routes of residents' suggestions (included under /api/v1/ by marketplace/api.py)."""

from django.urls import path

from apps.participation import api

urlpatterns = [
    path("suggestions/", api.SuggestionListView.as_view(), name="suggestion-list"),
    path("suggestions/<int:pk>/", api.SuggestionDetailView.as_view(), name="suggestion-detail"),
    path("suggestions/<int:pk>/support/", api.SupportView.as_view(), name="suggestion-support"),
    path("suggestions/<int:pk>/comments/", api.CommentListView.as_view(), name="suggestion-comments"),
    path(
        "suggestions/<int:pk>/comments/<int:cid>/hide/", api.CommentHideView.as_view(), name="suggestion-comment-hide"
    ),
    path("suggestions/<int:pk>/adopt/", api.AdoptView.as_view(), name="suggestion-adopt"),
    path("suggestions/<int:pk>/decline/", api.DeclineView.as_view(), name="suggestion-decline"),
    path("projects/<int:pk>/resident-ratings/", api.ResidentRatingsView.as_view(), name="project-resident-ratings"),
]
