"""The package's import graph: every module imports, no two modules import each other (directly or round a
cycle), no module imports another's private name, and the analysis modules never import the prose layer.

The graph is read from the source with :mod:`ast` (every ``import`` statement, at the top of a module or inside
a function), so a cycle is found even where a lazy import would hide it at run time.
"""

import ast
import importlib
from pathlib import Path

import pytest

import valduchesse

PACKAGE = Path(valduchesse.__file__).parent


def module_name(path: Path) -> str:
    parts = ("valduchesse",) + path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imports(name: str, path: Path, lazy: bool = True) -> list[tuple[str, str | None, int]]:
    """The package's modules that ``name`` imports: (module, the name taken from it or None, line).

    With ``lazy`` False, only the imports run when the module is imported (not those inside a function).
    """
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = ast.walk(tree) if lazy else [
        node for top in tree.body if not isinstance(top, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        for node in ast.walk(top)]
    found = []
    for node in nodes:
        if isinstance(node, ast.Import):
            found += [(alias.name, None, node.lineno) for alias in node.names if alias.name.startswith("valduchesse")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("valduchesse"):
                continue
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                found.append((submodule, None, node.lineno) if submodule in MODULES
                             else (target, alias.name, node.lineno))
    return found


def graph(lazy: bool = True) -> dict[str, set[str]]:
    return {name: {target for target, _, _ in imports(name, path, lazy) if target != name}
            for name, path in MODULES.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_the_cycle_finder_finds_a_cycle_and_only_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set(), "c": {"a", "b"}}) == []


def test_the_graph_reads_relative_imports():
    edges = graph()
    assert {"valduchesse.power", "valduchesse.prose.words"} <= edges["valduchesse.prose.power"]  # from .. and from .
    assert "valduchesse.corpus_views" in edges["valduchesse.like_with_like"]


def test_the_graph_sees_a_private_name_and_an_import_inside_a_function(tmp_path):
    path = tmp_path / "mod.py"
    path.write_text("from .notebook import _heading_text\n\n\ndef f():\n    from ..run import guard\n", encoding="utf-8")
    found = imports("valduchesse.report.mod", path)
    assert ("valduchesse.report.notebook", "_heading_text", 1) in found
    assert ("valduchesse.run.guard", None, 5) in found
    assert ("valduchesse.run.guard", None, 5) not in imports("valduchesse.report.mod", path, lazy=False)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_module_imports(name):
    if name == "valduchesse.__main__":
        pytest.skip("runs the command line when imported")
    importlib.import_module(name)


def test_no_module_of_the_package_imports_another_in_a_cycle():
    assert cycles(graph(lazy=False)) == []


def test_no_cycle_through_an_import_inside_a_function_either():
    assert cycles(graph()) == []


def test_every_name_taken_from_another_module_is_in_its_all():
    public = {}
    for name, path in MODULES.items():
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in node.targets):
                public[name] = set(ast.literal_eval(node.value))
    outside = [f"{name}:{line} takes {taken} from {target}" for name, path in MODULES.items()
               for target, taken, line in imports(name, path)
               if taken and not taken.startswith("_") and target in public and taken not in public[target]]
    assert outside == []


def test_no_module_imports_a_private_name_of_another():
    private = {f"{name} takes {taken} from {target}" for name, path in MODULES.items()
               for target, taken, _ in imports(name, path)
               if taken and taken.startswith("_") and not taken.startswith("__") and target != name}
    assert private == set()


def test_the_analysis_modules_never_import_the_prose_layer():
    tooling = {"valduchesse", "valduchesse.__main__", "valduchesse.cli"}  # the command line prints prose
    analysis = [name for name, path in MODULES.items() if path.parent == PACKAGE and name not in tooling]
    assert "valduchesse.keyness" in analysis and "valduchesse.prose.keyness" not in analysis
    edges = graph()
    wrong = [f"{name} imports {target}" for name in analysis
             for target in edges[name] if target.startswith("valduchesse.prose")]
    assert wrong == []
