from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views

admin.site.site_header = _("Support portal administration")
admin.site.site_title = _("Support portal")
admin.site.index_title = _("Support desk")

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("account/", include("accounts.urls")),
    path("", include("tickets.urls")),
    path("offices/", include("offices.urls")),
    path("faq/", include("faq.urls")),
    path("captcha/", include("captcha.urls")),
    path("admin/", admin.site.urls),
]

handler500 = "portal.views.server_error"
handler400 = "portal.views.bad_request"
