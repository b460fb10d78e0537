"""Binder builds the same pinned environment, and the README's Binder link follows the repository's address.

repo2docker reads binder/ only (a ``-r ../requirements.txt`` there is not followed), so binder/requirements.txt is
a copy of the lock that ``make lock`` writes; these tests check, offline, that it resolves to the lock.
"""

import os
import re
import stat
import subprocess

import yaml
from packaging.utils import canonicalize_name

from conftest import ROOT

BINDER = ROOT / "binder"
BADGE_IMAGE = "https://mybinder.org/badge_logo.svg"
LINK_PATTERN = "https://mybinder.org/v2/gh/OWNER/REPO/HEAD?labpath=notebooks%2F00_corpus.ipynb"


def pins(path) -> dict[str, str]:
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            assert re.fullmatch(r"[A-Za-z0-9_.\-]+==[\w.+\-]+", line), f"{path.name}: not an exact pin: {line}"
            name, version = line.split("==")
            found[canonicalize_name(name)] = version
    return found


def test_binder_installs_exactly_the_lock_s_pins():
    assert pins(BINDER / "requirements.txt") == pins(ROOT / "requirements.txt")


def test_binder_s_requirements_name_no_file_outside_binder():
    # repo2docker installs binder/requirements.txt before it copies the repository: no -r, -c, -e or local path
    for line in (BINDER / "requirements.txt").read_text(encoding="utf-8").splitlines():
        assert not line.startswith(("-", ".", "/")), line


def test_binder_s_python_is_the_lock_s():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda_python = next(d for d in environment["dependencies"] if isinstance(d, str) and d.startswith("python="))
    assert (BINDER / "runtime.txt").read_text(encoding="utf-8").strip() == "python-" + conda_python.split("=")[1]


def test_post_build_installs_the_package_without_dependencies_and_builds_the_caches():
    post_build = BINDER / "postBuild"
    assert post_build.stat().st_mode & stat.S_IXUSR, "binder/postBuild must be executable"
    mode = subprocess.run(["git", "ls-files", "--stage", "binder/postBuild"], cwd=ROOT, capture_output=True,
                          text=True).stdout
    assert not mode or mode.startswith("100755"), f"binder/postBuild is committed without its executable bit: {mode}"
    commands = [line for line in post_build.read_text(encoding="utf-8").splitlines()
                if line and not line.startswith("#")]
    assert commands[0] == "set -euo pipefail"
    assert 'python -m pip install --quiet --no-deps --editable ".[test,lab]"' in commands
    assert "python -m valduchesse.lemma_cache > /dev/null" in commands
    assert not any("install" in line and "--no-deps" not in line for line in commands)  # nothing beyond the lock


def repository_code() -> str | None:
    citation = yaml.load((ROOT / "CITATION.cff").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    return citation.get("repository-code")


def expected_badge(repository: str | None) -> str | None:
    """The README's Binder badge for a repository address on GitHub (None for none or another host)."""
    found = re.fullmatch(r"https://github\.com/([\w.\-]+)/([\w.\-]+?)(?:\.git)?/?", repository or "")
    if not found:
        return None
    link = LINK_PATTERN.replace("OWNER", found.group(1)).replace("REPO", found.group(2))
    return f"[![Binder]({BADGE_IMAGE})]({link})"


def test_the_badge_follows_the_repository_address_of_citation_cff():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    setup_page = (ROOT / "docs" / "setup.md").read_text(encoding="utf-8")
    badge = expected_badge(repository_code())
    if badge is None:  # no public address known: no badge with a made-up one, and the pattern is documented
        assert "mybinder.org/badge" not in readme and "mybinder.org/v2/gh/" not in readme.replace(LINK_PATTERN, "")
        assert LINK_PATTERN in setup_page and "repository-code" in setup_page
    else:
        assert badge in readme, f"CITATION.cff names {repository_code()}: put {badge} in README.md"


def test_the_badge_rule_sees_a_github_address():
    assert expected_badge("https://github.com/someone/val-duchesse") == (
        "[![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/someone/val-duchesse/HEAD"
        "?labpath=notebooks%2F00_corpus.ipynb)")
    assert expected_badge("https://github.com/someone/val-duchesse.git") == expected_badge(
        "https://github.com/someone/val-duchesse")
    assert expected_badge("https://gitlab.com/someone/val-duchesse") is None and expected_badge(None) is None


def test_the_link_pattern_opens_notebook_00_which_is_in_the_collection():
    labpath = LINK_PATTERN.split("labpath=")[1].replace("%2F", "/")
    assert (ROOT / labpath).is_file()
    assert os.path.basename(labpath) in (ROOT / "notebooks" / "collection.txt").read_text(encoding="utf-8")
