"""The three places that name the dependencies must agree: pyproject.toml, the lock, environment.yml."""

import re
import tomllib

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


def direct_dependencies() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [Requirement(spec) for spec in project["dependencies"]]


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
    assert "-e ." in lines and "-c requirements.txt" in lines


def test_locked_versions_satisfy_pyproject():
    lock = lock_pins()
    for requirement in direct_dependencies():
        version = lock[canonicalize_name(requirement.name)]
        assert requirement.specifier.contains(version), f"{requirement.name}=={version} vs {requirement}"


def test_environment_yml_and_lock_use_python_311():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert "python=3.11" in environment["dependencies"]


def test_readme_says_why_each_dependency_is_there():
    readme = (ROOT / "README.md").read_text(encoding="utf-8").lower()
    section = readme.split("## dependencies", 1)[1].split("\n## ", 1)[0]
    for requirement in direct_dependencies():
        assert f"`{requirement.name.lower()}`" in section, f"README does not explain {requirement.name}"
