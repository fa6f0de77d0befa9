"""The live pages: each views module keeps its own routes, joined here."""

from .views import mobile, recordings, rooms

app_name = "live"
urlpatterns = [
    *rooms.urlpatterns,
    *mobile.urlpatterns,
    *recordings.urlpatterns,
]
