from django.contrib import admin
from django.http import JsonResponse
from django.urls import include, path

from courtvcs.api import api


def health(request):
    return JsonResponse({"status": "ok"})


urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("healthz", health),
    path("i18n/", include("django.conf.urls.i18n")),
]
