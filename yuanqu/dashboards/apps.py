from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    """Dashboards (驾驶舱): the region cockpit, park dashboards and enterprise profiles."""

    label = "dashboards"
    name = "yuanqu.dashboards"
    verbose_name = _("Dashboards")

    def ready(self) -> None:
        from yuanqu.core.registry import demo, nav
        from yuanqu.core.roles import Role

        from . import demo as dashboards_demo

        nav.register(key="dashboards", label=_("Cockpit"), url_name="dashboards:cockpit",
                     roles={Role.REGION_STAFF, Role.LEADER, Role.PARK_OPERATOR}, order=20, group="analysis")
        demo.register("dashboards", dashboards_demo.load_demo_part, order=60)
