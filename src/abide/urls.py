from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from abide.api import api

admin.site.site_header = _("abide administration")
admin.site.site_title = _("abide")
admin.site.index_title = _("Registry and accounts")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("abide.accounts.urls")),
    path("api/", api.urls),
    path("", include("abide.compliance.urls")),
    path("", include("abide.registry.urls")),
    path("", include("abide.observations.urls")),
    path("", include("abide.reports.urls")),
    path("", include("abide.web.urls")),
]
