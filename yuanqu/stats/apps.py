from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    """Economic statistics (经济指标): indicators, reporting rounds, review, rollups and targets."""

    label = "stats"
    name = "yuanqu.stats"
    verbose_name = _("Economic statistics")

    def ready(self) -> None:
        from yuanqu.tabular.registry import register

        from .importers import ReportValueImporter

        register(ReportValueImporter())
