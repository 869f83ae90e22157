"""API v1 routes of this app (included under /api/v1/ by marketplace/api.py)."""

from django.urls import path

from apps.expenses import api

urlpatterns = [
    path("projects/<str:pk>/budget-lines/", api.BudgetLineListView.as_view(), name="budget-line-list"),
    path(
        "projects/<str:pk>/budget-lines/<str:line_pk>/revise/",
        api.BudgetLineReviseView.as_view(),
        name="budget-line-revise",
    ),
    path(
        "projects/<str:pk>/budget-lines/<str:line_pk>/revisions/",
        api.BudgetLineRevisionsView.as_view(),
        name="budget-line-revisions",
    ),
    path("projects/<str:pk>/expenses/", api.ProjectExpenseListView.as_view(), name="project-expense-list"),
    path("expenses/<str:pk>/", api.ExpenseDetailView.as_view(), name="expense-detail"),
    path("expenses/<str:pk>/approve/", api.ExpenseApproveView.as_view(), name="expense-approve"),
    path("expenses/<str:pk>/reject/", api.ExpenseRejectView.as_view(), name="expense-reject"),
    path("expenses/<str:pk>/pay/", api.ExpensePayView.as_view(), name="expense-pay"),
    path("expenses/<str:pk>/receipts/<str:rid>/", api.ExpenseReceiptDownloadView.as_view(), name="expense-receipt"),
]
