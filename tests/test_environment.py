"""The three places that name the dependencies must agree: pyproject.toml, the lock, environment.yml.

And the package installs next year: every package the code imports is declared (the runtime ones as
dependencies, the test tools in the extra ``test``), and building its metadata draws no deprecation warning.
"""

import ast
import json
import re
import shutil
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from conftest import ROOT


def lock_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pins[canonicalize_name(name)] = version
    return pins


def environment_pip_lines() -> list[str]:
    environment = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip_section = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
    return pip_section


def environment_pins() -> dict[str, str]:
    pins = {}
    for line in environment_pip_lines():
        if "==" in line:
            name, version = line.split("==")
            pins[canonicalize_name(name)] = version
    return pins


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def runtime_dependencies() -> list[Requirement]:
    return [Requirement(spec) for spec in project()["dependencies"]]


def extra_dependencies(extra: str) -> list[Requirement]:
    return [Requirement(spec) for spec in project()["optional-dependencies"][extra]]


def direct_dependencies() -> list[Requirement]:
    """The runtime dependencies and those of every extra."""
    extras = project().get("optional-dependencies", {})
    return runtime_dependencies() + [requirement for extra in sorted(extras) for requirement in extra_dependencies(extra)]


def test_every_lock_line_is_an_exact_pin():
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        assert line.startswith("#") or re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[\w.+\-]+", line), line


def test_environment_yml_pins_the_same_versions_as_the_lock():
    lock = lock_pins()
    for name, version in environment_pins().items():
        assert lock.get(name) == version, f"{name}: environment.yml {version}, requirements.txt {lock.get(name)}"


def test_environment_yml_lists_every_direct_dependency_and_the_package():
    pinned = environment_pins()
    for requirement in direct_dependencies():
        assert canonicalize_name(requirement.name) in pinned, f"{requirement.name} missing from environment.yml"
    lines = environment_pip_lines()
    assert "-e .[test,lab]" in lines and "-c requirements.txt" in lines


def test_locked_versions_satisfy_pyproject():
    lock = lock_pins()
    for requirement in direct_dependencies():
        version = lock[canonicalize_name(requirement.name)]
        assert requirement.specifier.contains(version), f"{requirement.name}=={version} vs {requirement}"


def test_environment_yml_and_lock_use_python_311():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert "python=3.11" in environment["dependencies"]


def test_docs_say_why_each_dependency_is_there():
    page = (ROOT / "docs" / "dependencies.md").read_text(encoding="utf-8").lower()
    tables = [line for line in page.splitlines() if line.startswith("| `")]
    for requirement in direct_dependencies():
        assert any(line.startswith(f"| `{requirement.name.lower()}` |") for line in tables), \
            f"docs/dependencies.md does not explain {requirement.name}"


TEST_TOOLS = {"pytest", "pytest-xdist", "nbval", "selenium", "jsonschema", "packaging", "setuptools"}
LAB_TOOLS = {"jupyterlab"}


def names(requirements: list[Requirement]) -> set[str]:
    return {canonicalize_name(requirement.name) for requirement in requirements}


def test_test_and_lab_tools_are_extras_not_runtime_dependencies():
    runtime = names(runtime_dependencies())
    assert runtime.isdisjoint(TEST_TOOLS | LAB_TOOLS), sorted(runtime & (TEST_TOOLS | LAB_TOOLS))
    assert names(extra_dependencies("test")) == TEST_TOOLS
    assert names(extra_dependencies("lab")) == LAB_TOOLS


def imported_top_names(sources: list[str]) -> set[str]:
    """The top-level names of the modules that ``sources`` import (absolute imports only)."""
    found = set()
    for source in sources:
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found


def distributions_of(top_names: set[str]) -> dict[str, set[str]]:
    """Each third-party import name and the installed distributions that provide it (none for a local module)."""
    provided = packages_distributions()
    local = {"valduchesse", "conftest"} | {path.stem for path in (ROOT / "tests").glob("test_*.py")}
    third_party = sorted(name for name in top_names if name not in sys.stdlib_module_names and name not in local)
    return {name: {canonicalize_name(dist) for dist in provided.get(name, [])} for name in third_party}


