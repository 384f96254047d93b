from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Users, roles, scopes, login security and API tokens."""

    name = "yuanqu.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from yuanqu.api.auth import set_token_lookup

        from .api import token_user

        set_token_lookup(token_user)
