"""The floors of DESIGN.md, checked on the code: no import runs up a floor, and no imports go round in a circle.

Every module under ``yuanqu/`` is parsed with ``ast`` (migrations skipped). Imports inside ``if TYPE_CHECKING:``
are left out (they exist only for the type checker); imports inside functions count, since a lazy import is still
a dependency. Each ``yuanqu.<app>`` import becomes an edge between two apps (and between two modules), and the
check fails on (a) an import from a higher floor, (b) a circle between two apps of the same floor, (c) any circle
between apps, (d) any circle between modules, and (e) an app missing from the floor table. ``test_the_checker_
bites`` plants each kind of fault in a synthetic graph, so this file cannot pass whatever the code does.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "yuanqu"

#: DESIGN.md's floors, lowest first, including apps that do not exist yet. ``project`` stands for the modules
#: directly under yuanqu/ (settings, urls, wsgi, asgi, cli): they wire everything together and no app imports them.
FLOORS: dict[str, int] = {
    "core": 0,
    "tabular": 1, "api": 1,
    "parks": 2,
    "enterprises": 3,
    "accounts": 4,
    "investment": 5, "stats": 5, "innovation": 5, "support": 5,
    "figures": 6,
    "policies": 7, "chains": 7, "ladder": 7, "evaluation": 7, "intake": 7,
    "dashboards": 8, "briefings": 8,
    "site": 9,
    "project": 10,
}

#: Known edges that other lanes of issue 10 remove; the coordinator deletes each entry once its lane is merged.
#: Each is (importing module, imported app) for app edges, or (module, module) for the module circle.
PENDING: set[tuple[str, str]] = set()  # known upward edges awaiting a fix: none


@dataclass(frozen=True)
class Import:
    """One import statement: the module that imports, the module imported, and where."""

    source: str
    target: str
    line: int


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports_in(node: ast.AST, package: str) -> Iterator[tuple[str, int]]:
    """(imported module, line) for every import under ``node``, at any depth, except under TYPE_CHECKING."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child.test):
            for other in child.orelse:  # an ``else:`` branch runs at run time
                yield from _imports_in(ast.Module(body=[other], type_ignores=[]), package)
            continue
        if isinstance(child, ast.Import):
            for alias in child.names:
                yield alias.name, child.lineno
        elif isinstance(child, ast.ImportFrom):
            if child.level:
                parts = package.split(".")
                base = parts[: len(parts) - child.level + 1]
                module = ".".join(base + ([child.module] if child.module else []))
            else:
                module = child.module or ""
            # ``from yuanqu import cli`` and ``from . import services`` name modules in the names.
            yield module, child.lineno
            for alias in child.names:
                yield f"{module}.{alias.name}", child.lineno
        yield from _imports_in(child, package)


def module_name(path: Path, root: Path) -> str:
    """``yuanqu/parks/views.py`` → ``yuanqu.parks.views``."""
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def read_imports(root: Path) -> tuple[set[str], list[Import]]:
    """Every module under ``root`` (migrations skipped) and its imports of other modules under ``root``."""
    files = [p for p in sorted(root.rglob("*.py")) if "migrations" not in p.relative_to(root).parts]
    modules = {module_name(p, root) for p in files}
    found: list[Import] = []
    for path in files:
        source = module_name(path, root)
        package = source if path.name == "__init__.py" else source.rpartition(".")[0]
        seen: set[str] = set()
        for target, line in _imports_in(ast.parse(path.read_text(), str(path)), package):
            # ``from yuanqu.parks import models`` yields yuanqu.parks and yuanqu.parks.models: keep the longest
            # name that is a module, so each statement counts once.
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != source and (target, line) not in seen:
                seen.add((target, line))
                found.append(Import(source, target, line))
    return modules, _longest_only(found, modules)


def _longest_only(found: list[Import], modules: set[str]) -> list[Import]:
    """Drop ``yuanqu.parks`` when the same statement also imported ``yuanqu.parks.models``."""
    by_statement: dict[tuple[str, int], set[str]] = defaultdict(set)
    for imp in found:
        by_statement[(imp.source, imp.line)].add(imp.target)
    keep = []
    for imp in found:
        siblings = by_statement[(imp.source, imp.line)]
        if any(other.startswith(imp.target + ".") for other in siblings):
            continue
        keep.append(imp)
    return keep


def app_of(module: str) -> str:
    """``yuanqu.parks.views`` → ``parks``; the modules directly under yuanqu/ are the ``project``."""
    parts = module.split(".")
    if parts[0] != ROOT.name:
        return ""
    if len(parts) == 1 or (ROOT / f"{parts[1]}.py").is_file():
        return "project"
    return parts[1]


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm: the circles of ``graph`` (components of more than one node, or a node to itself)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = [0]
    nodes = set(graph) | {t for ts in graph.values() for t in ts}

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1 or node in graph.get(node, ()):
                out.append(sorted(component))

    for node in sorted(nodes):
        if node not in index:
            visit(node)
    return out


