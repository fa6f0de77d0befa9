import datetime as dt

from ninja import Router, Schema

from . import selectors, services

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    hearing_id: int | None
    subject: str
    body: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class InboxOut(Schema):
    unread: int
    items: list[NotificationOut]


@router.get("/notifications", response=InboxOut)
def inbox(request, unread_only: bool = False):
    return {"unread": selectors.unread_count(request.user),
            "items": list(selectors.inbox(request.user, unread_only=unread_only))}


@router.post("/notifications/{notification_id}/read", response=NotificationOut)
def mark_read(request, notification_id: int):
    return services.mark_read(user=request.user, notification_id=notification_id)


@router.post("/notifications/read-all", response={200: dict})
def mark_all_read(request):
    return {"marked": services.mark_all_read(user=request.user)}
