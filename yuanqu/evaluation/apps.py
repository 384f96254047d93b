from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    """亩均效益评价: versioned methods as data, enterprise inputs, runs with 公示 and appeals, class history."""

    label = "evaluation"
    name = "yuanqu.evaluation"
    verbose_name = _("Per-mu evaluation")
