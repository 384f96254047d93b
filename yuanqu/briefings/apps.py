from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BriefingsConfig(AppConfig):
    """Briefings (简报): bulletins written from live data, as .docx and .pdf."""

    label = "briefings"
    name = "yuanqu.briefings"
    verbose_name = _("Briefings")

    def ready(self) -> None:
        from yuanqu.core.registry import nav
        from yuanqu.core.roles import Role

        nav.register(key="briefings", label=_("Briefings"), url_name="briefings:list",
                     roles={Role.REGION_STAFF, Role.LEADER, Role.PARK_OPERATOR}, order=30, group="analysis")
