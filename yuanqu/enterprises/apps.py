from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    """Enterprises, their contacts and their settlements in parks."""

    name = "yuanqu.enterprises"
    label = "enterprises"
    verbose_name = _("Enterprises")

    def ready(self) -> None:
        from yuanqu.api.api import LEGACY_OPERATION_IDS, add_router
        from yuanqu.tabular.registry import register

        from . import api as endpoints
        from .importers import EnterpriseImporter, SettlementImporter

        register(EnterpriseImporter())
        register(SettlementImporter())
        add_router("/enterprises", endpoints.enterprises, operation_id_prefix=LEGACY_OPERATION_IDS)
        add_router("/settlements", endpoints.settlements, operation_id_prefix=LEGACY_OPERATION_IDS)
