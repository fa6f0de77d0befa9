"""The documents pages and downloads."""

app_name = "documents"
urlpatterns: list = []
