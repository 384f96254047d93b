from django.apps import AppConfig


class LadderConfig(AppConfig):
    """梯度培育: the pipeline of designations per step, the candidates for the next step, and their figures.

    The designations themselves (model, services, importer) live in ``enterprises``, which the lower floors read;
    this app (floor 7) holds the pages, the API router, the candidate rules and the demo's history."""

    label = "ladder"
    name = "yuanqu.ladder"
    verbose_name = "梯度培育"

    def ready(self) -> None:
        from yuanqu.api.api import add_router
        from yuanqu.core.registry import demo, nav
        from yuanqu.core.roles import TENANT_READERS

        from . import api as endpoints
        from . import demo as ladder_demo

        nav.register(key="ladder", label="梯度培育", url_name="ladder:index", roles=TENANT_READERS, order=117,
                     group="innovation")
        demo.register("ladder", ladder_demo.load_demo_part, order=21)
        add_router("/designations", endpoints.designations)
