from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChainsConfig(AppConfig):
    """产业链 and 链长制: chain maps, enterprise links, gap finding, 招商 targets that become leads, node tasks."""

    label = "chains"
    name = "yuanqu.chains"
    verbose_name = _("Industry chains")

    def ready(self) -> None:
        from yuanqu.api.api import add_router
        from yuanqu.core.registry import demo, nav
        from yuanqu.core.roles import TENANT_READERS
        from yuanqu.tabular.registry import register

        from . import api as endpoints
        from . import demo as chains_demo
        from . import figures as chain_figures
        from .importers import LinkImporter, PlatformImporter, TalentImporter, TargetImporter

        nav.register(key="chains", label=_("Chain maps"), url_name="chains:chains", roles=TENANT_READERS,
                     order=160, group="chains")
        nav.register(key="chain_records", label=_("Four-chain data"), url_name="chains:platforms",
                     roles=TENANT_READERS, order=161, group="chains")
        chain_figures.register()
        for prefix, router in (("/chains/links", endpoints.links), ("/chains/targets", endpoints.targets),
                               ("/chains/platforms", endpoints.platforms), ("/chains/talent", endpoints.talent),
                               ("/chains/providers", endpoints.providers), ("/chains", endpoints.chains)):
            add_router(prefix, router)
        for importer in (TalentImporter(), PlatformImporter(), LinkImporter(), TargetImporter()):
            register(importer)
        demo.register("chains", chains_demo.load_demo_part, order=72)
