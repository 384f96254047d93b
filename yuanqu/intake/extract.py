"""Quantitative facts in Chinese economic news and official releases.

``extract(text, names=..., published=...)`` returns :class:`ExtractedFact` objects: who (entity), what (metric as
written), how much (value or a [low, high] range, and the unit as written), when (period, stated or inferred — an
inferred one ends in ``（推断）``), the qualifier (约, 超, 以上, 近, 余, 预计, 目标 …) and the exact quote.

The text is first normalised character by character — traditional to simplified (zhconv, whose tables ship in the
wheel), full-width digits and signs to ASCII, a Chinese full stop between digits to a point — so that every offset in
the normalised text is the same offset in the original and quotes are cut from what was published.

What is not a fact: dates and durations, page chrome (view counters, 备案号, phone numbers, 发布时间 lines), a
threshold that classifies rather than measures (亿元以上项目), ordinals (第3批), numbers in names (5G, U谷二期), a
number cut off at the end of a truncated text, and a paragraph or sentence that repeats one already read.

Numbers are parsed here rather than with jionlp: jionlp pulls in jiojio (≈150 MB of segmentation models) and numpy,
and its money parser converts to 元 and loses the unit as written, which the review page must show. cn2an reads
Chinese numerals; jieba (its dictionary ships in the wheel) segments the text so that names the registry does not
know (苏州工业园区, 某某生物科技有限公司) are still found, with the registry's names added as a user dictionary.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import cn2an
import zhconv

INFERRED = "（推断）"

# ---------------------------------------------------------------------------------------------------------------
# Normalisation (one character in, one character out)

_FULLWIDTH = {chr(c): chr(c - 0xFEE0) for c in range(0xFF10, 0xFF1A)}  # ０-９
_FULLWIDTH.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
_FULLWIDTH.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF41, 0xFF5B)})  # ａ-ｚ
_FULLWIDTH.update({"％": "%", "．": ".", "－": "-", "＋": "+", "～": "~", "／": "/", "\u3000": " ", "\xa0": " ",
                   "﹪": "%", "–": "-"})


@functools.lru_cache(maxsize=8192)
def _simplified(ch: str) -> str:
    out = zhconv.convert(ch, "zh-cn")
    return out if len(out) == 1 else ch


def _joiner(m: re.Match[str]) -> str:
    line_start = m.string.rfind("\n", 0, m.start()) + 1
    line = m.string[line_start:m.start()]
    nxt_end = m.string.find("\n", m.end())
    nxt = m.string[m.end(): nxt_end if nxt_end >= 0 else len(m.string)]
    if len(line) < 25 or _CHROME_LINE.search(line) or _CHROME_LINE.search(nxt) \
            or not re.search(r"[\u4e00-\u9fff\d，、,]$", line) or line_start == 0:
        return "\n"
    return " "


def normalize(text: str) -> str:
    """The text with the same length: simplified characters, ASCII digits and signs, 57。6 read as 57.6."""
    chars = []
    for ch in text:
        ch = _FULLWIDTH.get(ch, ch)
        if "\u3400" <= ch <= "\u9fff":
            ch = _simplified(ch)
        chars.append(ch)
    out = "".join(chars).replace("○", "〇").replace("◯", "〇")
    # 二‧二五公顷, 19・91亿元: a middle dot between digits is a decimal point
    out = re.sub(r"(?<=[\d〇零一二两三四五六七八九十])[‧・·•](?=[\d〇零一二两三四五六七八九])", ".", out)
    # a line broken inside a sentence (text taken from a PDF): the break is a space
    out = re.sub(r"(?<=[^。！？!?：:；;”」』）)\]\s])\n(?=[^\n\s])", _joiner, out)
    # a Chinese full stop or comma typed for the decimal point: 57。6亿元 (never 2022。6 at a sentence end: a year)
    return re.sub(r"(?<=[^\d]\d)[。](?=\d+\s*[亿万千%])|(?<=[^\d]\d\d)[。](?=\d+\s*[亿万千%])", ".", out)


# ---------------------------------------------------------------------------------------------------------------
# Units, qualifiers, metrics

MONEY_UNITS = ["元", "美元", "港元", "欧元", "日元", "英镑"]
OTHER_UNITS = [
    "个百分点", "百分点", "%", "倍", "家次", "人次", "家", "户", "个", "项", "人", "名", "位", "亩", "平方米", "平米",
    "㎡", "平方公里", "平方千米", "公顷", "栋", "座", "幢", "层", "套", "台套", "台", "件", "条", "所", "批", "款",
    "张", "床", "吨", "千瓦时", "度", "米", "千米", "公里", "辆", "架", "艘", "场", "次", "篇", "部", "支", "处", "只",
    "标箱", "TEU", "GWh", "MW", "千瓦", "兆瓦", "平方公尺", "立方公尺", "公尺", "立方米",
]
#: units whose magnitude prefix (万, 亿) is part of the unit as written (3万平方米, 55亿元, 2万人)
MAGNITUDE_OK = set(MONEY_UNITS) | {"平方米", "平米", "㎡", "亩", "人", "人次", "吨", "千瓦时", "度", "户", "元",
                                   "标箱", "千瓦", "册", "台", "件", "辆", "套", "家",
                                   "平方公尺", "立方米", "立方公尺"}
ALL_UNITS = sorted(MONEY_UNITS + OTHER_UNITS, key=len, reverse=True)
#: single-character numerals (三个, 两家) count only with these units: 一批, 两个, 三项 are mostly manner of speech
_SINGLE_NUMERAL_UNITS = set(MONEY_UNITS) | {"家", "亩", "平方米", "%", "个百分点", "倍", "人", "名", "栋", "座",
                                            "平方公里", "公顷"}

_QUALIFIER_BEFORE = [
    ("大约", "约"), ("约", "约"), ("超过", "超"), ("超", "超"), ("逾", "超"), ("突破", "超"), ("过", "超"),
    ("将近", "近"), ("接近", "近"), ("近", "近"), ("不足", "不足"), ("不到", "不足"), ("达到", ""), ("高达", ""),
]
_QUALIFIER_AFTER = [("及以上", "以上"), ("以上", "以上"), ("以下", "以下"), ("左右", "约"), ("上下", "约")]
_TARGET_MARKERS = [
    ("年度目标任务", "目标"), ("目标任务", "目标"), ("年任务", "目标"), ("任务", "目标"), ("目标", "目标"),
    ("力争", "目标"), ("争取", "目标"), ("预计", "预计"), ("有望", "预计"), ("计划", "计划"), ("拟", "计划"),
]

#: metrics as they are written, nearest before the number wins (longer first at one position)
METRICS = [
    "规上工业总产值", "规上工业产值", "工业总产值", "工业产值", "总产值", "产值", "工业增加值", "增加值",
    "主营业务收入", "营业收入", "营收", "销售收入", "销售额", "营业额", "交易额", "成交额", "技术合同成交额",
    "税收收入", "实现税收", "税收", "纳税", "利税", "利润总额", "净利润", "利润",
    "固定资产投资", "计划总投资", "总投资", "计划投资", "投资额", "投资", "到位资金", "实际使用外资", "合同外资",
    "进出口总额", "进出口", "出口额", "出口", "进口", "研发投入", "研发经费", "融资", "注册资本",
    "总占地面积", "占地面积", "占地", "用地面积", "用地", "总建筑面积", "建筑面积", "规划面积", "面积",
    "入驻企业", "签约企业", "落户企业", "注册企业", "在孵企业", "孵化企业", "毕业企业", "高新技术企业",
    "专精特新企业", "规上企业", "规模以上企业", "上市企业", "签约项目", "开工项目", "竣工项目", "在建项目",
    "重点项目", "引进项目", "新开工项目", "从业人员", "就业人员", "员工", "就业岗位", "人才", "专利", "发明专利",
    "同比增长", "同比下降", "同比提高", "增长", "下降", "增速", "提高", "完成率", "出租率", "入驻率", "占比",
    "比重", "亩均税收", "亩均产值", "实际利用外资", "利用外资", "一般公共预算收入", "地区生产总值", "常住人口",
    "就业人数", "营业额", "贸易总额", "软件业务收入", "总收入", "网络零售额", "出让工业用地",
]
_GROWTH = ("同比增长", "同比下降", "同比提高", "增长", "下降", "增速", "提高", "增加", "减少")
_VERB_METRIC = re.compile(r"(入驻|签约|落户|注册|开工|投产|竣工|孵化|毕业|引进|新增|集聚|聚集)")
_FALLBACK_NOUNS = ("企业", "项目", "人才", "专利", "平台", "机构", "园区")

# ---------------------------------------------------------------------------------------------------------------
# Page chrome and dates

_CHROME_LINE = re.compile(
    r"(浏览|阅读|点击|访问)(次数|量|数)?\s*[:：]?\s*\d|ICP|备案|网站标识码|公网安备|版权所有|Copyright|©|主办单位|"
    r"承办单位|技术支持|联系电话|电话\s*[:：]|传真|邮编|邮政编码|地址\s*[:：]|发布(时间|日期)|来源\s*[:：]|"
    r"作者\s*[:：]|编辑\s*[:：]|责任编辑|字号|打印本页|关闭窗口|分享到|扫一扫|上一篇|下一篇|【(大|中|小)】|"
    r"信息来源|索引号|文号|发文日期|点赞|收藏|评论\s*\d|转发\s*\d|未完|全文共\s*\d+\s*字|当前显示|阅读全文|展开全文|"
    r"相关阅读|相关新闻|责任编辑|附件[:：]",
    re.IGNORECASE)
_PHONE = re.compile(r"(?<!\d)(?:0\d{2,3}[-－ ]?\d{7,8}|1[3-9]\d{9}|400[-－ ]?\d{3}[-－ ]?\d{4})(?!\d)")
_DATE_SPANS = [
    re.compile(r"(?<!\d)(?:19|20)\d{2}\s*[-/年]\s*\d{1,2}\s*(?:[-/.月]\s*\d{1,2}\s*[日号]?)?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?"),
    # 2023.6 and 2023.06.01 are dates; 1950.57万美元 is an amount
    re.compile(r"(?<!\d)(?:19|20)\d{2}\.(?:0?[1-9]|1[0-2])(?:\.\d{1,2})?(?![\d万亿千百元%美个家亩人])"),
    re.compile(r"(?<!\d)\d{1,2}\s*[-—~至到]\s*\d{1,2}\s*月"),
    re.compile(r"(?<!\d)\d{1,2}\s*月\s*(?:\d{1,2}\s*[日号]|份|底|末|初|中旬|上旬|下旬)?"),
    re.compile(r"(?<!\d)\d{1,2}\s*[日号](?![元])"),
    re.compile(r"(?<!\d)\d{1,2}:\d{2}"),
    re.compile(r"[一二三四1-4]\s*季度"),
]
_PUB_DATE = re.compile(r"(?:发布(?:时间|日期)|日期|时间)?\s*[:：]?\s*((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*"
                       r"[-/.月]\s*"
                       r"(\d{1,2})")

# ---------------------------------------------------------------------------------------------------------------
# Entities

_ENTITY_SUFFIXES = (
    "股份有限公司", "有限责任公司", "有限公司", "集团", "产业园区", "工业园区", "产业园", "工业园", "科技园", "软件园",
    "创业园", "园区", "孵化器", "加速器", "众创空间", "创新区", "示范区", "开发区", "高新区", "保税区", "自贸区",
    "功能区", "片区", "新区", "加工出口区", "出口加工区", "街道", "基地", "中心", "项目", "小镇", "U谷", "谷", "港",
    "大厦", "广场", "综合体",
    "药洲", "天地", "实验室", "研究院",
)
_REGION_SUFFIXES = ("省", "市", "区", "县", "镇")
_WHOLE_REGION = ("全区", "全市", "全省", "全县", "全镇")
#: words that stand for the park or zone the text is about (园区实现…, 开发区辖区面积…)
_GENERIC = {"园区", "开发区", "高新区", "经开区", "产业园", "科技园", "软件园", "工业园", "片区", "自贸片区", "新区",
            "基地", "孵化器", "加速器", "众创空间", "辖区", "区内", "园内", "本园区", "全园区", "科学园区", "产业园区",
            "工业园区", "功能区", "示范区", "创新区", "保税区", "楼宇", "大厦"}
#: a candidate name holding one of these is a description (专业园区, 重点项目), not a name
_NOT_A_NAME = re.compile(r"专业|特色|重点|各类|全部|省级|市级|区级|国家级|亿元|以上|新开工|开工|签约|引进|外资|内资|"
                         r"在建|产业类|旗舰|重大|集中|标准化|企业|统计|纳入|相关|周边|所在|其他|该|各|本|二期|一期|三期|"
                         r"产业$|工业$|服务业$|制造业$|招商$|建设$|促进|管理|政务|融媒体|服务$")
_STOP_VERBS = set(
    "实现 完成 位于 引进 签约 落户 入驻 推动 加快 建设 打造 获悉 了解 举行 召开 开展 发布 成立 设立 获评 启动 新增 "
    "累计 达到 突破 带动 培育 聚焦 围绕 依托 坚持 推进 开工 投产 竣工 参观 走进 来到 考察 调研 支持 加强 发展 "
    "提升 吸引 "
    "集聚 拥有 包括 有 是 为 在 与 和 等 获得 成为 作为 属于 介绍 表示 显示 据 对 从 向 将 把 被 让 使 跑出 按下 出炉 "
    "占 举办 迎来 喜获 荣获 入选 评为 认定 投资 总投资 计划 预计 共 已 还 并 也 都 又 再 今年 去年 目前 日前 "
    "近日 全年".split())
_DIRECTIONS = {"东部", "西部", "南部", "北部", "中部", "东", "西", "南", "北", "中"}
_STOP_FLAGS = ("v", "p", "c", "u", "d", "r", "w", "m", "q", "t", "f", "y", "e", "o", "z")
_NOUNISH = ("n", "nr", "ns", "nt", "nz", "nrt", "nrfg", "j", "eng", "x", "an", "vn", "s", "l", "i", "g")
_ENTITY_BLOCK = {
    "企业", "项目", "产值", "税收", "投资", "营业收入", "同比", "增长", "实现", "累计", "已", "共", "其中", "园区",
    "全区", "总", "年", "今年", "去年", "目前", "截至", "重点", "签约", "入驻", "开工", "建设", "完成", "辖",
}


@dataclass(frozen=True)
class Name:
    """A registry name the extractor should recognise: the text as written and the canonical name it stands for."""

    text: str
    canonical: str
    kind: str = "park"  # park, enterprise, project, region


@dataclass
class ExtractedFact:
    """One number found in a text, with where it stands in the original text."""

    entity: str
    metric: str
    value: Decimal | list[Decimal]
    unit: str
    period: str
    quote: str
    qualifier: str
    start: int  # of the quote in the original text
    end: int
    number_start: int
    number_end: int
    entity_kind: str = ""
    period_inferred: bool = False

    def as_json(self) -> dict[str, Any]:
        """The seven keys of the published shape."""
        return {"entity": self.entity, "metric": self.metric, "value": json_value(self.value), "unit": self.unit,
                "period": self.period, "quote": self.quote, "qualifier": self.qualifier}


def json_value(value: Decimal | list[Decimal]) -> Any:
    """A Decimal as an int when whole, else a float (JSON has no decimals); a range as [low, high]."""
    if isinstance(value, list):
        return [json_value(v) for v in value]
    if value == value.to_integral_value():
        return int(value)
    return float(value)


# ---------------------------------------------------------------------------------------------------------------
# Numbers

_CN_DIGIT = "零〇一二两三四五六七八九十"
_CN_CHARS = _CN_DIGIT + "百千万亿点"
_MAG = {"万亿": Decimal(10) ** 12, "兆": Decimal(10) ** 12, "亿": Decimal(10) ** 8, "万": Decimal(10) ** 4}
_NUM_START = re.compile(r"\d|[零〇一二两三四五六七八九十百千]")
_ARABIC = re.compile(r"\d+(?:,\d{3})+(?![\d,])(?:\.\d+)?|\d+(?:\.\d+)?")
_ARABIC_MULT = re.compile(r"[十百千万亿兆]+")
_CHINESE = re.compile(r"[零〇一二两三四五六七八九十百千万亿兆点.]+")
_RANGE_SEP = re.compile(r"\s*(?:-|—{1,2}|~|至|到)\s*")


@dataclass
class _Number:
    value: Decimal
    mag: str  # 万, 亿, 万亿 or ""
    start: int
    end: int
    chinese: bool
    single: bool  # a single Chinese numeral character (三, 两)


def _read_number(s: str, i: int) -> _Number | None:
    """The number starting at ``i`` (Arabic with an optional Chinese multiplier, or Chinese numerals)."""
    m = _ARABIC.match(s, i)
    if m:
        base = Decimal(m.group().replace(",", ""))
        j = m.end()
        while j < len(s) and s[j] == " " and j - m.end() < 2:
            j += 1
        mm = _ARABIC_MULT.match(s, j)
        mult = mm.group() if mm else ""
        if not mult:
            j = m.end()
        # 5千万 = 5000万; 1.2万亿; 百 and 千 alone multiply (3千 = 3000)
        full = base
        for ch in mult:
            full *= {"十": 10, "百": 100, "千": 1000, "万": 10**4, "亿": 10**8, "兆": 10**12}[ch]
        end = j + len(mult)
        return _with_mag(full, mult, i, end, chinese=False, single=False)
    m = _CHINESE.match(s, i)
    if not m:
        return None
    text = m.group().rstrip(".")
    if not any(c in _CN_DIGIT for c in text):
        # 近百家, 逾千亩: a bare 百 or 千 after a word of approximation
        if text in ("百", "千") and re.search(r"(近|逾|超|过|突破)$", s[max(0, i - 2):i]):
            return _Number(value=Decimal(100 if text == "百" else 1000), mag="", start=i, end=i + 1,
                           chinese=True, single=False)
        return None
    end = i + len(text)
    # 五六〇公顷, 二.二五 (digits one by one) versus 十四五, 一二三 (a list, not a number)
    body = text.replace("兆", "万亿")
    digit_map = str.maketrans("〇零一二三四五六七八九", "00123456789")
    try:
        tail_m = re.search(r"[万亿]+$", body)
        tail = tail_m.group() if tail_m else ""
        main = body[: len(body) - len(tail)]
        if "." in main and not re.search(r"[万亿]", main):
            whole, frac = main.split(".", 1)
            if not frac or re.search(r"[^〇零一二三四五六七八九]", frac):
                return None
            if re.fullmatch(r"[〇零一二三四五六七八九]+", whole):
                lead = Decimal(whole.translate(digit_map))
            else:
                lead = Decimal(str(cn2an.cn2an(whole.replace("两", "二"), "strict")))
            full = lead + Decimal("0." + frac.translate(digit_map))
        elif re.fullmatch(r"[〇零一二三四五六七八九]+", main) and len(main) > 1:
            # 五六〇公顷, 一九〇亿元: digits written one by one; 十四五 and 一二 are not numbers
            if "〇" not in main and len(main) < 3:
                return None
            full = Decimal(main.translate(digit_map))
        elif not main:
            return None
        else:
            full = Decimal(str(cn2an.cn2an(main.replace("两", "二"), "strict")))
        for ch in tail:
            full *= {"万": 10**4, "亿": 10**8}[ch]
        if re.search(r"[万亿]", main) and tail:
            full = Decimal(str(cn2an.cn2an(body.replace("两", "二"), "strict")))
    except (ValueError, KeyError, TypeError, InvalidOperation, IndexError):
        return None
    return _with_mag(full, text, i, end, chinese=True, single=len(text) == 1)


def _with_mag(full: Decimal, written: str, start: int, end: int, *, chinese: bool, single: bool) -> _Number:
    if written.endswith("万亿"):
        mag = "万亿"
    elif "兆" in written:
        mag = "兆"
    elif "亿" in written:
        mag = "亿"
    elif "万" in written:
        mag = "万"
    else:
        mag = ""
    value = full / _MAG[mag] if mag else full
    return _Number(value=_clean(value), mag=mag, start=start, end=end, chinese=chinese, single=single)


def _clean(value: Decimal) -> Decimal:
    value = value.normalize()
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value


# ---------------------------------------------------------------------------------------------------------------
# jieba, with the registry's names


_JIEBA_LOCK = threading.Lock()


@functools.lru_cache(maxsize=4)
def _tokenizer(names: tuple[Name, ...]) -> Any:
    import logging

    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    for name in names:
        tk.add_word(name.text, freq=200000, tag="nz")
    for word in ("入驻", "签约", "落户", "产值", "同比", "亿元", "万元", "个百分点", "营业收入", "税收"):
        tk.add_word(word, freq=200000)
    return jieba.posseg.POSTokenizer(tk)


def _segment(names: tuple[Name, ...], text: str) -> list[tuple[str, str]]:
    with _JIEBA_LOCK:
        return [(p.word, p.flag) for p in _tokenizer(names).cut(text)]


# ---------------------------------------------------------------------------------------------------------------
# The extractor


@dataclass
class _Mention:
    text: str
    canonical: str
    kind: str
    start: int
    end: int


@dataclass
class _Context:
    text: str  # original
    norm: str
    names: tuple[Name, ...]
    published: dt.date | None
    excluded: list[tuple[int, int]] = field(default_factory=list)
    main_entity: _Mention | None = None
    region: _Mention | None = None


def publication_date(text: str) -> dt.date | None:
    """The date a page states it was published (发布时间 line, or a date alone on one of the first lines)."""
    norm = normalize(text)
    lines = [ln for ln in norm.splitlines() if ln.strip()]
    candidates = [ln for ln in lines if re.search(r"发布(时间|日期)|日期\s*[:：]|时间\s*[:：]", ln)]
    candidates += [ln for ln in lines[:4] + lines[-4:] if len(ln.strip()) <= 40]
    for ln in candidates:
        m = _PUB_DATE.search(ln)
        if m:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                continue
    return None


def extract(text: str, *, names: Iterable[Name] = (), published: dt.date | None = None) -> list[ExtractedFact]:
    """Every quantitative fact in ``text``, in reading order, duplicates removed."""
    names_t = tuple(sorted(set(names), key=lambda n: (-len(n.text), n.text)))
    ctx = _Context(text=text, norm=normalize(text), names=names_t, published=published or publication_date(text))
    facts: list[ExtractedFact] = []
    seen_paragraphs: set[str] = set()
    seen_sentences: set[str] = set()
    ctx.excluded = _excluded_spans(ctx.norm)
    paragraphs = list(_paragraphs(ctx.norm))
    content = [k for k, (a, b) in enumerate(paragraphs) if ctx.norm[a:b].strip() and not _is_chrome(ctx.norm[a:b])]
    last_para = content[-1] if content else -1
    for index, (p_start, p_end) in enumerate(paragraphs):
        para = ctx.norm[p_start:p_end]
        key = re.sub(r"\s+", "", para)
        if not key or _is_chrome(para):
            continue
        if len(key) >= 12 and key in seen_paragraphs:
            continue
        seen_paragraphs.add(key)
        truncated = index == last_para and not re.search(r"[。！？!?”」』）)\]]\s*$", para)
        period_carry: tuple[str, bool] | None = None
        for s_start, s_end in _sentences(ctx.norm, p_start, p_end):
            sent_key = re.sub(r"\s+", "", ctx.norm[s_start:s_end])
            if len(sent_key) >= 12 and sent_key in seen_sentences:
                continue
            seen_sentences.add(sent_key)
            found, period_carry = _sentence_facts(ctx, s_start, s_end, p_end, truncated, period_carry)
            facts.extend(found)
    return _dedupe(_without_headline_repeats(ctx, paragraphs, facts))


def _without_headline_repeats(ctx: _Context, paragraphs: list[tuple[int, int]],
                              facts: list[ExtractedFact]) -> list[ExtractedFact]:
    """A headline states a number the body states again: keep the body's (its quote says more)."""
    title = next(((a, b) for a, b in paragraphs if ctx.norm[a:b].strip()), None)
    if title is None or re.search(r"[。；;]", ctx.norm[title[0]:title[1]]) or title[1] - title[0] > 60:
        return facts
    body = {(str(f.value), f.unit) for f in facts if f.start >= title[1]}
    return [f for f in facts if f.start >= title[1] or (str(f.value), f.unit) not in body]


