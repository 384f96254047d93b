from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    """Enterprises, their contacts and their settlements in parks."""

    name = "yuanqu.enterprises"
    label = "enterprises"
    verbose_name = _("Enterprises")

    def ready(self) -> None:
        from yuanqu.tabular.registry import register

        from .importers import EnterpriseImporter, SettlementImporter

        register(EnterpriseImporter())
        register(SettlementImporter())
