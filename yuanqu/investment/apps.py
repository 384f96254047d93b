from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvestmentConfig(AppConfig):
    """Investment promotion (招商): leads, follow-ups and their conversion."""

    label = "investment"
    name = "yuanqu.investment"
    verbose_name = _("Investment promotion")

    def ready(self) -> None:
        from yuanqu.api.api import LEGACY_OPERATION_IDS, add_router
        from yuanqu.core.registry import demo, nav, search, todos
        from yuanqu.core.roles import Role
        from yuanqu.tabular.registry import register

        from . import api as endpoints
        from . import demo as investment_demo
        from .importers import LeadImporter, ProjectImporter
        from .selectors import due_count, followup_todos, lead_search_hits, project_search_hits

        district = {Role.REGION_STAFF, Role.LEADER, Role.PARK_OPERATOR}
        nav.register(key="investment", label=_("Leads"), url_name="investment:leads", roles=district,
                     order=70, group="investment")
        nav.register(key="projects", label=_("Key projects"), url_name="investment:projects", roles=district,
                     order=80, group="investment")
        nav.register(key="cases", label=_("Cases"), url_name="investment:cases", roles=district, order=90,
                     group="investment")
        nav.register(key="investment_due", label=_("Due follow-ups"), url_name="investment:due",
                     roles={Role.REGION_STAFF, Role.PARK_OPERATOR}, order=100, group="investment", badge=due_count)
        nav.register(key="investment_settings", label=_("Investment-promotion settings"),
                     url_name="investment:settings", roles={Role.REGION_STAFF}, order=180, group="system")
        demo.register("investment", investment_demo.load_demo_part, order=40)
        search.register(key="leads", label=_("Leads"), order=30, find=lead_search_hits)
        search.register(key="projects", label=_("Key projects"), order=40, find=project_search_hits)
        todos.register(key="followups", roles={Role.REGION_STAFF, Role.PARK_OPERATOR}, order=20,
                       collect=followup_todos)
        register(LeadImporter())
        register(ProjectImporter())
        add_router("/leads", endpoints.leads, operation_id_prefix=LEGACY_OPERATION_IDS)
        add_router("/projects", endpoints.projects, operation_id_prefix=LEGACY_OPERATION_IDS)
        add_router("/cases", endpoints.cases, operation_id_prefix=LEGACY_OPERATION_IDS)
