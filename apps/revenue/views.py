from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from apps.core.errors import NotFound
from apps.revenue import access


@login_required
def agreement_list(request):
    return render(request, "revenue/agreement_list.html", {"agreements": access.agreements_for_user(request.user)})


@login_required
def agreement_detail(request, pk):
    try:
        agreement = access.agreement_get_for_user(user=request.user, agreement_id=pk)
    except NotFound:
        from django.http import Http404

        raise Http404 from None
    reports = access.reports_for_user(request.user).filter(agreement=agreement)
    return render(
        request,
        "revenue/agreement_detail.html",
        {
            "agreement": agreement,
            "reports": reports,
            "is_manager": access.user_manages_fund(request.user, agreement.fund_id),
        },
    )
