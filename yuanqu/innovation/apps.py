from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InnovationConfig(AppConfig):
    """科技服务: incubation, technology transfer and contracts, international cooperation."""

    label = "innovation"
    name = "yuanqu.innovation"
    verbose_name = _("Technology services")

    def ready(self) -> None:
        from yuanqu.api.api import add_router
        from yuanqu.core.registry import demo, nav
        from yuanqu.core.roles import BUSINESS_ROLES, TENANT_READERS
        from yuanqu.tabular.registry import register

        from . import api as endpoints
        from . import demo as innovation_demo
        from .importers import ContractImporter, IncubateeImporter, NeedImporter

        nav.register(key="incubation", label=_("Incubation"), url_name="innovation:incubators",
                     roles=TENANT_READERS, order=112, group="innovation")
        nav.register(key="incubatees", label=_("My incubation record"), url_name="innovation:incubatees",
                     roles={"enterprise_user"}, order=113, group="innovation")
        nav.register(key="tech_transfer", label=_("Technology transfer"), url_name="innovation:needs",
                     roles=BUSINESS_ROLES, order=114, group="innovation")
        nav.register(key="tech_contracts", label=_("Technology contracts"), url_name="innovation:contracts",
                     roles=BUSINESS_ROLES, order=115, group="innovation")
        nav.register(key="cooperation", label=_("International cooperation"), url_name="innovation:partners",
                     roles=TENANT_READERS, order=116, group="innovation")
        nav.register(key="innovation_rules", label=_("Incubation rules"), url_name="innovation:thresholds",
                     roles={"region_staff"}, order=185, group="system")
        demo.register("innovation", innovation_demo.load_demo_part, order=43)
        register(IncubateeImporter())
        register(ContractImporter())
        register(NeedImporter())
        add_router("/tech-contracts", endpoints.contracts)
        add_router("/incubatees", endpoints.incubatees)
        add_router("/tech-needs", endpoints.needs)
        add_router("/incubators", endpoints.incubators)
        add_router("/achievements", endpoints.achievements)
        add_router("/tech-matches", endpoints.matches)
        add_router("/partners", endpoints.partners)
        add_router("/coop-projects", endpoints.coop_projects)
