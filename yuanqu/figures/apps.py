from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FiguresConfig(AppConfig):
    """The figures layer (数据口径): every number shown for a scope and a period, computed once, as of the period."""

    label = "figures"
    name = "yuanqu.figures"
    verbose_name = _("Figures")

    def ready(self) -> None:
        from yuanqu.api.api import add_router

        from . import innovation, ladder, service_requests
        from .api import router
        from .selectors import FigureGroup, register_group

        add_router("/figures", router)
        innovation.register()
        ladder.register()
        register_group(FigureGroup(key="support", title="服务诉求办结率与满意度", order=10,
                                   figures=service_requests.figures, breakdown=service_requests.breakdown,
                                   columns=service_requests.columns, url_name="support:requests"))
