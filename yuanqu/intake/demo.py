"""The intake's share of the Licang demo: a district release written for the demo (marked 演示) stating the
registry's figures as of 2023-02-10, and one figure that disagrees with the registry (生命药洲's land area: the
release says about 280 亩, the registry 260 亩), so the discrepancy view has something to show. Its facts are
extracted and matched by the same service as any pasted text, under the demo's district staff account."""

from __future__ import annotations

import datetime as dt

from yuanqu.core.demo import DemoContext

from . import services
from .models import SourceDocument

DEMO_TITLE = "李沧区专业园区建设跑出“加速度”（演示）"
DEMO_PUBLISHED = dt.date(2023, 2, 10)
DEMO_TEXT = """李沧区专业园区建设跑出“加速度”（演示）
李沧区融媒体中心（演示稿件）  2023年2月10日
记者从区发展和改革局获悉，李沧区把专业化园区建设作为高质量发展的主攻方向，园区承载能力持续提升。
生命药洲园区占地约280亩，聚焦药物研发及生产、医疗器械和特医应用，目前已吸引52家企业入驻，2022年实现产值55亿元。
位于东李核心区的信联天地高186米，已签约企业118家，已有113家企业完成装修并入驻办公。
重点项目加快建设：投资102亿元的人民金服青岛中心·中化云谷主体施工有序推进，总投资30亿元的联东U谷青岛中心已开工建设。
（本文为演示稿件，数据截至2023年2月10日。）
"""


def load_demo_part(ctx: DemoContext) -> None:
    """Keep the demo release with its facts and proposals (a fresh demo only)."""
    if not ctx.fresh or SourceDocument.objects.filter(is_demo=True, region=ctx.region).exists():
        return
    services.document_create(actor=ctx.objects["staff"], title=DEMO_TITLE, text=DEMO_TEXT,
                             publisher="李沧区融媒体中心（演示）", published_on=DEMO_PUBLISHED, is_demo=True,
                             region=ctx.region)
