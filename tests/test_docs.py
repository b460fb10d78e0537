"""The README is for newcomers (short, the two commands, adapting, citing); the rest is in docs/, linked from it.

Every relative link of the README and of docs/ must lead to a file (and a README heading) that exists.
"""

import re
from pathlib import Path

import pytest

from conftest import ROOT

README = ROOT / "README.md"
DOCS = ROOT / "docs"
MAX_WORDS = 2100

LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def pages() -> list[Path]:
    return sorted(DOCS.glob("*.md"))


def relative_links(text: str) -> list[str]:
    """The targets of the Markdown links in ``text`` that are not web addresses, code blocks left out."""
    outside_code = re.sub(r"```.*?```", "", text, flags=re.DOTALL)
    return [target for target in LINK.findall(outside_code) if not re.match(r"[a-z]+:", target)]


def anchors(path: Path) -> set[str]:
    """The anchors GitHub makes of a Markdown file's headings: lower case, punctuation dropped, spaces to hyphens."""
    headings = re.findall(r"^#+ (.+)$", re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.DOTALL),
                          flags=re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-") for heading in headings}


def broken_links(path: Path) -> list[str]:
    broken = []
    for target in relative_links(path.read_text(encoding="utf-8")):
        file, _, anchor = target.partition("#")
        resolved = (path.parent / file).resolve() if file else path
        if not resolved.exists():
            broken.append(f"{target} (no {resolved})")
        elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
            broken.append(f"{target} (no heading #{anchor} in {resolved.name})")
    return broken


def test_the_readme_stays_short():
    words = len(README.read_text(encoding="utf-8").split())
    assert words <= MAX_WORDS, f"README.md has {words} words, at most {MAX_WORDS}: move detail to a page of docs/"


def test_the_readme_gives_what_a_newcomer_needs_first():
    text = README.read_text(encoding="utf-8")
    headings = re.findall(r"^## (.+)$", text, flags=re.MULTILINE)
    for needed in ("Two commands", "Adapting the analyses", "How to cite"):
        assert needed in headings, f"README.md has no section {needed!r}"
    assert headings.index("Two commands") < headings.index("Adapting the analyses") < headings.index("How to cite")
    commands = re.search(r"## Two commands.*?```bash\n(.*?)```", text, flags=re.DOTALL).group(1)
    assert [line.split()[:2] for line in commands.splitlines()] == [["make", "run"], ["make", "test"]]
    assert "**What the texts held show**" in text.split("## Two commands")[0]  # the finding comes first


def test_every_page_of_docs_is_linked_from_the_readme():
    assert pages(), "docs/ holds no page"
    linked = {(ROOT / target.partition("#")[0]).resolve() for target in relative_links(README.read_text(encoding="utf-8"))}
    missing = [page.name for page in pages() if page.resolve() not in linked]
    assert not missing, f"pages of docs/ the README does not link: {missing}"


@pytest.mark.parametrize("path", [README, *pages()], ids=lambda path: path.name)
def test_every_relative_link_resolves(path):
    assert not broken_links(path)


@pytest.mark.parametrize("path", pages(), ids=lambda path: path.name)
def test_every_page_starts_with_a_title_and_leads_back_to_the_readme(path):
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# "), path.name
    assert "](../README.md)" in text, path.name


def test_the_link_check_finds_a_missing_file_and_a_missing_heading(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "other.md").write_text("# Other page\n\n## Known heading\n", encoding="utf-8")
    page = tmp_path / "docs" / "page.md"
    page.write_text("# Page\n\n[a](../other.md#known-heading) [b](../gone.md) [c](../other.md#unknown)\n"
                    "[web](https://example.org/x) [own](#page)\n```\n[in code](nowhere.md)\n```\n", encoding="utf-8")
    broken = broken_links(page)
    assert len(broken) == 2 and broken[0].startswith("../gone.md") and "no heading #unknown" in broken[1]
