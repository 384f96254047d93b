from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FiguresConfig(AppConfig):
    """The figures layer (数据口径): every number shown for a scope and a period, computed once, as of the period."""

    label = "figures"
    name = "yuanqu.figures"
    verbose_name = _("Figures")

    def ready(self) -> None:
        from yuanqu.api.api import add_router

        from . import innovation
        from .api import router

        add_router("/figures", router)
        innovation.register()
