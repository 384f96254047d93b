from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    """Dashboards (驾驶舱): the region cockpit, park dashboards and enterprise profiles."""

    label = "dashboards"
    name = "yuanqu.dashboards"
    verbose_name = _("Dashboards")
