from .models import Notification


def inbox(user, *, unread_only: bool = False, limit: int = 50):
    qs = Notification.objects.filter(recipient=user).select_related("hearing")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs[:limit]


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
