from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    """亩均效益评价: versioned methods as data, enterprise inputs, runs with 公示 and appeals, class history."""

    label = "evaluation"
    name = "yuanqu.evaluation"
    verbose_name = _("Per-mu evaluation")

    def ready(self) -> None:
        from yuanqu.api.api import add_router
        from yuanqu.core.registry import demo, nav, providers
        from yuanqu.core.roles import BUSINESS_ROLES, TENANT_READERS, Role
        from yuanqu.tabular.registry import register

        from . import api as endpoints
        from . import demo as evaluation_demo
        from . import figures as evaluation_figures
        from .importers import InputImporter
        from .selectors import grade_fact

        # Group "经济运行": the evaluation sits with the statistics it is computed from (after 经济统计).
        nav.register(key="evaluation", label=_("Per-mu evaluation"), url_name="evaluation:runs",
                     roles=TENANT_READERS, order=118, group="economy")
        nav.register(key="evaluation", label=_("Per-mu evaluation inputs"), url_name="evaluation:inputs",
                     roles=BUSINESS_ROLES, order=119, group="economy")
        nav.register(key="evaluation", label=_("My per-mu evaluation"), url_name="evaluation:mine",
                     roles={Role.ENTERPRISE_USER}, order=141, group="economy")
        demo.register("evaluation", evaluation_demo.load_demo_part, order=74)
        register(InputImporter())
        add_router("/evaluations", endpoints.router)
        # The cockpit, park dashboard, briefing, API and export section of the class distribution.
        evaluation_figures.register()
        # The fact other modules read (惠企政策 eligibility, 差别化政策): the class an enterprise holds for a year.
        providers.provide("evaluation.grade_fact", grade_fact)
