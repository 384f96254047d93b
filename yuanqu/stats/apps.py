from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    """Economic statistics (经济指标): indicators, reporting rounds, review, rollups and targets."""

    label = "stats"
    name = "yuanqu.stats"
    verbose_name = _("Economic statistics")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

        from yuanqu.api.api import add_router
        from yuanqu.core.registry import demo, nav, todos
        from yuanqu.core.roles import Role
        from yuanqu.enterprises.models import Enterprise
        from yuanqu.parks.models import Park
        from yuanqu.tabular.registry import register

        from . import demo as stats_demo
        from . import rollups
        from .api import router
        from .importers import ReportValueImporter
        from .models import Indicator
        from .queries import report_todos, unread_notice_count

        # A park that changes region or goes takes its cells out of its regions' cells.
        pre_save.connect(rollups.park_saving, sender=Park, weak=False)
        post_save.connect(rollups.park_saved, sender=Park, weak=False)
        pre_delete.connect(rollups.park_deleting, sender=Park, weak=False)
        # An archived park's cells leave its regions' cells (park_saved); an archived enterprise's approved values
        # leave its parks' cells, and come back on restore: in the archive's transaction (core.archive).
        pre_save.connect(rollups.enterprise_saving, sender=Enterprise, weak=False)
        post_save.connect(rollups.enterprise_saved, sender=Enterprise, weak=False)

        importer = ReportValueImporter()
        register(importer)
        post_save.connect(importer.forget_fields, sender=Indicator, weak=False)
        post_delete.connect(importer.forget_fields, sender=Indicator, weak=False)

        nav.register(key="stats", label=_("Economic statistics"), url_name="stats:aggregates",
                     roles={Role.REGION_STAFF, Role.LEADER, Role.PARK_OPERATOR}, order=110, group="economy")
        nav.register(key="stats", label=_("My statistics reports"), url_name="stats:reports",
                     roles={Role.ENTERPRISE_USER}, order=140, group="economy")
        nav.register(key="stats_notices", label=_("Reminders"), url_name="stats:notices",
                     roles={Role.ENTERPRISE_USER}, order=150, group="workbench", badge=unread_notice_count)
        nav.register(key="stats", label=_("Indicators"), url_name="stats:indicators", roles={Role.REGION_STAFF},
                     order=170, group="system")
        demo.register("statistics", stats_demo.load_demo_part, order=50)
        todos.register(key="reports", roles={Role.REGION_STAFF, Role.PARK_OPERATOR, Role.ENTERPRISE_USER}, order=10,
                       collect=report_todos)
        add_router("/stats", router)
