"""The package's shape: no import cycles, no private names across packages, nothing heavy at import
time, and a package list that installs every folder (the wheel check in .ci/run builds on these)."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib

from helpers import REPO

PKG = REPO / "pipeline"


def _modules() -> dict[str, object]:
    out = {}
    for f in sorted(PKG.rglob("*.py")):
        parts = f.relative_to(REPO).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = f
    return out


def _imports(path) -> list[tuple[str, str]]:
    """(module, name) for every ``from pipeline... import name`` outside ``if TYPE_CHECKING`` blocks,
    function-level (lazy) imports included: a lazy import is still a dependency."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
                   for n in ast.walk(node)}
    out = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("pipeline"):
            out += [(node.module, a.name) for a in node.names]
        elif isinstance(node, ast.Import):
            out += [(a.name, "") for a in node.names if a.name.startswith("pipeline")]
    return out


def _graph() -> dict[str, set[str]]:
    mods = _modules()
    graph: dict[str, set[str]] = {m: set() for m in mods}
    for m, path in mods.items():
        for mod, name in _imports(path):
            target = f"{mod}.{name}" if f"{mod}.{name}" in mods else mod
            if target in mods and target != m:
                graph[m].add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in graph:
        if v not in index:
            visit(v)
    return found


def test_no_import_cycles():
    assert _cycles(_graph()) == []


def test_cycle_detection_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def _package(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 2 else parts[0]


def test_no_private_name_imported_across_packages():
    bad = []
    for m, path in _modules().items():
        for mod, name in _imports(path):
            if name.startswith("_") and not name.startswith("__") and _package(mod) != _package(m):
                bad.append(f"{m} imports {mod}.{name}")
    assert bad == []


def test_stage_folders_follow_the_pipeline():
    folders = {p.name for p in PKG.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert {"core", "extract", "structure", "detect", "themes", "summarise", "draft", "archive", "scale",
            "web"} <= folders
    # core depends on nothing else of the package (besides the version constants)
    for m, deps in _graph().items():
        if m.startswith("pipeline.core"):
            assert all(d.startswith("pipeline.core") or d == "pipeline" for d in deps), (m, deps)


def test_every_package_is_installed():
    """setuptools lists the packages by hand (models/ is installed as pipeline.models)."""
    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    on_disk = {m for m, p in _modules().items() if str(p).endswith("__init__.py")}
    assert on_disk | {"pipeline.models"} == listed


def test_every_module_imports_without_loading_a_model():
    code = ("import sys, pkgutil, importlib, pipeline\n"
            "for m in pkgutil.walk_packages(pipeline.__path__, 'pipeline.'):\n"
            "    importlib.import_module(m.name)\n"
            "heavy = [m for m in ('torch', 'spacy', 'transformers', 'matplotlib') if m in sys.modules]\n"
            "print(','.join(heavy))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=600)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", f"imported at import time: {out.stdout.strip()}"


def test_models_are_read_through_the_package():
    from pipeline.core.resources import model_path

    assert model_path("themes.toml").is_file() and model_path("spacy", "entity_patterns.jsonl").is_file()
    hard_coded = [str(p.relative_to(REPO)) for p in PKG.rglob("*.py")
                  if re.search(r"__file__.*models|/ \"models\"|parents?\[?\d?\]? / \"models", p.read_text(encoding="utf-8"))]
    assert hard_coded == []
