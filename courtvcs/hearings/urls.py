"""The hearing pages: each views module keeps its own routes, joined here."""

from .views import booking, console, coordination, lists, technical

app_name = "hearings"
urlpatterns = [
    *lists.urlpatterns,
    *booking.urlpatterns,
    *console.urlpatterns,
    *coordination.urlpatterns,
    *technical.urlpatterns,
]
