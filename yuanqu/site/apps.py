from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    """Composition: the home page, the navigation the apps register, the demo, the server-side commands.

    The top floor: it may import any app, and no app imports it. The Python package is ``yuanqu.site`` (never
    a bare ``site``, which is the standard library's).
    """

    name = "yuanqu.site"
    label = "site"
    verbose_name = _("Site")

    def ready(self) -> None:
        from yuanqu.core.registry import nav
        from yuanqu.core.roles import Role

        nav.register(key="home", label=_("Home"), url_name="home", roles=set(Role.values), order=10)
