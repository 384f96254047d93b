from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    """News and report intake: facts from Chinese texts, matched to the registry, reviewed into updates."""

    label = "intake"
    name = "yuanqu.intake"
    verbose_name = _("News intake")

    def ready(self) -> None:
        from yuanqu.api.api import add_router
        from yuanqu.core.registry import demo, nav
        from yuanqu.core.roles import Role

        from . import api as endpoints
        from . import demo as intake_demo

        readers = {Role.REGION_STAFF, Role.LEADER, Role.PARK_OPERATOR}
        # grouped by the lead under 分析与简报 (analysis and briefings)
        nav.register(key="intake", label=_("News intake"), url_name="intake:documents", roles=readers, order=155,
                     group="analysis")
        demo.register("intake", intake_demo.load_demo_part, order=75)
        add_router("/intake", endpoints.router)
