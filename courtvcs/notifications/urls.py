from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:notification_id>/read", views.mark_read, name="read"),
    path("inbox/read-all", views.mark_all_read, name="read_all"),
]
