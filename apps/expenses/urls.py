"""Web pages of this app (included by marketplace/urls.py inside i18n_patterns)."""

from django.urls import path

from apps.expenses import views

app_name = "expenses"

urlpatterns = [
    path("projects/<int:pk>/budget/", views.project_budget, name="project-budget"),
    path("projects/<int:pk>/expenses/", views.project_expenses, name="project-expenses"),
    path("projects/<int:pk>/expenses/<int:eid>/pay/", views.expense_pay, name="expense-pay"),
    path(
        "projects/<int:pk>/expenses/<int:eid>/receipts/<int:rid>/",
        views.expense_receipt,
        name="expense-receipt",
    ),
    path("projects/<int:pk>/expenses/<int:eid>/<str:action>/", views.expense_action, name="expense-action"),
    path("projects/<int:pk>/budget-lines/<int:lid>/revise/", views.budget_line_revise, name="budget-line-revise"),
]
