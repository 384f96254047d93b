from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    """Enterprise service requests (企业服务诉求): the catalogue, requests with deadlines, ratings."""

    label = "support"
    name = "yuanqu.support"
    verbose_name = _("Enterprise services")

    def ready(self) -> None:
        from yuanqu.api.api import add_router
        from yuanqu.core.registry import demo, nav
        from yuanqu.core.roles import Role
        from yuanqu.tabular.registry import register

        from . import api as endpoints
        from . import demo as support_demo
        from .importers import ServiceImporter
        from .selectors import queue_count

        everyone = {Role.REGION_STAFF, Role.LEADER, Role.PARK_OPERATOR, Role.ENTERPRISE_USER}
        nav.register(key="support", label=_("Service requests"), url_name="support:requests", roles=everyone,
                     order=120, group="registry")
        nav.register(key="support_queue", label=_("My request queue"), url_name="support:queue",
                     roles={Role.REGION_STAFF, Role.PARK_OPERATOR}, order=121, group="workbench",
                     badge=queue_count)
        demo.register("support", support_demo.load_demo_part, order=57)
        register(ServiceImporter())
        add_router("/support", endpoints.router)
