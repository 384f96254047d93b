"""The project's URLs. Every pattern here is enumerated by tests/test_scope_matrix.py."""

from django.urls import include, path

from yuanqu.api.api import api
from yuanqu.core import views as core_views
from yuanqu.enterprises import park_urls
from yuanqu.parks import urls as parks_urls
from yuanqu.site import views as site_views

urlpatterns = [
    path("", site_views.home, name="home"),
    path("search/", site_views.search, name="search"),
    # Searchable pickers (core/pickers.py): industries here; parks, enterprises and units in their apps' URLs.
    path("pick/industry/", core_views.pick_industry, name="pick_industry"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("yuanqu.accounts.urls")),
    # The park list and detail pages show tenants, so enterprises (a floor higher) serves them in this namespace.
    path("parks/", include((park_urls.urlpatterns + parks_urls.urlpatterns, parks_urls.app_name))),
    path("enterprises/", include("yuanqu.enterprises.urls")),
    path("investment/", include("yuanqu.investment.urls")),
    path("innovation/", include("yuanqu.innovation.urls")),
    path("stats/", include("yuanqu.stats.urls")),
    path("support/", include("yuanqu.support.urls")),
    path("audit/", include("yuanqu.core.urls")),
    path("dashboards/", include("yuanqu.dashboards.urls")),
    path("briefings/", include("yuanqu.briefings.urls")),
    path("policies/", include("yuanqu.policies.urls")),
    path("chains/", include("yuanqu.chains.urls")),
    path("evaluation/", include("yuanqu.evaluation.urls")),
    path("ladder/", include("yuanqu.ladder.urls")),
    path("imports/", include("yuanqu.tabular.urls")),
    path("intake/", include("yuanqu.intake.urls")),
    path("api/", api.urls),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
]
