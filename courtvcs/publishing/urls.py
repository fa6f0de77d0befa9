"""The public schedule (R3): the page, its JSON and each court's iCalendar feed."""

from django.urls import path

from . import views

app_name = "publishing"
urlpatterns = [
    path("schedule/", views.schedule_page, name="schedule"),
    path("schedule.json", views.schedule_json, name="schedule_json"),
    path("schedule/<int:court_id>.ics", views.court_calendar, name="calendar"),
]
