from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvestmentConfig(AppConfig):
    """Investment promotion (招商): leads, follow-ups and their conversion."""

    label = "investment"
    name = "yuanqu.investment"
    verbose_name = _("Investment promotion")
