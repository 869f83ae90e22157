"""Reads: a search result shaped for the API and the page."""

from __future__ import annotations

from django.utils.html import escape

from .services import highlight, search_run


def search_page(**kwargs) -> dict:
    result, groups = search_run(**kwargs)
    results = [
        {
            "type": hit.type,
            "id": hit.id,
            "title": hit.title,
            "title_html": highlight(hit.title, groups, width=300),
            "snippet": highlight(hit.body, groups),
            "url": hit.url,
        }
        for hit in result.hits
    ]
    return {
        "count": result.count,
        "count_exact": result.exact,
        "facets_exact": result.facets_exact,
        "results": results,
        "facets": result.facets,
    }


def suggestions(text: str, *, limit: int = 8) -> list[dict]:
    if not text.strip():
        return []
    result, groups = search_run(text=text, limit=limit, facets=False)
    return [
        {
            "title": escape(hit.title),
            "title_html": highlight(hit.title, groups, width=300),
            "url": hit.url,
            "type": hit.type,
        }
        for hit in result.hits
    ]
