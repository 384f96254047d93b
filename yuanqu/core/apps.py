from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Shared foundations: reference data, audit log, scoping, Chinese text helpers."""

    name = "yuanqu.core"
    label = "core"
    verbose_name = _("Core")
