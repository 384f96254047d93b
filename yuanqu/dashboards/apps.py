from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    """Dashboards (驾驶舱): the region cockpit, park dashboards and enterprise profiles."""

    label = "dashboards"
    name = "yuanqu.dashboards"
    verbose_name = _("Dashboards")

    def ready(self) -> None:
        from django.urls import reverse

        from yuanqu.core.registry import demo, nav, object_links
        from yuanqu.core.roles import Role

        from . import demo as dashboards_demo

        def park_dashboard(user: object, park: object) -> str:
            from .views import DASHBOARD_ROLES

            allowed = getattr(user, "role", None) in DASHBOARD_ROLES
            return reverse("dashboards:park", args=[park.pk]) if allowed else ""  # type: ignore[attr-defined]

        def enterprise_profile(user: object, enterprise: object) -> str:
            from .views import PROFILE_ROLES

            allowed = getattr(user, "role", None) in PROFILE_ROLES
            return reverse("dashboards:enterprise", args=[enterprise.pk]) if allowed else ""  # type: ignore[attr-defined]

        object_links.register("park", "dashboard", _("Park dashboard"), park_dashboard, order=10)
        object_links.register("enterprise", "profile", _("Enterprise profile"), enterprise_profile, order=10)

        nav.register(key="dashboards", label=_("Cockpit"), url_name="dashboards:cockpit",
                     roles={Role.REGION_STAFF, Role.LEADER, Role.PARK_OPERATOR}, order=20, group="analysis")
        demo.register("dashboards", dashboards_demo.load_demo_part, order=60)
