from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TabularConfig(AppConfig):
    """Spreadsheet import and export shared by every list."""

    name = "yuanqu.tabular"
    label = "tabular"
    verbose_name = _("Spreadsheets")

    def ready(self) -> None:
        from yuanqu.core.registry import nav
        from yuanqu.core.roles import Role

        nav.register(key="tabular", label=_("Import"), url_name="tabular:imports",
                     roles={Role.REGION_STAFF, Role.PARK_OPERATOR}, order=120, group="system")
