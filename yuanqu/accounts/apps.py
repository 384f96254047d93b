from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Users, roles, scopes, login security and API tokens."""

    name = "yuanqu.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from yuanqu.api.auth import set_token_lookup
        from yuanqu.core.registry import demo, nav
        from yuanqu.core.roles import Role

        from . import demo as accounts_demo
        from .api import token_user

        nav.register(key="accounts", label=_("Users"), url_name="accounts:users", roles={Role.REGION_ADMIN},
                     order=160, group="system")
        demo.register("loader account", accounts_demo.load_loader_account, order=0)
        demo.register("role accounts", accounts_demo.load_role_accounts, order=30)
        set_token_lookup(token_user)
