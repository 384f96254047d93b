from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The REST API (django-ninja) and its OpenAPI document."""

    name = "yuanqu.api"
    label = "api"
    verbose_name = _("API")
