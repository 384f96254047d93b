from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParksConfig(AppConfig):
    """Parks and their space: buildings and units."""

    name = "yuanqu.parks"
    label = "parks"
    verbose_name = _("Parks")

    def ready(self) -> None:
        from yuanqu.api.api import LEGACY_OPERATION_IDS, add_router
        from yuanqu.tabular.registry import register

        from . import api as endpoints
        from .importers import ParkImporter, UnitImporter

        register(ParkImporter())
        register(UnitImporter())
        add_router("/parks", endpoints.parks, operation_id_prefix=LEGACY_OPERATION_IDS)
