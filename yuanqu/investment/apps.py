from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvestmentConfig(AppConfig):
    """Investment promotion (招商): leads, follow-ups and their conversion."""

    label = "investment"
    name = "yuanqu.investment"
    verbose_name = _("Investment promotion")

    def ready(self) -> None:
        from yuanqu.api.api import LEGACY_OPERATION_IDS, add_router
        from yuanqu.tabular.registry import register

        from . import api as endpoints
        from .importers import LeadImporter, ProjectImporter

        register(LeadImporter())
        register(ProjectImporter())
        add_router("/leads", endpoints.leads, operation_id_prefix=LEGACY_OPERATION_IDS)
        add_router("/projects", endpoints.projects, operation_id_prefix=LEGACY_OPERATION_IDS)
        add_router("/cases", endpoints.cases, operation_id_prefix=LEGACY_OPERATION_IDS)
