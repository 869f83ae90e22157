"""API v1 routes of this app (included under /api/v1/ by marketplace/api.py)."""

urlpatterns: list = []
