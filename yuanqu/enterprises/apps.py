from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    """Enterprises, their contacts and their settlements in parks."""

    name = "yuanqu.enterprises"
    label = "enterprises"
    verbose_name = _("Enterprises")

    def ready(self) -> None:
        from yuanqu.api.api import LEGACY_OPERATION_IDS, add_router
        from yuanqu.core.registry import demo, nav, search, todos
        from yuanqu.core.roles import Role
        from yuanqu.tabular.registry import register

        from . import api as endpoints
        from .demo import load_enterprises_demo
        from .importers import DesignationImporter, EnterpriseImporter, SettlementImporter
        from .selectors import enterprise_search_hits, request_todos, requests_to_decide

        district = {Role.REGION_STAFF, Role.LEADER, Role.PARK_OPERATOR}
        nav.register(key="enterprises", label=_("Enterprises"), url_name="enterprises:list", roles=district, order=50,
                     group="registry")
        nav.register(key="settlements", label=_("Settlements"), url_name="enterprises:settlements", roles=district,
                     order=60, group="registry")
        nav.register(key="enterprises", label=_("My enterprise"), url_name="enterprises:detail",
                     roles={Role.ENTERPRISE_USER}, order=130, group="registry",
                     url_args=lambda user: [user.enterprise_id])
        nav.register(key="enterprise_requests", label=_("Requests"), url_name="enterprises:requests",
                     roles={Role.REGION_STAFF, Role.PARK_OPERATOR, Role.ENTERPRISE_USER}, order=65, group="registry",
                     badge=lambda user: requests_to_decide(user).filter(status="pending").count())
        demo.register("enterprises", load_enterprises_demo, order=20)
        search.register(key="enterprises", label=_("Enterprises"), order=20, find=enterprise_search_hits)
        todos.register(key="enterprise_requests", roles={Role.REGION_STAFF}, order=30, collect=request_todos)
        register(EnterpriseImporter())
        register(SettlementImporter())
        register(DesignationImporter())
        add_router("/enterprises", endpoints.enterprises, operation_id_prefix=LEGACY_OPERATION_IDS)
        add_router("/settlements", endpoints.settlements, operation_id_prefix=LEGACY_OPERATION_IDS)
