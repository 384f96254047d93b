from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    """Economic statistics (经济指标): indicators, reporting rounds, review, rollups and targets."""

    label = "stats"
    name = "yuanqu.stats"
    verbose_name = _("Economic statistics")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from yuanqu.api.api import add_router
        from yuanqu.tabular.registry import register

        from .api import router
        from .importers import ReportValueImporter
        from .models import Indicator

        importer = ReportValueImporter()
        register(importer)
        post_save.connect(importer.forget_fields, sender=Indicator, weak=False)
        post_delete.connect(importer.forget_fields, sender=Indicator, weak=False)
        add_router("/stats", router)
