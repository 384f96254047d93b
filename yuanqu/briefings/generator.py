"""Writing a briefing: the figures of a scope and period, all read from ``yuanqu.figures`` (DESIGN rule 11: the
bulletin, the cockpit and the API state the same numbers), and a Chinese narrative in the style of a government
bulletin (政务简报), in sections, with its tables, charts and 附注 (each figure's 口径).

The bulletin is Chinese by nature, so its text is written in Chinese here rather than translated; numbers follow
``yuanqu.core.numbers`` (亿元/万元 by magnitude, 同比增长/下降, 个百分点 for rates, 拉动 and shares).

What it states, and as of when:

- stock figures (parks in operation, enterprises moved in, signed and waiting) at the period's end, never today's;
- flow figures (new signings, move-ins, exits, projects signed, leads) within the period;
- indicators (产值, 营业收入, 税收 …) over the period; when a round of the period is not locked the whole bulletin
  is a 快报: its title, its first paragraph and its 附注 say so with the completion (已审核 x/y 户), and its
  growth rates are like-for-like (同口径), the only ones that compare like with like before the round closes;
- which parks and industries drove the change (拉动, in 个百分点 of last year's total), leaders and laggards,
  targets against the year elapsed (时序进度), and the problems these show, with a 下步工作 staff edit.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone

from yuanqu.core import numbers as n
from yuanqu.figures import selectors as fs
from yuanqu.figures.periods import Period
from yuanqu.figures.selectors import SOURCE_PROJECTS, Figure, FigureScope, IndicatorFigure, TargetProgress
from yuanqu.parks.models import Park
from yuanqu.stats.models import months_of

from .models import Briefing

#: The indicators of the main table, in order.
TABLE_INDICATORS = ("output", "revenue", "tax", "profit", "employees", "rnd", "fai", "export")
#: The indicator the parks and industries are compared by.
LEAD_INDICATOR = "output"
#: A park name that already says what it is takes no 园区 suffix.
PLACE_SUFFIXES = ("园区", "园", "区", "中心", "谷", "大厦", "楼", "基地", "港", "城")
#: Project stages as a bulletin names them (DESIGN.md's domain words).
STAGE_NAMES = {"talks": "在谈", "signed": "签约", "registered": "注册", "started": "开工", "completed": "竣工",
               "producing": "投产", "full": "达产"}
#: Verbs of the indicators in the text.
VERBS = {"output": "实现产值", "revenue": "实现营业收入", "tax": "实现税收", "profit": "实现利润总额",
         "rnd": "研发投入", "fai": "完成固定资产投资", "export": "实现出口额"}
#: Below this share of reports approved (or reported, once final) the completion is named as a problem.
LOW_COMPLETION = Decimal(90)
#: In a 快报, how many of the largest parks get a like-for-like growth of their own.
PARTS_COMPARED = 20
#: Ordinals of the items of a list (一是…；二是…).
ORDINALS = "一二三四五六七八九十"


def place_name(park: Park) -> str:
    """生命药洲 → 生命药洲园区; 崂山科创园 stays as it is."""
    return park.name if park.name.endswith(PLACE_SUFFIXES) else f"{park.name}园区"


def scope_for(briefing: Briefing) -> FigureScope:
    """The figures scope of the briefing: its park, or every park of its region (read on the region's behalf:
    the briefing was scoped when it was requested)."""
    return fs.scope_for_region(briefing.region_id, briefing.park)


def _day(day: dt.date) -> str:
    """截至 what: 2022年末, 2025年6月末, or the day itself."""
    if (day.month, day.day) == (12, 31):
        return f"{day.year}年末"
    if (day + dt.timedelta(days=1)).day == 1:
        return f"{day.year}年{day.month}月末"
    return f"{day.year}年{day.month}月{day.day}日"


def _dec(value: Any) -> str | None:
    return None if value is None else str(value)


def _points(value: Decimal | None) -> str:
    """A 拉动 for a table column: one decimal always (2.0, not 2), so the column lines up."""
    if value is None:
        return "—"
    rounded = value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return "0.0" if rounded == 0 else f"{rounded}"


def _items(parts: list[str]) -> str:
    """一是…；二是…。 for several items, the item alone for one."""
    if len(parts) == 1:
        return parts[0] + "。"
    return "；".join(f"{ORDINALS[i] if i < len(ORDINALS) else i + 1}是{p}" for i, p in enumerate(parts)) + "。"


class Writer:
    """Reads the figures of one briefing once and writes its sections, tables, charts and notes."""

    def __init__(self, briefing: Briefing) -> None:
        self.briefing = briefing
        self.period: Period = briefing.period
        self.scope = scope_for(briefing)
        self.is_park = briefing.park is not None
        self.name = place_name(briefing.park) if briefing.park is not None else briefing.region.name
        self.whole = "园区" if self.is_park else "全区"
        self.today = timezone.localdate()
        self.end = min(self.period.end, self.today)
        self.status = fs.period_status(self.scope, self.period)
        self.provisional = self.status.provisional
        self.stock = fs.stock(self.scope, self.period)
        self.flows = fs.flows(self.scope, self.period)
        self.indicators: dict[str, IndicatorFigure] = {}
        for code in TABLE_INDICATORS:
            fig = fs.indicator(self.scope, self.period, code)
            if fig is not None and (fig.value is not None or fig.last_year is not None):
                self.indicators[code] = fig
        self.lead = self.indicators.get(LEAD_INDICATOR)
        self.above = (fs.indicator(self.scope, self.period, LEAD_INDICATOR, segment="above")
                      if self.lead is not None else None)
        self.by_park = ([(p, f) for p, f in fs.by_park(self.scope, self.period, LEAD_INDICATOR)]
                        if not self.is_park and self.lead is not None else [])
        self.by_section = (fs.by_section(self.scope, self.period, LEAD_INDICATOR) if self.lead is not None else [])
        self.monthly = fs.monthly_series(self.scope, self.period.year, LEAD_INDICATOR, until=self.period.last)
        self.key_projects = fs.key_projects_by_stage(self.scope, self.end)
        self.targets: list[TargetProgress] = fs.target_progress(self.scope, self.period)
        self.stated: dict[str, Figure] = {}  # the stock and flow figures the text states, for the 附注
        self.pulls_used = False
        self._parts: dict[str, IndicatorFigure | None] = {}

    # ------------------------------------------------------------------ phrases

    def use(self, figure: Figure) -> Any:
        """The value of a stock or flow figure the text states (its 口径 goes to the 附注)."""
        self.stated[figure.key] = figure
        return figure.value

    def growth(self, fig: IndicatorFigure, prefix: str = "同比") -> str:
        """同比增长 x% (final), 同口径同比增长 x% (快报), or '' when there is nothing honest to compare with."""
        if fig.provisional:
            value = fig.like_for_like
            prefix = f"同口径{prefix}"
        else:
            value = fig.yoy
        if value is None:
            return ""
        return f"{prefix}{n.points(value)}" if fig.is_rate else n.growth(value, prefix=prefix)

    def covered(self, fig: IndicatorFigure) -> str:
        """（1—9月） for an indicator reported less often than the period runs (研发投入 by quarter in 1—11月)."""
        ind = self.scope.indicator(fig.code)
        months = [m for m in self.period.months if ind is not None and m in months_of(ind.frequency)]
        if not months or months[-1] == self.period.last:
            return ""
        return f"（{self.period.first}—{months[-1]}月）" if months[-1] != self.period.first else f"（{months[-1]}月）"

    def amount(self, fig: IndicatorFigure, value: Any) -> str:
        return n.quantity(value, fig.unit)

    def with_growth(self, fig: IndicatorFigure, text: str, prefix: str = "同比") -> str:
        phrase = self.growth(fig, prefix)
        return f"{text}，{phrase}" if phrase else text

    def park_figure(self, park: Park) -> IndicatorFigure | None:
        """One park's lead indicator on its own (for its like-for-like growth in a 快报)."""
        key = f"park:{park.pk}"
        if key not in self._parts:
            self._parts[key] = fs.indicator(fs.scope_for_region(self.briefing.region_id, park), self.period,
                                            LEAD_INDICATOR)
        return self._parts[key]

    def section_figure(self, section: str) -> IndicatorFigure | None:
        """One industry section's lead indicator on its own (for its like-for-like growth in a 快报)."""
        key = f"section:{section}"
        if key not in self._parts:
            scope = FigureScope(user=None, region_code=self.scope.region_code, parks=self.scope.parks,
                                park=self.scope.park, section=section)
            self._parts[key] = fs.indicator(scope, self.period, LEAD_INDICATOR)
        return self._parts[key]

    def compared_parks(self, parks: list[tuple[Park, IndicatorFigure]]) -> list[tuple[Park, IndicatorFigure]]:
        """The parks whose growth is compared: all of them once final (their 同比 comes with them); in a 快报 the
        largest twenty, each of which needs its own like-for-like reading (a city of a thousand parks would
        otherwise cost thousands of queries)."""
        return parks if not self.provisional else parks[:PARTS_COMPARED]

    def growth_of_part(self, fig: IndicatorFigure, own: IndicatorFigure | None) -> Decimal | None:
        """A park's or section's growth: like-for-like from its own figure in a 快报, else its 同比."""
        if self.provisional:
            return None if own is None else own.like_for_like
        return fig.yoy

    def pull(self, fig: IndicatorFigure) -> Decimal | None:
        """拉动: a part's change over last year as a share of last year's total, in 个百分点 (final figures only:
        a 快报's parts have no like-for-like base)."""
        if self.provisional or self.lead is None or fig.value is None or self.lead.last_year is None:
            return None
        # A part with nothing last year (a park that began reporting) pulls by all of its value.
        return n.share(fig.value - (fig.last_year or 0), self.lead.last_year)

    # ------------------------------------------------------------------ sections

    def provisional_paragraph(self) -> str:
        c = self.status.completion
        opened = self.scope.rounds().filter(frequency="month", year=self.period.year,
                                            month__in=self.period.months).exists()
        if c.expected:
            done = (f"统计尚未结束，已审核{c.approved}/{c.expected}户（{n.pct(c.approved_rate)}），"
                    f"已报送{c.reported}户")
        elif opened:
            done = "统计尚未结束，尚无企业报送"
        else:
            done = "本期尚未开展统计，暂无审核数据"
        return (f"【快报】本简报{self.period.label}统计数据为快报（初步数）：{done}。文中数据以统计终结、审核锁定后"
                "的终数为准；增速按同口径（两年同期均有审核数据的企业）计算。")

    def overall(self) -> list[str]:
        paragraphs = []
        if self.provisional:
            paragraphs.append(self.provisional_paragraph())
        moved_in, waiting = self.use(self.stock["moved_in"]), self.stock["waiting"].value
        if self.is_park:
            first = f"截至{_day(self.end)}，{self.name}"
        else:
            first = f"截至{_day(self.end)}，{self.name}在运营园区{self.use(self.stock['parks_operating'])}个，"
        first += f"已吸引{moved_in}家企业入驻" if moved_in else "尚无企业入驻"
        if waiting:
            self.use(self.stock["waiting"])
            first += f"，另有{waiting}家已签约、尚未入驻"
        lead = self.lead
        if lead is not None and lead.value is not None:
            first += f"，{self.period.label}{self.with_growth(lead, '实现产值' + self.amount(lead, lead.value))}"
            if not self.period.is_year_to_date and lead.ytd is not None:
                ytd = f"1—{self.period.last}月累计{self.amount(lead, lead.ytd)}"
                if not lead.provisional and lead.ytd_yoy is not None:
                    ytd += f"，{n.growth(lead.ytd_yoy)}"
                first += f"，{ytd}"
        paragraphs.append(first + "。")

        new_signed, new_in = self.use(self.flows["new_signed"]), self.use(self.flows["new_moved_in"])
        exits = self.use(self.flows["exits"])
        moves = [text for count, text in ((new_signed, f"新签约入园企业{new_signed}家"), (new_in, f"新入驻{new_in}家"),
                                          (exits, f"退出{exits}家")) if count]
        if not moves:
            paragraphs.append(f"{self.period.label}，无企业新签约入园、入驻或退出。")
        else:
            paragraphs.append(f"{self.period.label}，" + "，".join(moves) + ("。" if exits else "，无企业退出。"))

        parts = []
        for code in ("revenue", "tax", "profit", "rnd", "fai", "export"):
            fig = self.indicators.get(code)
            if fig is not None and fig.value is not None:
                parts.append(self.with_growth(fig, f"{VERBS[code]}{self.covered(fig)}{self.amount(fig, fig.value)}"))
        employees = self.indicators.get("employees")
        if employees is not None and employees.value is not None:
            parts.append(self.with_growth(employees, f"从业人员{self.amount(employees, employees.value)}"))
        if parts:
            paragraphs.append(f"{self.period.label}，{self.name}" + "；".join(parts) + "。")

        above = self.above
        if lead is not None and above is not None and above.ytd is not None and above.reporters:
            share_now = n.share(above.ytd, lead.ytd)
            share_then = n.share(above.last_year_ytd, lead.last_year_ytd)
            sentence = (f"其中，规模以上企业{above.reporters}家，实现产值"
                        f"{self.with_growth(above, self.amount(above, above.ytd), '同比')}，"
                        f"占{self.whole}产值的{n.pct(share_now)}")
            if share_now is not None and share_then is not None:
                sentence += f"，比上年同期{n.points(n.pct_points(share_now, share_then))}"
            paragraphs.append(sentence + "。")

        if self.targets:
            elapsed = self.targets[0].elapsed_pct
            parts = []
            for t in self.targets:
                if t.pct is None:
                    continue
                gap = t.gap
                relation = ("与时序进度持平" if gap is None or n.points(gap) == "持平"
                            else f"{'快于' if gap > 0 else '落后'}时序进度{n.plain(abs(gap), 1)}个百分点")
                parts.append(f"{t.name}完成年度目标的{n.pct(t.pct)}，{relation}")
            if parts:
                paragraphs.append(f"从年度目标看，截至{self.period.last}月末时序进度为{n.pct(elapsed)}，"
                                  + "；".join(parts) + "。")
        return paragraphs

    def parks(self) -> list[str]:
        with_data = [(p, f) for p, f in self.by_park if f.value is not None]
        if not with_data or self.lead is None:
            return []
        lead = self.lead
        described = []
        for park, fig in with_data[:3]:
            text = f"{park.name}产值{self.amount(fig, fig.value)}，占全区的{n.pct(n.share(fig.value, lead.value))}"
            growth = self.growth(self.park_figure(park) or fig) if self.provisional else self.growth(fig)
            if growth:
                text += f"，{growth}"
            pull = self.pull(fig)
            if pull is not None:
                self.pulls_used = True
                text += f"，{'拉动' if pull >= 0 else '下拉'}全区增长{n.plain(abs(pull), 1)}个百分点"
            described.append(text)
        paragraphs = ["分园区看，" + "；".join(described) + "。"]
        movers = []
        pulls = [(p, self.pull(f)) for p, f in with_data]
        driver = max(((p, v) for p, v in pulls if v is not None), key=lambda pv: pv[1], default=None)
        if driver is not None and len(with_data) > 1 and driver[1] > 0:
            movers.append(f"从拉动看，{driver[0].name}对全区增长贡献最大，拉动{n.plain(driver[1], 1)}个百分点")
        growths: list[tuple[Park, Decimal]] = []
        for park, fig in self.compared_parks(with_data):
            value = self.growth_of_part(fig, self.park_figure(park) if self.provisional else None)
            if value is not None:
                growths.append((park, value))
        if len(growths) > 1:
            fastest = max(growths, key=lambda g: g[1])
            if fastest[1] > 0:
                movers.append(f"增速最快的是{fastest[0].name}（{'同口径' if self.provisional else ''}"
                              f"{n.growth(fastest[1])}）")
        falling = [(p, g) for p, g in growths if n.growth(g).startswith("同比下降")]
        if falling:
            movers.append("、".join(f"{p.name}（{n.growth(g)}）" for p, g in falling) + "产值同比下降")
        elif len(growths) > 1:
            movers.append("有可比数据的园区产值均未下降")
        without = [p.name for p, f in self.by_park if f.value is None]
        if without:
            movers.append(f"{'、'.join(without)}尚无审核通过的统计数据")
        if movers:
            paragraphs.append("；".join(movers) + "。")
        return paragraphs

    def industries(self) -> list[str]:
        rows = [(code, name, f) for code, name, f in self.by_section if f.value is not None]
        if not rows or self.lead is None:
            return []
        lead = self.lead
        described = []
        for code, name, fig in rows[:3]:
            text = f"{name}产值{self.amount(fig, fig.value)}，占{self.whole}的{n.pct(n.share(fig.value, lead.value))}"
            growth = self.growth(self.section_figure(code) or fig) if self.provisional else self.growth(fig)
            if growth:
                text += f"，{growth}"
            pull = self.pull(fig)
            if pull is not None:
                self.pulls_used = True
                text += f"，{'拉动' if pull >= 0 else '下拉'}{self.whole}增长{n.plain(abs(pull), 1)}个百分点"
            described.append(text)
        paragraphs = [f"分行业看，共有{len(rows)}个行业门类有产值数据。" + "；".join(described) + "。"]
        pulls = [(name, self.pull(f)) for _code, name, f in rows]
        driver = max(((name, v) for name, v in pulls if v is not None), key=lambda nv: nv[1], default=None)
        if driver is not None and len(rows) > 1 and driver[1] > 0:
            paragraphs.append(f"从拉动看，{driver[0]}对{self.whole}增长贡献最大，拉动{n.plain(driver[1], 1)}个百分点。")
        falling = []
        for code, name, fig in rows:
            value = self.growth_of_part(fig, self.section_figure(code) if self.provisional else None)
            if value is not None and n.growth(value).startswith("同比下降"):
                falling.append(f"{name}（{n.growth(value)}）")
        if falling:
            paragraphs.append("、".join(falling) + "产值同比下降。")
        return paragraphs

    def projects(self) -> list[str]:
        period = self.period.label
        signed = self.use(self.flows["signed_projects"])
        amount = self.use(self.flows["signed_investment"])
        text = (f"{period}，新签约项目{signed}个，签约投资额{n.money(amount)}" if signed
                else f"{period}，暂无新签约项目")
        reached = []
        for stage in ("started", "completed", "producing"):
            k = self.flows[f"projects_{stage}"].value
            if k:
                self.use(self.flows[f"projects_{stage}"])
                reached.append(f"{STAGE_NAMES[stage]}{k}个")
        if reached:
            text += "；项目新" + "、".join(reached)
        paragraphs = [text + "。"]
        total = sum(v["count"] for v in self.key_projects.values())
        if total:
            invested = sum((v["amount"] for v in self.key_projects.values()), Decimal(0))
            stages = "、".join(f"{STAGE_NAMES[s]}{v['count']}个" for s, v in self.key_projects.items() if v["count"])
            paragraphs.append(f"截至{_day(self.end)}，在库区级以上重点项目{total}个，计划总投资{n.money(invested)}，"
                              f"其中处于{stages}。")
        leads, converted = self.flows["new_leads"].value, self.flows["lead_signed"].value
        if leads or converted:
            self.use(self.flows["new_leads"])
            text = f"招商方面，{period}新增招商线索{leads}条"
            if converted:
                self.use(self.flows["lead_signed"])
                text += (f"，{converted}条线索转为入园签约，意向投资额"
                         f"{n.money(self.use(self.flows['lead_signed_investment']))}")
            paragraphs.append(text + "。")
        return paragraphs

    def services(self) -> list[str]:
        """科技服务, 企业服务 and 惠企政策: a paragraph per figure group (技术合同与孵化, 服务诉求, 政策兑现 …)
        that has something to report in the period; each figure stated goes to the 附注 with its 口径."""
        paragraphs = []
        for group in fs.groups():
            stated = [f for f in group.figures(self.scope, self.period).values() if f.value not in (None, 0)]
            if not stated:
                continue
            parts = []
            for f in stated:
                value = self.use(f)
                parts.append(f"{f.label}{n.pct(value) if f.unit == '%' else n.quantity(value, f.unit)}")
            paragraphs.append(f"{group.title}。{self.period.label}，{'，'.join(parts)}。")
        return paragraphs

    def problems(self) -> tuple[list[str], dict[str, Any]]:
        """The problems the figures show, and what 下步工作 should answer."""
        found: dict[str, Any] = {"behind": [], "falls": [], "parks_down": [], "missing": 0}
        parts = []
        behind = [t for t in self.targets if t.gap is not None and t.gap < 0 and n.points(t.gap) != "持平"]
        if behind:
            found["behind"] = [t.name for t in behind]
            parts.append("部分指标完成进度落后于时序进度，" + "、".join(
                f"{t.name}完成年度目标的{n.pct(t.pct)}，落后时序进度{n.plain(abs(t.gap or 0), 1)}个百分点"
                for t in behind))
        falls = []
        for fig in self.indicators.values():
            value = fig.like_for_like if fig.provisional else fig.yoy
            if value is not None and value < 0 and n.growth(value).startswith("同比下降"):
                falls.append(f"{fig.name}{'同口径' if fig.provisional else ''}{n.growth(value)}")
                found["falls"].append(fig.name)
        if falls:
            parts.append("部分指标同比下降，" + "，".join(falls))
        parks_down = []
        for park, fig in self.compared_parks(self.by_park):
            value = self.growth_of_part(fig, self.park_figure(park) if self.provisional else None)
            if value is not None and n.growth(value).startswith("同比下降"):
                parks_down.append(f"{park.name}（{n.growth(value)}）")
                found["parks_down"].append(park.name)
        if parks_down:
            parts.append("、".join(parks_down) + "产值同比下降，需关注")
        c = self.status.completion
        if c.expected:
            rate = c.approved_rate if self.provisional else c.rate
            if rate is not None and rate < LOW_COMPLETION:
                missing = c.expected - c.reported
                found["missing"] = missing
                if self.provisional:
                    parts.append(f"统计报送和审核进度偏慢，应报{c.expected}户，已审核{c.approved}户"
                                 f"（{n.pct(rate)}），尚有{missing}户未报送、{c.reported - c.approved}户待审核")
                else:
                    parts.append(f"统计报送完成率偏低，应报{c.expected}户，实报{c.reported}户（{n.pct(rate)}）")
        if not parts:
            if not self.indicators:
                return ["本期暂无经审核的统计数据，尚不能判断主要指标走势。"], found
            comparable = any((f.like_for_like if f.provisional else f.yoy) is not None
                             for f in self.indicators.values())
            checked = ["主要指标未出现同比下降" if comparable else "上年同期无可比数据，暂不能判断主要指标增减"]
            if self.targets:
                checked.append("年度目标完成进度不低于时序进度")
            if c.expected:
                checked.append("统计报送完成率正常")
            return ["从本期数据看，" + "，".join(checked) + "。"], found
        return [_items(parts)], found

    def next_steps(self, found: dict[str, Any]) -> list[str]:
        """A default 下步工作 from the problems found; staff rewrite it before issuing."""
        items = []
        monitor = "加强经济运行监测调度"
        if found["falls"] or found["parks_down"]:
            subjects = "、".join((found["parks_down"] or found["falls"])[:3])
            monitor += f"，针对{subjects}同比下降的情况，逐园区、逐企业分析原因，帮助企业解决困难"
        if found["missing"]:
            monitor += f"，督促尚未报送的{found['missing']}户企业按时报送，确保数据真实准确"
        items.append(monitor)
        registered = self.key_projects.get("registered", {}).get("count", 0) + \
            self.key_projects.get("signed", {}).get("count", 0)
        started = self.key_projects.get("started", {}).get("count", 0)
        if registered or started:
            push = "加快重点项目建设"
            if registered:
                push += f"，推动{registered}个已签约、注册的重点项目尽快开工"
            if started:
                push += f"，推动{started}个在建项目早日竣工投产"
            items.append(push)
        industries = [name for _code, name, f in self.by_section[:2] if f.value is not None]
        items.append("强化精准招商" + (f"，围绕{'、'.join(industries)}等主导产业开展产业链招商" if industries else "")
                     + "，加快在谈线索签约落地")
        if found["behind"]:
            items.append(f"盯紧年度目标，对{'、'.join(found['behind'])}等落后于时序进度的指标制定针对性措施，"
                         "确保完成全年目标任务")
        return [_items(items)]

    # ------------------------------------------------------------------ tables, charts, notes

    def tables(self) -> list[dict[str, Any]]:
        current = "本期累计" if self.period.is_year_to_date else "本期"
        # A 快报 compares like with like only: last year's total over every reporter would sit beside this year's
        # over those approved so far, so it gives way to the number of reporters behind the figure.
        header = (["指标", current, "报送企业", "同口径同比"] if self.provisional
                  else ["指标", current, "上年同期", "同比"])
        rows = []
        for fig in self.indicators.values():
            name = fig.name + self.covered(fig)
            if fig.provisional:
                rows.append([name, self.amount(fig, fig.value), f"{fig.reporters}家",
                             n.signed_change(fig.like_for_like, fig.is_rate)])
            elif self.provisional:  # a final figure (a quarterly one) in a 快报: its own 同比
                rows.append([name, self.amount(fig, fig.value), f"{fig.reporters}家",
                             n.signed_change(fig.yoy, fig.is_rate) + "（终数）"])
            else:
                rows.append([name, self.amount(fig, fig.value), self.amount(fig, fig.last_year),
                             n.signed_change(fig.yoy, fig.is_rate)])
        title = f"{self.name}{self.period.label}主要经济指标" + ("（快报）" if self.provisional else "")
        tables = [{"title": f"表1 {title}", "header": header, "rows": rows}]
        lead = self.lead
        if lead is None:
            return tables
        growth_head = "同口径同比" if self.provisional else "同比"
        with_data = [(p, f) for p, f in self.by_park if f.value is not None]
        if with_data:
            rows = []
            for park, fig in with_data[:PARTS_COMPARED]:
                growth = self.growth_of_part(fig, self.park_figure(park) if self.provisional else None)
                row = [park.name, self.amount(fig, fig.value), n.signed_change(growth),
                       n.pct(n.share(fig.value, lead.value))]
                if not self.provisional:
                    row.append(_points(self.pull(fig)))
                rows.append(row)
            header = ["园区", f"{lead.name}", growth_head, "占全区比重"] + ([] if self.provisional
                                                                         else ["拉动（个百分点）"])
            tables.append({"title": f"表{len(tables) + 1} 分园区{lead.name}", "header": header, "rows": rows})
        sections = [(c, name, f) for c, name, f in self.by_section if f.value is not None]
        if sections:
            rows = []
            for code, name, fig in sections:
                growth = self.growth_of_part(fig, self.section_figure(code) if self.provisional else None)
                row = [name, self.amount(fig, fig.value), n.signed_change(growth),
                       n.pct(n.share(fig.value, lead.value))]
                if not self.provisional:
                    row.append(_points(self.pull(fig)))
                rows.append(row)
            header = ["行业门类", f"{lead.name}", growth_head, "占比"] + ([] if self.provisional
                                                                     else ["拉动（个百分点）"])
            tables.append({"title": f"表{len(tables) + 1} 分行业{lead.name}", "header": header, "rows": rows})
        return tables

    def charts(self) -> list[dict[str, Any]]:
        charts: list[dict[str, Any]] = []
        lead = self.lead
        if lead is None:
            return charts
        mark = "（快报）" if self.provisional else ""
        with_data = [(p, f) for p, f in self.by_park if f.value is not None][:12]
        if with_data:
            charts.append({"title": f"图{len(charts) + 1} 各园区{lead.name}（{self.period.label}）{mark}",
                           "kind": "hbar", "unit": lead.unit, "labels": [p.name for p, _f in with_data],
                           "series": [{"name": self.period.label, "values": [_dec(f.value) for _p, f in with_data]}]})
        elif self.is_park:
            rows = [(name, f) for _c, name, f in self.by_section if f.value is not None][:12]
            if len(rows) > 1:
                charts.append({"title": f"图{len(charts) + 1} 分行业{lead.name}（{self.period.label}）{mark}",
                               "kind": "hbar", "unit": lead.unit, "labels": [name for name, _f in rows],
                               "series": [{"name": self.period.label, "values": [_dec(f.value) for _n, f in rows]}]})
        months = [m for m in self.monthly if m["month"] >= self.period.first]
        series = []
        for year, key in ((self.period.year, "value"), (self.period.year - 1, "last_year")):
            values = [m[key] for m in months]
            if any(v not in (None, 0) for v in values):  # no empty series
                series.append({"name": f"{year}年", "values": [_dec(v) for v in values]})
        if len(months) > 1 and series:
            unfinished = [m["month"] for m in months if not m["final"]]
            note = "（当月值；*为快报月份）" if unfinished else "（当月值）"
            charts.append({"title": f"图{len(charts) + 1} 分月{lead.name}{note}", "kind": "bars", "unit": lead.unit,
                           "labels": [f"{m['month']}月" + ("*" if not m["final"] else "") for m in months],
                           "series": series})
        return charts

    def notes(self) -> list[str]:
        notes = []
        if self.provisional:
            c = self.status.completion
            notes.append(f"本期为快报（初步数）：{self.period.label}统计尚未全部审核锁定"
                         + (f"，期末轮次应报{c.expected}户，已报送{c.reported}户，已审核{c.approved}户"
                            f"（{n.pct(c.approved_rate)}）" if c.expected else "")
                         + "；数据以统计终结后的终数为准。")
        for figure in self.stated.values():
            notes.append(f"{figure.label}：{figure.definition}")
        groups: dict[str, list[str]] = {}
        for fig in self.indicators.values():
            common = fig.definition.replace(f"{fig.period.label}{fig.name}：", "").replace(f"（{fig.unit}）", "")
            groups.setdefault(common, []).append(f"{fig.name}（{fig.unit}）")
        for common, names in groups.items():
            notes.append(f"{'、'.join(names)}：{common}")
        if self.above is not None and self.above.ytd is not None and self.above.reporters:
            notes.append("规模以上企业：报告期内被认定为规模以上（规上）的企业；其产值为规上企业的本年累计。")
        if self.pulls_used:
            notes.append("拉动：某园区（行业）本期比上年同期的增量占上年同期"
                         f"{self.whole}总量的百分比，单位为个百分点；各部分拉动之和等于{self.whole}增速（原口径）。")
        for t in self.targets:
            notes.append(t.definition)
        if any(v["count"] for v in self.key_projects.values()):
            notes.append(f"重点项目：区级以上重点项目，按各阶段实际达到日期确定截至{_day(self.end)}所处阶段，"
                         f"已终止的不计。来源：{SOURCE_PROJECTS}。")
        return notes

    def figures(self) -> dict[str, Any]:
        """Every figure the bulletin states, as plain JSON (Decimals as strings)."""
        out: dict[str, Any] = {f.key: {"value": _dec(f.value) if isinstance(f.value, Decimal) else f.value,
                                       "unit": f.unit, "final": f.final} for f in self.stated.values()}
        for code, fig in self.indicators.items():
            out[code] = {"value": _dec(fig.value), "ytd": _dec(fig.ytd), "last_year": _dec(fig.last_year),
                         "yoy": _dec(fig.yoy), "like_for_like": _dec(fig.like_for_like), "unit": fig.unit,
                         "reporters": fig.reporters, "final": fig.final}
        return out

    def write(self) -> dict[str, Any]:
        sections = [{"key": "overall", "heading": "总体情况", "paragraphs": self.overall()}]
        if not self.is_park:
            parks = self.parks()
            if parks:
                sections.append({"key": "parks", "heading": "分园区情况", "paragraphs": parks})
        industries = self.industries()
        if industries:
            sections.append({"key": "industries", "heading": "分行业情况", "paragraphs": industries})
        sections.append({"key": "projects", "heading": "重点项目和招商引资", "paragraphs": self.projects()})
        services = self.services()
        if services:
            sections.append({"key": "services", "heading": "科技服务、企业服务和惠企政策", "paragraphs": services})
        problems, found = self.problems()
        sections.append({"key": "problems", "heading": "存在的问题", "paragraphs": problems})
        sections.append({"key": "next_steps", "heading": "下步工作", "paragraphs": self.next_steps(found)})
        c = self.status.completion
        title = f"{self.name}{self.period.label}经济运行简报" + ("（快报）" if self.provisional else "")
        return {
            "version": 2,
            "title": title,
            "scope_name": self.name,
            "period": self.period.label,
            "provisional": self.provisional,
            "mark": self.status.mark,
            "completion": {"expected": c.expected, "reported": c.reported, "approved": c.approved},
            "sections": sections,
            "tables": self.tables(),
            "charts": self.charts(),
            "notes": self.notes(),
            "figures": self.figures(),
            "written_on": self.today.isoformat(),
        }


def write(briefing: Briefing) -> dict[str, Any]:
    """The bulletin's content: title, sections, tables, charts and notes, from the scope's figures as of the
    briefing's period."""
    return Writer(briefing).write()
