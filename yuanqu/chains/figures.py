"""产业链 strength and gaps as a figure group (issue 17 items 3 and 6): per scope, the chains, their nodes, the
缺失 and 薄弱 ones, the enterprises on them, and the nodes without an innovation platform, without talent on record
or without a service provider. Registered with :func:`yuanqu.figures.selectors.register_group` from this app's
``ready()``, so the cockpit (by chain), a park's dashboard (its enterprises only), the briefing (a paragraph
“产业链强链补链。…，缺失环节N个…” with each figure's 口径 in the 附注), ``/api/figures/`` and the figures export
show the same numbers — all read through :func:`yuanqu.chains.selectors.four_chains`, as the four-chain page is.

Links between enterprises and nodes are the current confirmed state (they carry no dates); the yearly measures
(talent, patents, financing, R&D) are of the last full year the period ends in.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from yuanqu.enterprises.models import Enterprise
from yuanqu.figures.periods import Period
from yuanqu.figures.selectors import Column, Figure, FigureGroup, FigureScope, register_group

from .models import Chain
from .selectors import ChainSummary, chain_summary

SOURCE = "产业链图谱（已确认的企业—环节关联）与四链台账（创新平台、人才、服务机构）"


def figures_year_of(period: Period) -> int:
    """The year of the yearly measures: the period's own year when it ends on 31 December, else the year before."""
    end = period.end
    return end.year if (end.month, end.day) == (12, 31) else end.year - 1


def _chains(scope: FigureScope) -> QuerySet[Chain]:
    qs = (Chain.objects.visible_to(scope.user) if scope.user is not None
          else Chain.objects.in_region(scope.region_code))
    return qs.order_by("name", "pk")


def _within(scope: FigureScope) -> QuerySet[Enterprise] | None:
    """A park's dashboard counts its own enterprises on the chains; the district counts every one in scope."""
    if scope.park is not None:
        return Enterprise.objects.filter(settlements__park=scope.park).distinct()
    return None


def summaries(scope: FigureScope, period: Period) -> list[ChainSummary]:
    key = f"chains:{period.start}:{period.end}"
    if key not in scope._cache:
        year = figures_year_of(period)
        scope._cache[key] = [chain_summary(c, scope.user, year, within=_within(scope)) for c in _chains(scope)]
    return scope._cache[key]  # type: ignore[no-any-return]


def figures(scope: FigureScope, period: Period) -> dict[str, Figure]:
    """The group's figures; nothing when the scope has no chain (a briefing then says nothing of chains)."""
    rows = summaries(scope, period)
    if not rows:
        return {}
    year = figures_year_of(period)
    out = [
        Figure("chains", "产业链", len(rows), "条", "本区已建立图谱的产业链条数。", SOURCE),
        Figure("chain_nodes", "产业链环节", sum(r.nodes for r in rows), "个", "各产业链图谱中的环节数（含上中下游）。",
               SOURCE),
        Figure("chain_missing", "缺失环节", sum(len(r.missing) for r in rows), "个",
               "核心环节中尚无本地企业（已确认关联）的环节数。", SOURCE),
        Figure("chain_weak", "薄弱环节", sum(len(r.weak) for r in rows), "个", "本地企业数低于目标数的环节数。",
               SOURCE),
        Figure("chain_enterprises", "链上企业", sum(r.enterprises for r in rows), "家次",
               "各产业链已确认关联的本地企业数（一家企业在多条链上分别计）。", SOURCE),
        Figure("chain_innovation_gaps", "无创新平台的环节", sum(r.innovation_gaps for r in rows), "个",
               "没有任何创新平台服务（平台关联该环节或其承载企业在该环节上）的环节数。", SOURCE),
        Figure("chain_talent_gaps", "无人才记录的环节", sum(r.talent_gaps for r in rows), "个",
               f"链上企业{year}年博士、硕士、高级职称和引进人才合计为零的环节数。", SOURCE),
        Figure("chain_ecosystem_gaps", "无服务机构覆盖的环节", sum(r.ecosystem_gaps for r in rows), "个",
               "没有任何金融、法律、知识产权、检验检测、孵化等服务机构关联的环节数。", SOURCE),
    ]
    return {f.key: f for f in out}


def breakdown(scope: FigureScope, period: Period, by: str) -> list[dict[str, Any]]:
    """The same by chain (the cockpit's and a park's table alike)."""
    return [{"label": r.chain.name, "nodes": r.nodes, "missing": len(r.missing), "weak": len(r.weak),
             "enterprises": r.enterprises, "innovation_gaps": r.innovation_gaps, "talent_gaps": r.talent_gaps,
             "ecosystem_gaps": r.ecosystem_gaps} for r in summaries(scope, period)]


def columns(by: str) -> list[Column]:
    return [Column("label", "产业链", "text"), Column("nodes", "环节"), Column("missing", "缺失"),
            Column("weak", "薄弱"), Column("enterprises", "链上企业"), Column("innovation_gaps", "无创新平台"),
            Column("talent_gaps", "无人才记录"), Column("ecosystem_gaps", "无服务机构")]


def register() -> None:
    """Offer the group to the cockpit, the park dashboard, briefings, the API and exports."""
    register_group(FigureGroup(key="chains", title="产业链强链补链", order=30, figures=figures, breakdown=breakdown,
                               columns=columns, url_name="chains:chains"))
