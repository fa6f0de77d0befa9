"""The inbox page: every notification of the signed-in person, newest first."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from courtvcs.errors import NotFound

from . import selectors, services


@login_required
def inbox(request):
    return render(request, "notifications/inbox.html",
                  {"items": selectors.inbox(request.user, limit=200)})


@login_required
@require_POST
def mark_read(request, notification_id: int):
    try:
        item = services.mark_read(user=request.user, notification_id=notification_id)
    except NotFound as exc:
        raise Http404(exc.message) from None
    if request.htmx:
        return render(request, "notifications/inbox.html#item",
                      {"item": item, "unread_count": selectors.unread_count(request.user)})
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_all_read(request):
    services.mark_all_read(user=request.user)
    return redirect("notifications:inbox")
