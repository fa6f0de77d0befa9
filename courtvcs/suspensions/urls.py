"""R24: the suspensions page."""

from . import views

app_name = "suspensions"
urlpatterns = [*views.urlpatterns]
