from django.shortcuts import render

from apps.opendata.selectors import needs_for_open_data


def open_data(request):
    """The open-data page: what can be downloaded, in which format, under which licence."""
    return render(request, "opendata/open_data.html", {"needs_count": needs_for_open_data().count()})
