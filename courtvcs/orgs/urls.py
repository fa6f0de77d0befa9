"""The organisation's pages: the equipment board (R14)."""

from . import views_equipment

app_name = "orgs"
urlpatterns = [*views_equipment.urlpatterns]