def undeclared(top_names: set[str], declared: set[str]) -> list[str]:
    return [f"{name} (from {', '.join(sorted(dists)) or 'no installed distribution'})"
            for name, dists in distributions_of(top_names).items() if not dists & declared]


def notebook_sources() -> list[str]:
    sources = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        sources += ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "code"]
    return sources


def test_every_package_the_package_and_the_notebooks_import_is_a_runtime_dependency():
    package = ROOT / "src" / "valduchesse"
    sources = [path.read_text(encoding="utf-8") for path in sorted(package.rglob("*.py"))
               if package / "testing" not in path.parents] + notebook_sources()
    missing = undeclared(imported_top_names(sources), names(runtime_dependencies()))
    assert not missing, f"imported but not in pyproject.toml's dependencies: {missing}"


def test_every_package_the_tests_import_is_declared():
    sources = [path.read_text(encoding="utf-8") for path in sorted((ROOT / "tests").glob("*.py"))]
    sources += [path.read_text(encoding="utf-8") for path in sorted((ROOT / "src" / "valduchesse" / "testing").glob("*.py"))]
    missing = undeclared(imported_top_names(sources), names(runtime_dependencies() + extra_dependencies("test")))
    assert not missing, f"imported by the tests but neither a dependency nor in the extra 'test': {missing}"


def test_an_undeclared_import_is_found():
    # the check above on a made-up module that imports a test tool, against the runtime dependencies only
    found = undeclared(imported_top_names(["import pytest\nfrom selenium import webdriver\nimport os, pandas"]),
                       names(runtime_dependencies()))
    assert found == ["pytest (from pytest)", "selenium (from selenium)"]


BUILD_METADATA = """\
import sys, warnings
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    from setuptools import build_meta
    folder = build_meta.prepare_metadata_for_build_wheel(sys.argv[1])
for warning in caught:
    print("warning:", warning.category.__module__ + "." + warning.category.__name__, str(warning.message).replace("\\n", " "))
print("metadata:", folder)
"""


def build_metadata(project_folder, output) -> tuple[list[str], str]:
    """Build the package's metadata with setuptools' backend in a fresh process: (the warnings, METADATA)."""
    output.mkdir()
    done = subprocess.run([sys.executable, "-c", BUILD_METADATA, str(output)], cwd=project_folder,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    folder = next(line.split(": ", 1)[1] for line in lines if line.startswith("metadata: "))
    return ([line for line in lines if line.startswith("warning: ")],
            (output / folder / "METADATA").read_text(encoding="utf-8"))


def copy_project(target):
    """What a build reads (pyproject.toml, README.md, LICENSE, src/), copied so that the build writes nothing here."""
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, target / name)
    shutil.copytree(ROOT / "src", target / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))


@pytest.mark.slow
def test_building_the_metadata_draws_no_deprecation_warning(tmp_path):
    copy_project(tmp_path)
    warnings, metadata = build_metadata(tmp_path, tmp_path / "metadata")
    deprecations = [line for line in warnings if "Deprecation" in line or "FutureWarning" in line]
    assert not deprecations, deprecations
    fields = [line for line in metadata.splitlines() if ": " in line]
    assert "License-Expression: MIT" in fields and "License-File: LICENSE" in fields
    assert {"Provides-Extra: test", "Provides-Extra: lab"} <= set(fields)
    assert 'Requires-Dist: jupyterlab>=4.6; extra == "lab"' in fields


@pytest.mark.slow
def test_the_old_license_table_draws_the_deprecation_warning(tmp_path):
    # the build check above can fail: with the license as a TOML table, setuptools says it is deprecated
    copy_project(tmp_path)
    pyproject = tmp_path / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    assert 'license = "MIT"\nlicense-files = ["LICENSE"]\n' in text
    pyproject.write_text(text.replace('license = "MIT"\nlicense-files = ["LICENSE"]\n', 'license = { text = "MIT" }\n'),
                         encoding="utf-8")
    warnings, _ = build_metadata(tmp_path, tmp_path / "metadata")
    assert any("SetuptoolsDeprecationWarning" in line and "license" in line for line in warnings), warnings


