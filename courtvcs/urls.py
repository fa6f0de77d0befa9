from django.contrib import admin
from django.urls import include, path

from courtvcs.api import api
from courtvcs.orgs import views as org_views


urlpatterns = [
    path("", org_views.home, name="home"),
    path("signin/", org_views.SignInView.as_view(), name="signin"),
    path("signin/verify/", org_views.verify_second_factor, name="signin_verify"),
    path("signin/enrol/", org_views.enrol_second_factor, name="signin_enrol"),
    path("signin/confirm/", org_views.confirm_sign_in, name="signin_confirm"),
    path("signin/password/", org_views.change_password, name="password_change"),
    path("signout/", org_views.SignOutView.as_view(), name="signout"),
    path("language/", org_views.choose_language, name="language"),
    path("", include("courtvcs.hearings.urls")),
    path("", include("courtvcs.notifications.urls")),
    path("", include("courtvcs.orgs.urls")),
    path("", include("courtvcs.suspensions.urls")),
    path("", include("courtvcs.live.urls")),
    path("", include("courtvcs.documents.urls")),
    path("", include("courtvcs.publishing.urls")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("courtvcs.ops.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
