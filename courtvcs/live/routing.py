from django.urls import re_path

from .consumers import RoomConsumer

websocket_urlpatterns = [
    re_path(r"^ws/live/(?P<kind>hearing|test)/(?P<object_id>\d{1,12})/$", RoomConsumer.as_asgi()),
]
