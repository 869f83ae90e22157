"""API v1 routes of this app (included under /api/v1/ by marketplace/api.py)."""

from django.urls import path

from apps.bidding import api

urlpatterns = [
    path("needs/", api.NeedListView.as_view(), name="need-list"),
    path("needs/<str:pk>/", api.NeedDetailView.as_view(), name="need-detail"),
    path("needs/<str:pk>/publish/", api.NeedPublishView.as_view(), name="need-publish"),
    path("needs/<str:pk>/cancel/", api.NeedCancelView.as_view(), name="need-cancel"),
    path("needs/<str:pk>/proposals/", api.NeedProposalsView.as_view(), name="need-proposals"),
    path("needs/<str:pk>/panel/", api.NeedPanelView.as_view(), name="need-panel"),
    path("needs/<str:pk>/declarations/", api.NeedDeclarationView.as_view(), name="need-declarations"),
    path("needs/<str:pk>/award/", api.NeedAwardView.as_view(), name="need-award"),
    path("needs/<str:pk>/objections/", api.NeedObjectionsView.as_view(), name="need-objections"),
    path(
        "needs/<str:pk>/objections/<str:oid>/resolve/",
        api.ObjectionResolveView.as_view(),
        name="need-objection-resolve",
    ),
    path("needs/<str:pk>/questions/", api.NeedQuestionsView.as_view(), name="need-questions"),
    path("needs/<str:pk>/follow/", api.NeedFollowView.as_view(), name="need-follow"),
    path("questions/<str:pk>/answer/", api.QuestionAnswerView.as_view(), name="question-answer"),
    path("proposals/<str:pk>/", api.ProposalDetailView.as_view(), name="proposal-detail"),
    path("proposals/<str:pk>/withdraw/", api.ProposalWithdrawView.as_view(), name="proposal-withdraw"),
    path("proposals/<str:pk>/scores/", api.ProposalScoresView.as_view(), name="proposal-scores"),
    path("proposals/<str:pk>/attachments/", api.ProposalAttachmentsView.as_view(), name="proposal-attachments"),
    path(
        "proposals/<str:pk>/attachments/<int:aid>/",
        api.ProposalAttachmentDownloadView.as_view(),
        name="proposal-attachment",
    ),
]
