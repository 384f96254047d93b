from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TabularConfig(AppConfig):
    """Spreadsheet import and export shared by every list."""

    name = "yuanqu.tabular"
    label = "tabular"
    verbose_name = _("Spreadsheets")