def _dedupe(facts: list[ExtractedFact]) -> list[ExtractedFact]:
    out: list[ExtractedFact] = []
    keys: set[tuple[Any, ...]] = set()
    for f in facts:
        key = (f.metric, str(f.value), f.unit, f.period)
        if key in keys:
            continue
        keys.add(key)
        out.append(f)
    return out


def _paragraphs(norm: str) -> Iterable[tuple[int, int]]:
    pos = 0
    for line in norm.split("\n"):
        yield pos, pos + len(line)
        pos += len(line) + 1


def _is_chrome(para: str) -> bool:
    stripped = para.strip()
    if _CHROME_LINE.search(stripped) and len(stripped) <= 120:
        return True
    # a line that is only dates, counters and short labels (2023-02-10 10:32  阅读 1024)
    return bool(re.fullmatch(r"[\d\s:/.\-年月日时分]+", stripped))


def _excluded_spans(norm: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for rx in [_PHONE, *_DATE_SPANS]:
        spans.extend(m.span() for m in rx.finditer(norm))
    spans.extend(m.span() for m in re.finditer(r"《[^》]{0,80}》", norm))
    spans.extend(m.span() for m in re.finditer(r"[A-Za-z]+\d+[A-Za-z\d]*|\d+[A-Za-z]+(?![A-Za-z]*[/])", norm)
                 if not re.fullmatch(r"\d+(?:\.\d+)?(?:GWh|MW|TEU)", m.group()))
    spans.extend(m.span() for m in re.finditer(r"\d{9,}", norm))
    ordinal = r"第\s*[\d一二三四五六七八九十]+\s*(?:[-—~至到]\s*[\d一二三四五六七八九十]+)?"
    spans.extend(m.span() for m in re.finditer(ordinal, norm))
    return spans


def _in_excluded(ctx: _Context, start: int, end: int) -> bool:
    return any(a < end and start < b for a, b in ctx.excluded)


def _sentences(norm: str, start: int, end: int) -> Iterable[tuple[int, int]]:
    i = start
    for m in re.finditer(r"[。！？!?；;]+", norm[start:end]):
        j = start + m.end()
        if norm[i:j].strip():
            yield i, j
        i = j
    if norm[i:end].strip():
        yield i, end


def _clauses(norm: str, start: int, end: int) -> list[tuple[int, int]]:
    """Clause boundaries: ，、 : and an ASCII comma that is not a thousands separator."""
    out = []
    i = start
    for k in range(start, end):
        ch = norm[k]
        thousands = k > 0 and norm[k - 1].isdigit() and re.match(r",\d{3}(?!\d)", norm[k:])
        if ch in "，：:" or (ch == "," and not thousands):
            out.append((i, k + 1))
            i = k + 1
    out.append((i, end))
    return [(a, b) for a, b in out if b > a]


# ---- time --------------------------------------------------------------------------------------------------------

_TIME = re.compile(
    r"(?P<asof>截至|截止|到)?\s*(?P<year>(?:19|20)\d{2})\s*年\s*(?:(?P<m1>\d{1,2})\s*(?:[-—~至到]\s*(?P<m2>\d{1,2}))?\s*月"
    r"(?:\s*(?P<day>\d{1,2})\s*[日号])?(?:份|底|末)?|(?P<half>上半年|下半年)|(?P<q>前?[一二三四1-4])\s*季度|"
    r"(?P<yend>底|末)|全年|度)?"
    r"|(?P<rel>今年|去年|上年|本年|当年|明年)\s*(?:(?P<rm1>\d{1,2})\s*(?:[-—~至到]\s*(?P<rm2>\d{1,2}))?\s*月|"
    r"(?P<rhalf>上半年|下半年)|(?P<rq>前?[一二三四1-4])\s*季度|(?P<ryend>底|末)|以来)?"
    r"|(?P<half2>上半年|下半年)|(?P<q2>前?[一二三四])\s*季度|(?P<mrange>\d{1,2})\s*[-—~至到]\s*(?P<mrange2>\d{1,2})\s*月"
    r"|(?P<now>截至目前|目前|现已|至今|近年来)"
)
_Q = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def _period_of(ctx: _Context, m: re.Match[str]) -> tuple[str, bool]:
    """A normalised period for a time expression: 2022, 2022-01~2022-11, 2022-H1, 2022-Q1~Q3, 2022-12-31."""
    g = m.groupdict()
    pub = ctx.published
    inferred = False
    if g["year"]:
        year = int(g["year"])
        m1, m2, day, half, q, yend = g["m1"], g["m2"], g["day"], g["half"], g["q"], g["yend"]
    elif g["rel"]:
        if pub is None:
            return "", False
        inferred = True
        year = pub.year + {"今年": 0, "本年": 0, "当年": 0, "去年": -1, "上年": -1, "明年": 1}[g["rel"]]
        m1, m2, day, half, q, yend = g["rm1"], g["rm2"], None, g["rhalf"], g["rq"], g["ryend"]
    elif g["now"]:
        if pub is None:
            return "", False
        return pub.isoformat(), True
    else:
        if pub is None:
            return "", False
        inferred = True
        year = pub.year
        m1, m2, day, half, q, yend = g["mrange"], g["mrange2"], None, g["half2"], g["q2"], None
    if day and m1:
        try:
            return dt.date(year, int(m1), int(day)).isoformat(), inferred
        except ValueError:
            return str(year), inferred
    if m1 and m2:
        return f"{year}-{int(m1):02d}~{year}-{int(m2):02d}", inferred
    if m1:
        return f"{year}-{int(m1):02d}", inferred
    if half:
        return f"{year}-{'H1' if half == '上半年' else 'H2'}", inferred
    if q:
        n = _Q[q[-1]]
        return (f"{year}-Q1~Q{n}" if q.startswith("前") else f"{year}-Q{n}"), inferred
    if yend:
        return f"{year}-12-31", inferred
    return str(year), inferred


def _fmt_period(period: tuple[str, bool]) -> str:
    text, inferred = period
    return text + INFERRED if text and inferred else text


# ---- entities -----------------------------------------------------------------------------------------------------


def _mentions(ctx: _Context, start: int, end: int) -> list[_Mention]:
    """Names in norm[start:end]: the registry's (longest first) and those jieba and the suffixes find."""
    seg = ctx.norm[start:end]
    found: list[_Mention] = []
    taken = [False] * len(seg)
    for name in ctx.names:
        key = normalize(name.text)
        for m in re.finditer(re.escape(key), seg):
            a, b = m.span()
            if any(taken[a:b]):
                continue
            for k in range(a, b):
                taken[k] = True
            found.append(_Mention(name.text, name.canonical, name.kind, start + a, start + b))
    words = _segment(ctx.names, seg)
    pos = 0
    spans: list[tuple[int, int, str]] = []
    for w, flag in words:
        spans.append((pos, pos + len(w), flag))
        pos += len(w)
    candidates: list[tuple[int, int, str]] = []
    for idx, (a, b, flag) in enumerate(spans):
        word = seg[a:b]
        if any(taken[a:b]):
            continue
        if word in _WHOLE_REGION:
            # 占全市的比重, 高于全市平均: the whole region named as a yardstick, not as the subject
            if not re.search(r"(占|高于|低于|比|较|于|超过|居)$", seg[max(0, a - 2):a]):
                candidates.append((a, b, "region"))
            continue
        is_suffix = word.endswith(_ENTITY_SUFFIXES) and word not in ("园区", "项目", "中心", "基地", "集团")
        is_region = flag == "ns" and word.endswith(_REGION_SUFFIXES) and len(word) >= 3
        generic_suffix = word in _ENTITY_SUFFIXES or word in ("公司", "产业园", "工业园")
        if not (is_suffix or is_region or generic_suffix):
            continue
        # extend to the left over nouns: 青岛 国际 院士 港, 人民 金服 青岛 中心
        first = idx
        while first > 0:
            pa, pb, pflag = spans[first - 1]
            pw = seg[pa:pb]
            if any(taken[pa:pb]) or pw in _ENTITY_BLOCK \
                    or re.search(r"[\d%，。、；：,（）()“”\s的和与及【】「」《》]", pw):
                break
            if pw in _STOP_VERBS or b - pa > 24:
                break
            if pflag.startswith(_STOP_FLAGS) and not (pflag == "m" and re.search(r"[A-Za-z]", pw)) \
                    and pflag not in ("vn", "an", "v", "f") or (pflag == "f" and pw not in _DIRECTIONS):
                break
            first -= 1
        a0 = spans[first][0]
        text = seg[a0:b]
        suffix = max((x for x in _ENTITY_SUFFIXES + tuple(_GENERIC) if text.endswith(x)), key=len, default=word)
        head_text = text[: len(text) - len(suffix)]
        described = list(_NOT_A_NAME.finditer(head_text))
        if described:
            # drop the description in front: 专业园区 → 园区, 区重点项目 → 项目
            a0 += described[-1].end()
            text = seg[a0:b]
        if re.fullmatch(r"[\u4e00-\u9fff]?(项目|中心|基地|集团|公司)", text):
            continue
        if text in _GENERIC or text.lstrip("本该全") in _GENERIC:
            candidates.append((a0, b, "generic"))
            continue
        if text in ("项目", "中心", "基地", "集团", "公司") or len(text) < 3:
            continue
        kind = "region" if (is_region and not is_suffix) else _kind_of(text)
        candidates.append((a0, b, kind))
    # the longest of overlapping candidates: 联东U谷青岛中心 over 联东U谷
    candidates.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
    for a, b, kind in candidates:
        if any(taken[a:b]):
            continue
        for k in range(a, b):
            taken[k] = True
        text = seg[a:b]
        found.append(_Mention(text, text, kind, start + a, start + b))
    found.sort(key=lambda m: m.start)
    return found


def _kind_of(text: str) -> str:
    if text.endswith(("公司", "集团")):
        return "enterprise"
    if text.endswith("项目"):
        return "project"
    if text.endswith(_REGION_SUFFIXES) and not text.endswith(("园区", "新区", "高新区", "开发区", "创新区", "示范区",
                                                               "功能区", "片区", "保税区", "自贸区", "社区")):
        return "region"
    return "park"


def _resolve(ctx: _Context, m: _Mention) -> _Mention:
    """全区 → the region the text names; 园区 → the park the text is about."""
    if m.kind == "region" and m.text in _WHOLE_REGION and ctx.region is not None:
        return _Mention(ctx.region.text, ctx.region.canonical, "region", m.start, m.end)
    if m.kind == "generic":
        carry = ctx.__dict__.get("_carry_entity")
        if carry is not None and carry.kind not in ("region", "generic"):
            return _Mention(carry.text, carry.canonical, carry.kind, m.start, m.end)
        if carry is not None and carry.kind == "region":
            return _Mention(m.text, "园区", "generic", m.start, m.end)
        if ctx.main_entity is not None:
            return _Mention(ctx.main_entity.text, ctx.main_entity.canonical, ctx.main_entity.kind, m.start, m.end)
        return _Mention(m.text, "园区", "generic", m.start, m.end)
    return m


# ---- one sentence -------------------------------------------------------------------------------------------------


@dataclass
class _Token:
    low: Decimal
    high: Decimal | None
    unit: str
    start: int
    end: int  # after the unit (and 余, 以上 …)
    qualifier: list[str]
    after: str  # the rest of the clause


def _sentence_facts(ctx: _Context, s_start: int, s_end: int, p_end: int, truncated: bool,
                    period_carry: tuple[str, bool] | None) -> tuple[list[ExtractedFact], tuple[str, bool] | None]:
    norm = ctx.norm
    tokens = _tokens(ctx, s_start, s_end, p_end, truncated)
    mentions = _mentions(ctx, s_start, s_end)
    for m in mentions:
        if m.kind == "region" and m.text not in _WHOLE_REGION and ctx.region is None:
            ctx.region = m
        if m.kind in ("park", "project", "enterprise") and ctx.main_entity is None:
            ctx.main_entity = m
    times = [(t.start(), t.end(), _period_of(ctx, t)) for t in _TIME.finditer(norm, s_start, s_end) if t.group()]
    # 较去年同期, 比上半年, 是2016年的: a yardstick, not the period of the number
    times = [t for t in times if t[2][0]
             and not re.search(r"(较|比|相比|与|是|于|比上年)\s*$", norm[max(s_start, t[0] - 3):t[0]])
             and not re.match(r"\s*(同期|的\s*[\d一二三四五六七八九十])", norm[t[1]:t[1] + 4])]
    if not tokens:
        if times:
            period_carry = times[-1][2]
        return [], period_carry
    facts: list[ExtractedFact] = []
    respectively = _respectively(ctx, s_start, s_end, tokens, mentions)
    first_metric: dict[int, str] = {}
    for i, tok in enumerate(tokens):
        c_start, c_end = _clause_of(norm, s_start, s_end, tok.start)
        resp = respectively.get(i, {})
        # entity: 投资102亿元的人民金服青岛中心 names it after; else the nearest name before in the sentence
        entity: _Mention | None = resp.get("entity")
        if entity is None:
            after = [m for m in mentions if m.start >= tok.end and m.start - tok.end <= 2
                     and norm[tok.end:m.start].strip() in ("的", "")]
            before = [m for m in mentions if m.end <= tok.start]
            before_specific = [m for m in before if m.kind != "generic"]
            if after and norm[tok.end:tok.end + 1] == "的":
                entity = after[0]
            elif before:
                entity = before[-1]
                if entity.kind == "generic" and before_specific and before_specific[-1].kind != "region":
                    entity = before_specific[-1]
            elif ctx.__dict__.get("_carry_entity") is not None:
                entity = ctx.__dict__["_carry_entity"]
            else:
                entity = ctx.main_entity
        if entity is not None:
            entity = _resolve(ctx, entity)
        # period: the nearest stated before the number in the sentence, else carried, else inferred
        before_times = [t for t in times if t[1] <= tok.start]
        if resp.get("period"):
            period = resp["period"]
        elif before_times:
            period = before_times[-1][2]
        elif [t for t in times if t[0] >= tok.end and t[0] - tok.end <= 3 and t[0] < c_end]:
            period = [t for t in times if t[0] >= tok.end][0][2]
        elif period_carry is not None and (not _is_stock(metric_guess := _metric(
                ctx, c_start, tok, tokens[i - 1] if i else None, s_start), tok.unit)
                or re.fullmatch(r"\d{4}-\d{2}-\d{2}", period_carry[0]) or ctx.published is None):
            del metric_guess
            period = period_carry
        elif ctx.published is not None:
            period = (ctx.published.isoformat(), True)
        else:
            period = ("", False)
        if resp.get("metric"):
            metric = resp["metric"]
        elif resp.get("same_metric") is not None and resp["same_metric"] != i and facts:
            metric = first_metric.get(resp["same_metric"], "") or _metric(ctx, c_start, tok, None, s_start)
        elif i and i - 1 in first_metric and re.fullmatch(r"\s*[、和及与]\s*", norm[tokens[i - 1].end:tok.start]) \
                and tokens[i - 1].unit == tok.unit:
            metric = first_metric[i - 1]  # 506亿元、639.4亿元、785亿元: one metric for the list
        else:
            metric = _metric(ctx, c_start, tok, tokens[i - 1] if i else None, s_start)
        first_metric[i] = metric
        qualifiers = list(tok.qualifier)
        target = _target(norm, c_start, tok, tokens[i - 1] if i else None)
        if target and target not in qualifiers:
            qualifiers.insert(0, target)
        value: Decimal | list[Decimal] = tok.low if tok.high is None else [tok.low, tok.high]
        q_start, q_end = _quote_span(norm, s_start, s_end, c_start, c_end, tok)
        facts.append(ExtractedFact(
            entity=entity.canonical if entity is not None else "园区", metric=metric, value=value, unit=tok.unit,
            period=_fmt_period(period), quote=ctx.text[q_start:q_end].strip(), qualifier="、".join(qualifiers),
            start=q_start, end=q_end, number_start=tok.start, number_end=tok.end,
            entity_kind=entity.kind if entity is not None else "generic", period_inferred=period[1]))
        if entity is not None and not resp.get("entity") and (
                entity.kind != "generic" or ctx.__dict__.get("_carry_entity") is None):
            ctx.__dict__["_carry_entity"] = entity
    if times:
        period_carry = times[-1][2]
    return facts, period_carry


_STOCK = re.compile(r"入驻|签约|落户|注册|在孵|总投资|计划投资|投资$|占地|面积|用地|现有|拥有|聚集|集聚|累计")


def _is_stock(metric: str, unit: str) -> bool:
    """A count or size held at a date (入驻企业, 总投资, 占地), not a flow over a period (产值, 税收)."""
    return bool(_STOCK.search(metric)) and not metric.startswith("新增") and unit not in ("%", "个百分点", "倍")


def _clause_of(norm: str, s_start: int, s_end: int, pos: int) -> tuple[int, int]:
    for a, b in _clauses(norm, s_start, s_end):
        if a <= pos < b:
            return a, b
    return s_start, s_end


def _quote_span(norm: str, s_start: int, s_end: int, c_start: int, c_end: int, tok: _Token) -> tuple[int, int]:
    """The clause holding the number, widened to the previous clause when the clause alone says too little."""
    a, b = c_start, c_end
    while b > a and norm[b - 1] in "，,。；;：:！？ \t":
        b -= 1
    while a < b and norm[a] in " \t\u3000":
        a += 1
    if tok.start - a < 2 and a > s_start:
        # 52家 alone: take the clause before it too
        prev = _clause_of(norm, s_start, s_end, a - 1)
        a = prev[0]
    return a, b


def _tokens(ctx: _Context, s_start: int, s_end: int, p_end: int, truncated: bool) -> list[_Token]:
    norm = ctx.norm
    out: list[_Token] = []
    i = s_start
    while i < s_end:
        m = _NUM_START.search(norm, i, s_end)
        if not m:
            break
        i = m.start()
        if i > s_start and (norm[i - 1].isdigit() or norm[i - 1] == "."):
            i += 1
            continue
        num = _read_number(norm, i)
        if num is None:
            i += 1
            continue
        tok = _token_at(ctx, num, s_end, p_end, truncated)
        if tok is None:
            i = num.end
            continue
        out.append(tok)
        i = tok.end
    # 百分之十五
    for m in re.finditer(r"百分之([零一二两三四五六七八九十百点]+)", norm[s_start:s_end]):
        try:
            v = Decimal(100) if m.group(1) == "百" else Decimal(str(cn2an.cn2an(m.group(1).replace("两", "二"),
                                                                                 "strict")))
        except (ValueError, KeyError, TypeError, InvalidOperation, IndexError):
            continue
        a, b = s_start + m.start(), s_start + m.end()
        if not _in_excluded(ctx, a, b):
            out.append(_Token(_clean(v), None, "%", a, b, _qualifiers_before(norm, a, s_start), ""))
    out.sort(key=lambda t: t.start)
    return out


def _unit_at(norm: str, j: int) -> str:
    for u in ALL_UNITS:
        if norm.startswith(u, j):
            return u
    return ""


def _token_at(ctx: _Context, num: _Number, s_end: int, p_end: int, truncated: bool) -> _Token | None:
    norm = ctx.norm
    start, j = num.start, num.end
    if _in_excluded(ctx, start, j):
        return None
    prev = norm[start - 1] if start > 0 else ""
    if prev in "第" or (prev and re.match(r"[A-Za-z]", prev)):
        return None
    if num.chinese and prev and prev in "星周统唯专逐万之":
        return None
    low, high, mag = num.value, None, num.mag
    qual_after: list[str] = []
    # a range: 10-15亿元, 50亿至80亿元, 三至五个
    r = _RANGE_SEP.match(norm, j)
    if r and r.end() < s_end:
        second = _read_number(norm, r.end())
        if second is not None and second.chinese == num.chinese and not _in_excluded(ctx, second.start, second.end):
            if not mag or second.mag == mag or not second.mag:
                s_mag = second.mag or mag
                high, mag, j = second.value, s_mag, second.end
    # 2兆3,248亿元, 1亿1,150万元: a larger and a smaller magnitude written together
    if mag and high is None:
        nxt = _read_number(norm, j) if j < s_end and norm[j].isdigit() else None
        if nxt is not None and nxt.mag and _MAG[nxt.mag] < _MAG[mag]:
            low = _clean(low + nxt.value * _MAG[nxt.mag] / _MAG[mag])
            j = nxt.end
        elif nxt is not None and not nxt.mag and nxt.value < _MAG[mag] and _unit_at(norm, nxt.end):
            # 8万3,649人
            low = _clean(low + nxt.value / _MAG[mag])
            j = nxt.end
    # 100余家, 100多万元, 3万余平方米
    k = j
    while k < s_end and norm[k] == " ":
        k += 1
    if norm[k:k + 1] in ("余", "多"):
        qual_after.append("余")
        k += 1
        mm = re.match(r"[万亿]+", norm[k:])
        if mm and not mag:
            factor = _MAG.get(mm.group(), None)
            if factor is None:
                return None
            mag = mm.group()
            k += len(mm.group())
    unit = _unit_at(norm, k)
    if not unit:
        # 55亿 with the 元 left out is money in news headlines; otherwise a number without a unit is no fact
        if mag and re.match(r"[，。、；,;）)\s]|$", norm[k:k + 1]) and k < p_end:
            unit = ""
        else:
            return None
    if unit in ("次", "场", "度", "部", "支", "处", "只", "篇") and num.chinese:
        return None
    if mag and unit and unit not in MAGNITUDE_OK and unit not in MONEY_UNITS:
        if unit not in ("家", "个", "项", "名", "位"):
            return None
    if num.single and unit not in _SINGLE_NUMERAL_UNITS:
        return None
    if num.single and norm[start] == "一" and not mag:
        return None
    end = k + len(unit)
    if unit in ("批", "次", "个", "场") and norm[end:end + 1] in ("次", "期"):
        return None
    # 万元/亩, 元/平方米: a rate
    per = re.match(r"/(亩|平方米|平米|㎡|人|年|月|日|天|吨|千瓦时|度|立方米)", norm[end:])
    if per and unit:
        unit += per.group()
        end += len(per.group())
    # 3年, 5月: dates and durations are excluded spans; 个月 and 个工作日 are durations
    if unit == "个" and re.match(r"(月|工作日|小时|季度|年)", norm[end:end + 3]):
        return None
    if unit == "度" and re.match(r"(电)", norm[end:end + 1]) is None:
        return None
    # 亿元级, 百亿级: a class, not a measure
    if re.match(r"级", norm[end:end + 1]):
        return None
    for word, q in _QUALIFIER_AFTER:
        if norm.startswith(word, end):
            qual_after.append(q)
            end += len(word)
            break
    # a number cut off by the end of a truncated text, or followed by an ellipsis
    rest_para = norm[end:p_end]
    if truncated and not rest_para.strip():
        return None
    if re.match(r"\s*(\.\.\.|…)", rest_para) and not re.search(r"[\u4e00-\u9fff]", rest_para):
        return None
    written_unit = (mag + unit) if unit else mag + "元"
    if unit == "%" and mag:
        return None
    qual_before = _qualifiers_before(norm, start, max(0, start - 6))
    qualifiers = qual_before + [q for q in qual_after if q not in qual_before]
    # a threshold: 10亿元以上项目, 超亿元的企业, 5000万元以上的项目12个
    after_clause = norm[end:s_end]
    if (("以上" in qual_after or "以下" in qual_after or "超" in qual_before)
            and re.match(r"的?(重点|重大|优质|产业|工业|制造业|高端|外资|内资|在建|新开工|签约|大)?"
                         r"(项目|企业|工业企业|单位|客户|纳税户|纳税人|园区|集群)", after_clause)):
        return None
    if re.match(r"的?(项目|企业)(?!\d)", after_clause) and re.match(r"(单体|单个|年营收|年产值|投资额?在)",
                                                                   norm[max(0, start - 4):start]):
        return None
    return _Token(low, high, written_unit, start, end, qualifiers, after_clause)


def _qualifiers_before(norm: str, start: int, floor: int) -> list[str]:
    before = norm[max(floor, start - 4):start]
    for word, q in _QUALIFIER_BEFORE:
        if before.endswith(word):
            return [q] if q else []
    return []


def _target(norm: str, c_start: int, tok: _Token, prev: _Token | None) -> str:
    lo = max(c_start, prev.end if prev is not None else c_start)
    before = norm[lo:tok.start]
    best, where = "", -1
    for word, q in _TARGET_MARKERS:
        k = before.rfind(word)
        if k > where:
            best, where = q, k
    if best and re.search(r"的\s*$", before):
        return ""  # 占年度目标的24.5%, 完成年度计划的86.9%: the share done, an actual
    return best


def _metric(ctx: _Context, c_start: int, tok: _Token, prev: _Token | None, s_start: int) -> str:
    norm = ctx.norm
    # 完成年任务75亿元的23.7%: the share of the target just named
    if prev is not None and tok.unit == "%" and norm[prev.end:tok.start].strip() == "的":
        base = _metric(ctx, c_start, prev, None, s_start)
        return (base if base.endswith("任务") or base.endswith("目标") else base + "任务") + "完成率"
    before = norm[c_start:tok.start]
    if tok.unit in ("%", "个百分点", "倍"):
        for g in _GROWTH:
            if before.rstrip("了约超近达到为").endswith(g) or g in before[-8:]:
                return g
    # 52家企业入驻, 113家企业完成装修并入驻办公, 12个项目签约
    if tok.unit in ("家", "个", "项", "户"):
        m = re.match(r"\s*(企业|项目|家企业|户企业|市场主体|单位|机构|平台)?", tok.after)
        noun = m.group(1) if m and m.group(1) else ""
        v = _VERB_METRIC.search(tok.after[: 16])
        if v and (noun or tok.unit == "家") and not re.match(r"\s*[，,。；;]", tok.after):
            return v.group(1) + (noun.replace("家", "").replace("户", "") or "企业")
    best, where = "", -1
    for word in METRICS:
        k = before.rfind(word)
        if k >= 0 and (k + len(word) > where):
            best, where = word, k + len(word)
    if best:
        # 投资 in 总投资/计划投资 was found as the longest at that position
        return best
    # 下辖4个街道、96个社区: the noun counted
    if tok.unit in ("家", "个", "项", "户", "栋", "座", "所", "条", "件", "人", "名", "台", "套"):
        m2 = re.match(r"([\u4e00-\u9fff]{2,6}?)(?=[，,。；;、）)]|$)", tok.after)
        if m2 and not _VERB_METRIC.search(m2.group(1)):
            return m2.group(1)
    # the first number of a clause that names no metric: the metric of the sentence so far
    if tok.unit in ("家", "个", "项", "户"):
        for noun in _FALLBACK_NOUNS:
            if tok.after.startswith(noun):
                v = _VERB_METRIC.search(before)
                return (v.group(1) + noun) if v else noun
        v = _VERB_METRIC.search(before)
        for noun in _FALLBACK_NOUNS:
            if noun in before:
                return (v.group(1) + noun) if v and v.group(1) not in noun else noun
    whole = norm[s_start:tok.start]
    for word in METRICS:
        if word in whole:
            k = whole.rfind(word)
            if k + len(word) > where:
                best, where = word, k + len(word)
    if best:
        return best
    if tok.unit in ("米", "层") and re.search(r"高$|高达$", before):
        return "高度" if tok.unit == "米" else "层数"
    text = re.sub(r"[\s，,：:、；;（）()“”\"]", "", before)
    text = re.sub(r"^(其中|同时|此外|另外|全年|累计|共|已|还|并)", "", text)
    text = re.sub(r"(实现|完成|达到|达|为|是|共|有|约|超|近|累计|新增)+$", "", text)
    return text[-8:]


def _respectively(ctx: _Context, s_start: int, s_end: int, tokens: list[_Token],
                  mentions: list[_Mention]) -> dict[int, dict[str, Any]]:
    """分别 lists: 生命药洲、信联天地分别入驻52家、113家 / 产值、税收分别为55亿元、3亿元 / 2021年、2022年分别为…"""
    norm = ctx.norm
    out: dict[int, dict[str, Any]] = {}
    for m in re.finditer("分别", norm[s_start:s_end]):
        at = s_start + m.start()
        after = [i for i, t in enumerate(tokens) if t.start > at]
        if len(after) < 2:
            continue
        # the numbers in one run after 分别 (、 和 及 与 between them)
        run = [after[0]]
        for i in after[1:]:
            gap = norm[tokens[run[-1]].end:tokens[i].start]
            if re.fullmatch(r"\s*[、,，和及与]\s*(同比)?(增长|下降)?\s*", gap) and len(gap) <= 6:
                run.append(i)
            else:
                break
        n = len(run)
        # the list before 分别: from the previous sentence boundary or clause start
        lo = s_start
        head = norm[lo:at]
        # periods
        years = [y.group(1) for y in re.finditer(r"((?:19|20)\d{2})\s*年", head)]
        span = re.search(r"((?:19|20)\d{2})\s*年?\s*(?:至|到|-|—|~)\s*((?:19|20)\d{2})\s*年", head)
        if span and int(span.group(2)) - int(span.group(1)) + 1 == n:
            years = [str(y) for y in range(int(span.group(1)), int(span.group(2)) + 1)]
        if len(years) == n:
            for k, i in enumerate(run):
                out[i] = {"period": (years[k], False), "same_metric": run[0]}
            continue
        ents = [x for x in mentions if x.end <= at and x.start >= lo and x.kind != "generic"]
        if len(ents) >= n:
            chosen = ents[-n:]
            gaps_ok = all(re.fullmatch(r"\s*[、和及与,，]\s*", norm[chosen[k].end:chosen[k + 1].start])
                          for k in range(n - 1))
            if gaps_ok:
                for k, i in enumerate(run):
                    out[i] = {"entity": chosen[k], "same_metric": run[0]}
                continue
        # metrics: 产值、税收分别…; 营业收入和利润同比分别增长…
        clause_start = max([lo] + [k + 1 for k in range(lo, at) if norm[k] in "，,：:"])
        words = re.split(r"[、和及与]", re.sub(r"^.*?(实现|完成|其中|全年|累计|同比)", "", norm[clause_start:at]))
        words = [w.strip() for w in words if w.strip()]
        if len(words) == n:
            growth = re.search(r"(同比增长|同比下降|增长|下降)", norm[at:tokens[run[0]].start])
            for k, i in enumerate(run):
                word = re.sub(r"^(实现|完成|累计|新增)", "", words[k])
                out[i] = {"metric": word + (growth.group(1) if growth else "")}
    return out
