from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    """Enterprises, their contacts and their settlements in parks."""

    name = "yuanqu.enterprises"
    label = "enterprises"
    verbose_name = _("Enterprises")
