from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BriefingsConfig(AppConfig):
    """Briefings (简报): bulletins written from live data, as .docx and .pdf."""

    label = "briefings"
    name = "yuanqu.briefings"
    verbose_name = _("Briefings")
