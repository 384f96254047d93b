"""The project's URLs. Every pattern here is enumerated by tests/test_scope_matrix.py."""

from django.urls import include, path

from yuanqu.api.api import api
from yuanqu.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("yuanqu.accounts.urls")),
    path("parks/", include("yuanqu.parks.urls")),
    path("enterprises/", include("yuanqu.enterprises.urls")),
    path("investment/", include("yuanqu.investment.urls")),
    path("stats/", include("yuanqu.stats.urls")),
    path("audit/", include("yuanqu.core.urls")),
    path("dashboards/", include("yuanqu.dashboards.urls")),
    path("briefings/", include("yuanqu.briefings.urls")),
    path("imports/", include("yuanqu.tabular.urls")),
    path("api/", api.urls),
    path("healthz", core_views.healthz, name="healthz"),
]
