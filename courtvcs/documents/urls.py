"""The documents pages and downloads."""

from .views import urlpatterns  # noqa: F401

app_name = "documents"
