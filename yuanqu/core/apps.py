from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Shared foundations: reference data, audit log, scoping, Chinese text helpers."""

    name = "yuanqu.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from .audit_chain import register_sqlite_function
        from .registry import nav

        connection_created.connect(register_sqlite_function, dispatch_uid="yuanqu_audit_maintenance")
        from .roles import Role

        nav.register(key="core", label=_("Audit log"), url_name="core:audit", roles={Role.AUDITOR}, order=190)
