from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParksConfig(AppConfig):
    """Parks and their space: buildings and units."""

    name = "yuanqu.parks"
    label = "parks"
    verbose_name = _("Parks")

    def ready(self) -> None:
        from yuanqu.api.api import LEGACY_OPERATION_IDS, add_router
        from yuanqu.core.registry import demo, nav, search
        from yuanqu.core.roles import Role
        from yuanqu.tabular.registry import register

        from . import api as endpoints
        from .demo import load_parks_demo
        from .importers import ParkImporter, UnitImporter
        from .selectors import park_search_hits

        nav.register(key="parks", label=_("Parks"), url_name="parks:list",
                     roles={Role.REGION_STAFF, Role.LEADER, Role.PARK_OPERATOR}, order=40, group="registry")
        demo.register("parks", load_parks_demo, order=10)
        search.register(key="parks", label=_("Parks"), order=10, find=park_search_hits)
        register(ParkImporter())
        register(UnitImporter())
        add_router("/parks", endpoints.parks, operation_id_prefix=LEGACY_OPERATION_IDS)
