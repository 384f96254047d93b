from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParksConfig(AppConfig):
    """Parks and their space: buildings and units."""

    name = "yuanqu.parks"
    label = "parks"
    verbose_name = _("Parks")

    def ready(self) -> None:
        from yuanqu.tabular.registry import register

        from .importers import ParkImporter, UnitImporter

        register(ParkImporter())
        register(UnitImporter())
