"""Reference chain templates shipped as data: 生物医药 (for 生命药洲) and 数字经济 (for 人民金服·中化云谷
and 信联天地).

Each node names the GB/T 4754-2017 《国民经济行业分类》 (with its 2019 amendment; the table in
``yuanqu/core/data/gbt4754_2017_industry.csv``) classes (小类, 4 digits) whose enterprises belong to it,
and keywords matched in enterprise names. Sources of the mapping:

- 生物医药: GB/T 4754-2017 大类 27 医药制造业 (2710 化学药品原料药制造 … 2780 药用辅料及包装材料),
  中类 358 医疗仪器设备及器械制造, 7340 医学研究和试验发展 (CRO), 745 质检技术服务 (7451, 7452),
  515 医药及医疗器材批发 and 525 医药及医疗器材专门零售. The segments follow
  《“十四五”医药工业发展规划》(工信部联规〔2021〕217号): 原料/中间体 → 原料药 → 制剂, 医疗器械,
  研发外包 (CRO/CDMO), 检验检测, 医药流通. CDMO has no class of its own (合同定制研发生产 is
  classed under 27 医药制造业 by its product), so its node is found by keyword only.
- 数字经济: 国家统计局《数字经济及其核心产业统计分类(2021)》(国家统计局令第33号). Its 核心产业
  大类 01–04 map to GB/T 4754-2017 classes: 01 数字产品制造业 (391 计算机, 392 通信设备,
  397 电子器件, 398 电子元件 …), 02 数字产品服务业 (5176/5177 批发, 5273/5274 零售),
  03 数字技术应用业 (651 软件开发, 6520 集成电路设计, 653–659 信息技术服务, 63 电信,
  64 互联网相关服务), 04 数字要素驱动业 (643 互联网平台, 5193/5292 互联网批发零售,
  6930/6940 互联网金融, 7213 数据资源与产权交易). Only classes wholly inside the 分类 are
  listed (it takes parts of some classes, marked * there; those are left out rather than
  over-match). Each leaf node also names its 分类 class (``digital``: 0101 计算机制造, 0301 软件开发,
  0401 互联网平台, 0406 数据资源与产权交易 …; 集成电路设计 and 数字内容 sit in 0304 信息技术服务), so
  enterprises are found through the 分类's GB/T 4754 correspondences too as far as they are shipped (see
  ``core/data/PROVENANCE.md``: the 小类 and their correspondences are not shipped yet).

A template is loaded into a region by ``services.chain_from_template`` (the demo and the
``chains_template`` command call it); district staff edit the chain it makes like any other.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class NodeSpec:
    """One node of a template: name, importance, target count, GB/T 4754-2017 classes, keywords, children, and
    classes of the NBS 数字经济分类 (``core/data/nbs2021_digital_economy.csv``)."""

    name: str
    core: bool = False
    target: int | None = None
    classes: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    children: tuple[NodeSpec, ...] = ()
    digital: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChainTemplate:
    key: str
    name: str
    description: str
    nodes: tuple[NodeSpec, ...] = field(default_factory=tuple)


N = NodeSpec

BIOMED = ChainTemplate(
    key="biomed", name="生物医药",
    description="以生命药洲为载体，覆盖原料及中间体、原料药、制剂、医疗器械、研发外包、检验检测和医药流通。",
    nodes=(
        N("上游", children=(
            N("原料及中间体", target=3, classes=("2661", "2780"), keywords=("医药中间体", "药用辅料")),
            N("原料药", core=True, target=3, classes=("2710",), keywords=("原料药",)),
            N("研发外包", core=True, children=(
                N("CRO（合同研究）", core=True, target=3, classes=("7340",),
                  keywords=("CRO", "医学研究", "临床研究")),
                N("CDMO（合同定制研发生产）", core=True, target=2,
                  keywords=("CDMO", "CMO", "定制研发生产", "合同生产")),
            )),
        )),
        N("中游", children=(
            N("制剂", core=True, children=(
                N("化学药品制剂", core=True, target=5, classes=("2720",), keywords=("制剂", "化学药")),
                N("生物药品", core=True, target=5, classes=("2761", "2762"), keywords=("生物制药", "疫苗", "抗体")),
                N("中药", target=2, classes=("2730", "2740"), keywords=("中药",)),
            )),
            N("医疗器械", core=True, target=8, classes=("3581", "3582", "3583", "3584", "3585", "3586", "3589"),
              keywords=("医疗器械", "医疗仪器", "医疗设备")),
            N("卫生材料及医药用品", target=2, classes=("2770",), keywords=("卫生材料",)),
        )),
        N("下游", children=(
            N("检验检测", core=True, target=2, classes=("7451", "7452"), keywords=("检验检测", "检测")),
            N("医药流通", target=3, classes=("5151", "5152", "5251", "5252", "5254"),
              keywords=("医药流通", "医药连锁", "大药房")),
        )),
    ))

DIGITAL = ChainTemplate(
    key="digital", name="数字经济",
    description="以人民金服青岛中心·中化云谷和信联天地为载体，按《数字经济及其核心产业统计分类(2021)》划分核心产业。",
    nodes=(
        N("上游", children=(
            N("数字产品制造", children=(
                N("计算机制造", target=2, digital=("0101",), classes=("3911", "3912", "3913", "3914", "3919")),
                N("通信设备制造", target=2, digital=("0102",), classes=("3921", "3922")),
                N("电子元器件制造", core=True, target=3, digital=("0105",),
                  classes=("3972", "3973", "3976", "3979", "3981", "3982", "3985", "3989", "3562"),
                  keywords=("半导体", "集成电路制造", "电子元件")),
            )),
        )),
        N("中游", children=(
            N("数字技术应用", core=True, children=(
                N("软件开发", core=True, target=10, digital=("0301",), classes=("6511", "6512", "6513", "6519"),
                  keywords=("软件", "人工智能")),
                N("集成电路设计", core=True, target=2, digital=("0304",), classes=("6520",), keywords=("芯片设计",)),
                N("信息技术服务", core=True, target=8, digital=("0304",),
                  classes=("6531", "6532", "6540", "6550", "6560", "6591"),
                  keywords=("信息技术", "数据科技", "物联网")),
                N("数字内容", target=3, digital=("0304",),
                  classes=("6571", "6572", "6579"), keywords=("动漫", "游戏", "数字内容")),
                N("电信、广播电视和卫星传输", target=1, digital=("0302",),
                  classes=("6311", "6312", "6319"), keywords=("通信技术",)),
                N("互联网相关服务", core=True, target=5, digital=("0303",),
                  classes=("6410", "6421", "6422", "6429", "6440", "6450", "6490"),
                  keywords=("互联网", "网络科技")),
            )),
        )),
        N("下游", children=(
            N("数字产品服务", target=2, digital=("02",), classes=("5176", "5177", "5273", "5274")),
            N("数字要素驱动", children=(
                N("互联网平台", core=True, target=2, digital=("0401",),
                  classes=("6431", "6432", "6433", "6434", "6439"),
                  keywords=("平台",)),
                N("互联网批发零售", target=2, digital=("0402",),
                  classes=("5193", "5292"), keywords=("电子商务", "电商")),
                N("互联网金融", target=2, digital=("0403",),
                  classes=("6930", "6940"), keywords=("金融科技", "金融信息")),
                N("数据资源与产权交易", target=1, digital=("0406",), classes=("7213",), keywords=("数据交易",)),
            )),
        )),
    ))

TEMPLATES: dict[str, ChainTemplate] = {t.key: t for t in (BIOMED, DIGITAL)}


def all_digital_classes(template: ChainTemplate) -> set[str]:
    """Every 数字经济分类 code a template names (a test checks each exists in the shipped table)."""
    out: set[str] = set()

    def walk(nodes: tuple[NodeSpec, ...]) -> None:
        for n in nodes:
            out.update(n.digital)
            walk(n.children)
    walk(template.nodes)
    return out


def all_classes(template: ChainTemplate) -> set[str]:
    """Every class code a template names (a test checks each exists in the shipped GB/T 4754-2017 table)."""
    out: set[str] = set()

    def walk(nodes: tuple[NodeSpec, ...]) -> None:
        for n in nodes:
            out.update(n.classes)
            walk(n.children)
    walk(template.nodes)
    return out