def problems(imports: Iterable[Import], floors: dict[str, int],
             pending: Collection[tuple[str, str]] = frozenset()) -> list[str]:
    """Every breach of the floors in ``imports``, as readable lines; empty when the house is in order."""
    out: list[str] = []
    app_graph: dict[str, set[str]] = defaultdict(set)
    module_graph: dict[str, set[str]] = defaultdict(set)
    where: dict[tuple[str, str], list[str]] = defaultdict(list)
    for imp in imports:
        if (imp.source, imp.target) not in pending:
            module_graph[imp.source].add(imp.target)
        src, dst = app_of(imp.source), app_of(imp.target)
        for name in (src, dst):
            if name not in floors:
                out.append(f"{imp.source}:{imp.line}: app {name!r} is not in the floor table")
        if src == dst or src not in floors or dst not in floors or (imp.source, dst) in pending:
            continue
        app_graph[src].add(dst)
        where[(src, dst)].append(f"{imp.source}:{imp.line}")
        if floors[dst] > floors[src]:
            out.append(f"{imp.source}:{imp.line}: {src} (floor {floors[src]}) imports {imp.target} "
                       f"from a higher floor ({dst}, floor {floors[dst]})")
    for component in strongly_connected(app_graph):
        edges = [f"{a}->{b} ({where[(a, b)][0]})" for a in component for b in component if b in app_graph[a]]
        same_floor = len({floors[a] for a in component}) == 1
        kind = "apps of one floor import each other" if same_floor else "apps import each other in a circle"
        out.append(f"{kind}: {', '.join(component)}: {'; '.join(edges)}")
    for component in strongly_connected(module_graph):
        out.append(f"modules import each other in a circle: {', '.join(component)}")
    return sorted(set(out))


def test_the_code_keeps_to_its_floors() -> None:
    """The real code: no upward import, no circle between apps or modules, every app on a floor."""
    _modules, imports = read_imports(ROOT)
    found = problems(imports, FLOORS, pending=PENDING)
    assert not found, "\n".join(found)


def test_every_pending_edge_still_exists() -> None:
    """A PENDING entry that the code no longer has must go, so the set only shrinks."""
    _modules, imports = read_imports(ROOT)
    app_edges = {(i.source, app_of(i.target)) for i in imports}
    module_edges = {(i.source, i.target) for i in imports}
    stale = sorted(e for e in PENDING if e not in app_edges and e not in module_edges)
    assert not stale, f"remove from PENDING, the code no longer has them: {stale}"


def test_core_imports_no_other_app() -> None:
    """Core, the lowest floor, names no other yuanqu app outside TYPE_CHECKING."""
    _modules, imports = read_imports(ROOT)
    assert not [i for i in imports if app_of(i.source) == "core" and app_of(i.target) != "core"]


def test_the_parser_reads_imports_as_python_does(tmp_path: Path) -> None:
    """Relative, lazy, aliased and TYPE_CHECKING imports are read right, on a package written for the test."""
    pkg = tmp_path / "yq"
    (pkg / "low").mkdir(parents=True)
    (pkg / "high").mkdir()
    (pkg / "low" / "migrations").mkdir()
    for d in (pkg, pkg / "low", pkg / "high", pkg / "low" / "migrations"):
        (d / "__init__.py").write_text("")
    (pkg / "low" / "models.py").write_text("X = 1\n")
    (pkg / "low" / "migrations" / "0001.py").write_text("from yq.high import views\n")
    (pkg / "low" / "views.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "from . import models\n"
        "if TYPE_CHECKING:\n"
        "    from yq.high.views import page\n"
        "def f():\n"
        "    import yq.high.views as v\n"
        "    return v\n"
    )
    (pkg / "high" / "views.py").write_text("from yq.low.models import X\nfrom ..low import views\npage = X\n")
    modules, imports = read_imports(pkg)
    assert "yq.low.migrations.0001" not in modules
    assert sorted((i.source, i.target, i.line) for i in imports) == [
        ("yq.high.views", "yq.low.models", 1),
        ("yq.high.views", "yq.low.views", 2),
        ("yq.low.views", "yq.high.views", 6),  # the lazy import counts; the TYPE_CHECKING one does not
        ("yq.low.views", "yq.low.models", 2),
    ]


def _graph(*edges: tuple[str, str]) -> list[Import]:
    return [Import(f"yuanqu.{a}.mod", f"yuanqu.{b}.mod", n) for n, (a, b) in enumerate(edges, start=1)]


def test_the_checker_bites() -> None:
    """Planted faults are reported: an upward import, a same-floor circle, a circle across floors, an unknown app,
    a circle between modules; a clean graph and a PENDING edge are not."""
    floors = {"core": 0, "parks": 2, "enterprises": 3, "investment": 5, "stats": 5}
    assert problems(_graph(("enterprises", "parks"), ("parks", "core"), ("stats", "enterprises")), floors) == []

    upward = problems(_graph(("parks", "enterprises")), floors)
    assert len(upward) == 1 and "parks (floor 2) imports yuanqu.enterprises.mod from a higher floor" in upward[0]

    same_floor = problems(_graph(("investment", "stats"), ("stats", "investment")), floors)
    assert same_floor == ["apps of one floor import each other: investment, stats: "
                          "investment->stats (yuanqu.investment.mod:1); stats->investment (yuanqu.stats.mod:2)",
                          "modules import each other in a circle: yuanqu.investment.mod, yuanqu.stats.mod"]

    circle = problems(_graph(("enterprises", "parks"), ("parks", "core"), ("core", "enterprises")), floors)
    assert any(p.startswith("apps import each other in a circle: core, enterprises, parks") for p in circle)
    assert sum("from a higher floor" in p for p in circle) == 1  # core -> enterprises

    unknown = problems(_graph(("parks", "gadgets")), floors)
    assert unknown == ["yuanqu.parks.mod:1: app 'gadgets' is not in the floor table"]

    modules = [Import("yuanqu.parks.a", "yuanqu.parks.b", 1), Import("yuanqu.parks.b", "yuanqu.parks.a", 1)]
    assert problems(modules, floors) == ["modules import each other in a circle: yuanqu.parks.a, yuanqu.parks.b"]
    assert problems(modules, floors, pending={("yuanqu.parks.a", "yuanqu.parks.b")}) == []
    assert problems(_graph(("parks", "enterprises")), floors, pending={("yuanqu.parks.mod", "enterprises")}) == []
