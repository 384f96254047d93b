from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    """惠企政策 and 履约: the policy library, eligibility rules, matching, applications and payouts, agreements."""

    label = "policies"
    name = "yuanqu.policies"
    verbose_name = _("Enterprise policies")

    def ready(self) -> None:
        from yuanqu.api.api import add_router
        from yuanqu.core.registry import changes, demo, nav, panels
        from yuanqu.core.roles import BUSINESS_ROLES, TENANT_READERS, Role
        from yuanqu.tabular.registry import register

        from . import api as endpoints
        from . import demo as policies_demo
        from . import figures as policy_figures
        from . import panels as policy_panels
        from . import tasks as policy_tasks
        from .importers import AgreementImporter, ApplicationImporter, ClauseImporter, CommitmentImporter

        # Group "惠企政策": the lead groups the navigation later; the entries sit together by order (150–159).
        nav.register(key="policies", label=_("Policies"), url_name="policies:policies", roles=BUSINESS_ROLES,
                     order=150, group="policies")
        nav.register(key="policy_matches", label=_("Policies I qualify for"), url_name="policies:matches",
                     roles={Role.ENTERPRISE_USER}, order=151, group="policies", badge=policy_panels.unread_count)
        nav.register(key="policy_applications", label=_("Policy applications"), url_name="policies:applications",
                     roles=BUSINESS_ROLES, order=152, group="policies", badge=policy_panels.overdue_count)
        nav.register(key="agreements", label=_("Investment agreements"), url_name="policies:agreements",
                     roles=BUSINESS_ROLES, order=153, group="policies")
        nav.register(key="policy_figures", label=_("Policy figures"), url_name="policies:figures",
                     roles=TENANT_READERS, order=154, group="policies")
        panels.register("enterprise", "policy_matches", policy_panels.enterprise_card, order=50)
        demo.register("policies", policies_demo.load_demo_part, order=70)
        # An enterprise whose data change is matched again (and notified when newly eligible).
        changes.listen("enterprise", "policies.rematch", policy_tasks.enterprise_changed)
        register(ClauseImporter())
        register(ApplicationImporter())
        register(AgreementImporter())
        register(CommitmentImporter())
        # 兑现金额, 免申即享, agreements 预警/未达标: a section of the cockpit and park dashboard, a briefing paragraph.
        policy_figures.register()
        add_router("/policies", endpoints.router)
