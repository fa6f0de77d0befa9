"""The publishing pages and downloads."""

app_name = "publishing"
urlpatterns: list = []
