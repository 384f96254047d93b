from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Shared foundations: reference data, audit log, scoping, Chinese text helpers."""

    name = "yuanqu.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from .registry import nav
        from .roles import Role

        nav.register(key="core", label=_("Audit log"), url_name="core:audit", roles={Role.AUDITOR}, order=190)
