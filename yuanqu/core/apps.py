from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Shared foundations: reference data, audit log, scoping, Chinese text helpers."""

    name = "yuanqu.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from .audit_chain import register_sqlite_function, revoke_audit_changes
        from .registry import nav

        connection_created.connect(register_sqlite_function, dispatch_uid="yuanqu_audit_maintenance")
        post_migrate.connect(revoke_audit_changes, sender=self, dispatch_uid="yuanqu_audit_revoke")
        from .roles import Role

        nav.register(key="core", label=_("Audit log"), url_name="core:audit", roles={Role.AUDITOR}, order=190,
                     group="system")
