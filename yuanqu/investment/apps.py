from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvestmentConfig(AppConfig):
    """Investment promotion (招商): leads, follow-ups and their conversion."""

    label = "investment"
    name = "yuanqu.investment"
    verbose_name = _("Investment promotion")

    def ready(self) -> None:
        from yuanqu.tabular.registry import register

        from .importers import LeadImporter, ProjectImporter

        register(LeadImporter())
        register(ProjectImporter())
