"""Web pages of this app (included by marketplace/urls.py inside i18n_patterns)."""

from django.urls import path

from apps.bidding import panel_views, views

app_name = "bidding"

urlpatterns = [
    path("needs/", views.need_list_view, name="need-list"),
    path("needs/new/", views.need_form_view, name="need-new"),
    path("needs/mine/", views.needs_mine_view, name="needs-mine"),
    path("needs/panels/", panel_views.panel_index_view, name="panel-index"),
    path("needs/<int:pk>/", views.need_detail_view, name="need-detail"),
    path("needs/<int:pk>/panel/", panel_views.need_panel_view, name="need-panel"),
    path("needs/<int:pk>/edit/", views.need_form_view, name="need-edit"),
    path("needs/<int:pk>/publish/", views.need_publish_view, name="need-publish"),
    path("needs/<int:pk>/award/", views.need_award_view, name="need-award"),
    path("needs/<int:pk>/cancel/", views.need_cancel_view, name="need-cancel"),
    path("needs/<int:pk>/bid/", views.bid_view, name="bid"),
    path("needs/<int:pk>/ranking/", views.ranking_view, name="ranking"),
    path("needs/<int:pk>/objections/", views.objection_view, name="objection"),
    path("needs/<int:pk>/questions/", views.question_ask_view, name="question-ask"),
    path("needs/<int:pk>/follow/", views.need_follow_view, name="need-follow"),
    path("needs/<int:pk>/objections/<int:oid>/resolve/", views.objection_resolve_view, name="objection-resolve"),
    path("needs/questions/", views.questions_waiting_view, name="questions-waiting"),
    path("questions/<int:pk>/answer/", views.question_answer_view, name="question-answer"),
    path("needs/<int:pk>/proposals.csv", views.proposals_csv_view, name="proposals-csv"),
    path("bids/", views.my_bids_view, name="my-bids"),
    path("proposals/<int:pk>/", views.proposal_detail_view, name="proposal-detail"),
    path("proposals/<int:pk>/withdraw/", views.proposal_withdraw_view, name="proposal-withdraw"),
    path("proposals/<int:pk>/attachments/<int:aid>/", views.proposal_attachment_view, name="proposal-attachment"),
    path("reviews/", views.reviews_view, name="reviews"),
    path("reviews/<int:pk>/", views.review_sheet_view, name="review-sheet"),
]