@pytest.mark.slow
def test_make_lab_and_make_kernel_call_tasks_py_which_allows_root_and_registers_the_kernel():
    """`make lab` runs `tasks.py lab`, which adds --allow-root exactly when run as root (JupyterLab refuses root
    otherwise); `make kernel` runs `tasks.py kernel`, which registers the kernel (tests/test_tasks.py has the rest)."""
    import os
    if shutil.which("make") is None:
        pytest.skip("no make on this machine: the README's commands without make apply")
    environment = {name: value for name, value in os.environ.items()
                   if name not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"}}  # not a sub-make of make test
    lab = subprocess.run(["make", "--no-print-directory", "-n", "lab"], cwd=ROOT, env=environment,
                         capture_output=True, text=True, check=True).stdout
    assert lab.splitlines() == ["python3.11 tasks.py --venv .venv lab"], lab
    command = subprocess.run([sys.executable, "tasks.py", "--dry-run", "lab"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.splitlines()[-1]
    assert "-m jupyter lab notebooks" in command and command.endswith("--allow-root") == (os.geteuid() == 0), command
    kernel = subprocess.run([sys.executable, "tasks.py", "--dry-run", "kernel"], cwd=ROOT, capture_output=True,
                            text=True, check=True).stdout
    assert "-m ipykernel install --user --name valduchesse" in kernel


def universal_pins() -> list[tuple[str, str, str]]:
    """(name, version, marker) of each pin of requirements-universal.txt; the marker is "" when there is none."""
    pins = []
    for line in (ROOT / "requirements-universal.txt").read_text(encoding="utf-8").splitlines():
        requirement = line.split("#", 1)[0].strip()
        if requirement:
            spec, _, marker = requirement.partition(";")
            name, version = spec.strip().split("==")
            pins.append((canonicalize_name(name), version, marker.strip()))
    return pins


def universal_pins_for(platform: str, python: str = "3.11.7") -> dict[str, str]:
    """The pins of the universal lock that pip installs on ``platform`` (a sys.platform value), with Python 3.11."""
    from packaging.markers import Marker
    os_name = "nt" if platform == "win32" else "posix"
    environment = {"sys_platform": platform, "os_name": os_name, "platform_system": {"win32": "Windows",
                   "darwin": "Darwin", "linux": "Linux"}[platform], "python_version": python.rsplit(".", 1)[0],
                   "python_full_version": python, "implementation_name": "cpython",
                   "platform_python_implementation": "CPython"}
    return {name: version for name, version, marker in universal_pins()
            if not marker or Marker(marker).evaluate(environment)}


def test_the_universal_lock_pins_linux_exactly_as_the_lock():
    assert universal_pins_for("linux") == lock_pins()


@pytest.mark.parametrize("platform", ["win32", "darwin"])
def test_the_universal_lock_pins_the_lock_s_versions_and_the_platform_s_own_packages(platform):
    lock, pins = lock_pins(), universal_pins_for(platform)
    for name, version in pins.items():
        assert lock.get(name, version) == version, f"{name}: universal {version}, requirements.txt {lock[name]}"
    extra = set(pins) - set(lock)
    assert extra, f"the universal lock holds no package for {platform} only"
    assert all(name in (ROOT / "requirements-universal.txt").read_text(encoding="utf-8") for name in extra)
    for requirement in direct_dependencies():
        assert canonicalize_name(requirement.name) in pins, f"{requirement.name} is not pinned for {platform}"


def test_the_universal_lock_has_windows_and_macos_packages_and_exact_pins_only():
    marked = {name: marker for name, _, marker in universal_pins() if marker}
    assert any("win32" in marker or "'nt'" in marker for marker in marked.values()), marked
    assert any("darwin" in marker for marker in marked.values()), marked
    assert len({name for name, _, _ in universal_pins()}) == len(universal_pins())  # one pin per package


def test_the_marker_evaluation_above_can_fail():
    # a Linux-only pin would be missing on Windows: the comparison sees a platform's set, not the file's lines
    assert "colorama" in universal_pins_for("win32") and "colorama" not in universal_pins_for("linux")
    assert "appnope" in universal_pins_for("darwin") and "appnope" not in universal_pins_for("win32")


ONLY_RUNTIME = """\
import ast, importlib, importlib.abc, importlib.metadata as metadata, json, sys
from pathlib import Path
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

root, runtime = Path(sys.argv[1]), json.loads(sys.argv[2])
closure, done, todo = {"valduchesse"}, set(), [Requirement(spec) for spec in runtime]  # and the package itself
while todo:  # every distribution the runtime dependencies need (with the extras they ask for; other platforms' left out)
    wanted = todo.pop()
    name, extras = canonicalize_name(wanted.name), ("", *sorted(wanted.extras))
    if (name, extras) in done:
        continue
    done.add((name, extras))
    closure.add(name)
    for spec in metadata.requires(name) or []:
        requirement = Requirement(spec)
        if requirement.marker is None or any(requirement.marker.evaluate({"extra": extra}) for extra in extras):
            todo.append(requirement)
provided = {top: {canonicalize_name(d) for d in dists} for top, dists in metadata.packages_distributions().items()}


class OnlyRuntime(importlib.abc.MetaPathFinder):
    # a module of an installed distribution outside the closure is missing, as after `pip install .`
    def find_spec(self, name, path=None, target=None):
        dists = provided.get(name.split(".")[0], set())
        if dists and not dists & closure:
            raise ModuleNotFoundError(f"No module named {name!r} ({', '.join(sorted(dists))} is no runtime dependency)")
        return None


sys.meta_path.insert(0, OnlyRuntime())
package = root / "src" / "valduchesse"
modules = sorted(".".join(["valduchesse", *p.relative_to(package).with_suffix("").parts]).removesuffix(".__init__")
                 for p in package.rglob("*.py") if p.name != "__main__.py" and "testing" not in p.parts)
imports = []
for notebook in sorted((root / "notebooks").glob("*.ipynb")):
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] == "code":
            tree = ast.parse("".join(cell["source"]))
            imports += [ast.unparse(node) for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))]
failed = []
for module in modules:
    try:
        importlib.import_module(module)
    except ImportError as error:
        failed.append(f"{module}: {error}")
for statement in sorted(set(imports)):
    try:
        exec(statement, {})
    except ImportError as error:
        failed.append(f"{statement}: {error}")
print(json.dumps({"modules": len(modules), "statements": len(set(imports)), "failed": failed,
                  "blocked": sorted({d for dists in provided.values() for d in dists if d not in closure})}))
"""


def only_runtime(root, runtime: list[str]) -> dict:
    """Import every module of the package and every import statement of the notebooks with only the distributions
    ``runtime`` needs available (the others raise ModuleNotFoundError, as after ``pip install .``)."""
    done = subprocess.run([sys.executable, "-c", ONLY_RUNTIME, str(root), json.dumps(runtime)], capture_output=True,
                          text=True, check=True, cwd=root)
    return json.loads(done.stdout)


@pytest.mark.slow
def test_with_only_the_runtime_dependencies_every_module_and_every_notebook_import_works():
    found = only_runtime(ROOT, [str(requirement) for requirement in runtime_dependencies()])
    assert found["failed"] == [], found["failed"]
    assert found["modules"] > 60 and found["statements"] > 20
    assert {"pytest", "nbval", "selenium", "jupyterlab"} <= set(found["blocked"])  # the extras are truly missing


@pytest.mark.slow
def test_a_module_that_needs_more_than_the_runtime_dependencies_is_found():
    found = only_runtime(ROOT, [str(r) for r in runtime_dependencies() if canonicalize_name(r.name) != "scikit-learn"])
    assert any(line.startswith("valduchesse.terms: No module named 'sklearn'") for line in found["failed"])


def test_the_package_urls_are_the_repository_address_of_citation_cff():
    # No public address is known yet (CITATION.cff has no repository-code), and none is made up: the package then
    # declares no URLs. Once CITATION.cff names the repository, pyproject.toml must give it as the Source URL.
    citation = yaml.load((ROOT / "CITATION.cff").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    repository = citation.get("repository-code")
    urls = project().get("urls", {})
    if repository is None:
        assert urls == {}, f"pyproject.toml gives URLs {urls} but CITATION.cff names no repository-code"
    else:
        assert urls.get("Source") == repository, f"CITATION.cff names {repository}: give it as Source in [project.urls]"
