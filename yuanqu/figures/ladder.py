"""Figures of the enterprise ladder (梯度培育): designations in force at the period's end by kind, and those
recognised within the period, for the scope's enterprises (settled in its parks; region-wide, every enterprise the
scope sees). Read from the dated history (``enterprises.Designation``), never from the cached flags.

Registered as a figure group: the cockpit and a park's dashboard show it as a section, a briefing as a paragraph.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from yuanqu.enterprises.models import Designation, DesignationQuerySet

from .periods import Period
from .selectors import Column, Figure, FigureGroup, FigureScope, register_group

SOURCE = "企业认定记录（梯度培育，按认定、到期和终止日期）"
K = Designation.Kind
#: The kinds the figure group counts, with their short names.
COUNTED = ((K.HIGH_TECH, "高新技术企业"), (K.TECH_SME, "科技型中小企业"), (K.SRDI_SME, "专精特新中小企业"),
           (K.LITTLE_GIANT, "专精特新“小巨人”"), (K.LISTING, "上市后备企业"))


def designations(scope: FigureScope) -> DesignationQuerySet:
    """The scope's designations: of enterprises settled in its parks (any enterprise it sees when region-wide)."""
    qs = (Designation.objects.visible_to(scope.user) if scope.user is not None
          else Designation.objects.in_region(scope.region_code))
    if not scope.region_wide:
        qs = qs.filter(enterprise__in=scope.settlements().values("enterprise_id"))
    if scope.enterprise is not None:
        qs = qs.filter(enterprise=scope.enterprise)
    return qs.filter(enterprise__archived_at__isnull=True)  # type: ignore[no-any-return]


def figures(scope: FigureScope, period: Period) -> dict[str, Figure]:
    """Designations in force at the period's end by kind, and the new ones within it."""
    end = min(period.end, timezone.localdate())
    qs = designations(scope)
    held = dict(qs.active_on(end).filter(listed_on__isnull=True).order_by().values_list("kind")
                .annotate(n=Count("enterprise", distinct=True)))
    out = [Figure(str(kind), name, held.get(str(kind), 0), "家",
                  f"截至{end:%Y年%m月%d日}认定在有效期内、未撤销的{name}数（上市后备：尚未上市的）。", SOURCE)
           for kind, name in COUNTED]
    new = qs.filter(recognised_on__range=(period.start, period.end))
    out.append(Figure("new", "新认定", new.count(), "项",
                      f"{period.label}内认定（按认定日期）的各类资质数，含上市后备入库。", SOURCE))
    listed = qs.filter(kind=K.LISTING, listed_on__range=(period.start, period.end)).count()
    out.append(Figure("listed", "新上市（挂牌）", listed, "家", f"{period.label}内上市或挂牌的企业数（按上市日期）。",
                      SOURCE))
    out = out[-2:] + out[:-2]  # the briefing's paragraph leads with what is new in the period
    return {f.key: f for f in out}


def breakdown(scope: FigureScope, period: Period, by: str) -> list[dict[str, Any]]:
    """By park (the cockpit): the main kinds in force and the new ones; by kind (a park's dashboard)."""
    end = min(period.end, timezone.localdate())
    qs = designations(scope)
    new_q = Q(recognised_on__range=(period.start, period.end))
    if by != "park":
        held = dict(qs.active_on(end).filter(listed_on__isnull=True).order_by().values_list("kind")
                    .annotate(n=Count("enterprise", distinct=True)))
        new = dict(qs.filter(new_q).order_by().values_list("kind").annotate(n=Count("pk")))
        return [{"label": str(K(k).label), "held": held.get(k, 0), "new": new.get(k, 0)}
                for k in K.values if held.get(k) or new.get(k)]
    rows = []
    for park in scope.parks.filter(pk__in=scope.park_ids).order_by("name"):
        in_park = qs.filter(enterprise__settlements__park=park).distinct()
        active = in_park.active_on(end).filter(listed_on__isnull=True)
        row = {"label": park.name, "high_tech": active.filter(kind=K.HIGH_TECH).count(),
               "srdi": active.filter(kind__in=(K.SRDI_SME, K.LITTLE_GIANT)).values("enterprise").distinct().count(),
               "listing": active.filter(kind=K.LISTING).count(), "new": in_park.filter(new_q).count()}
        if any(v for k, v in row.items() if k != "label"):
            rows.append(row)
    return rows


def columns(by: str) -> list[Column]:
    if by != "park":
        return [Column("label", "资质", "text"), Column("held", "有效（家）"), Column("new", "新认定（项）")]
    return [Column("label", "园区", "text"), Column("high_tech", "高企（家）"), Column("srdi", "专精特新（家）"),
            Column("listing", "上市后备（家）"), Column("new", "新认定（项）")]


def register() -> None:
    """Offer the group to the cockpit, the park dashboard and the briefings (from ``FiguresConfig.ready``)."""
    register_group(FigureGroup(key="ladder", title="梯度培育：高企、专精特新与上市后备", order=6, figures=figures,
                               breakdown=breakdown, columns=columns, url_name="ladder:index"))
