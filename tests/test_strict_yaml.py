"""valduchesse.strict_yaml: the one strict YAML loader reads what the safe loader reads and refuses the rest."""

import pytest
import yaml

from valduchesse.fetch.allowlist import ALLOW_LIST_PATH
from valduchesse.strict_yaml import StrictLoader, YAMLRefused, load_yaml, parse_yaml

from conftest import ROOT


def test_the_strict_loader_reads_the_projects_yaml_as_the_safe_loader_does():
    for path in (ROOT / "themes.yml", ALLOW_LIST_PATH):
        assert load_yaml(path) == yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("text, problem", [
    ("a: &x 1\nb: *x\n", "an anchor ('&x')"),
    ("a: [" * 20 + "]" * 20, "nested more than 16 deep"),
    ("a: 1\na: 2\n", "the key 'a' is written twice in one mapping (lines 1 and 2)"),
    ("{a: 1, a: 2}", "the key 'a' is written twice in one mapping (line 1, columns 2 and 8)"),
    ("x:\n  2016-02-01: y\n", "the key datetime.date(2016, 2, 1) is not text"),
    ("true: 1\n", "the key True is not text"),
])
def test_the_strict_loader_refuses(text, problem):
    with pytest.raises(YAMLRefused) as error:
        parse_yaml(text)
    assert problem in error.value.problem


def test_a_subclass_of_the_loader_keeps_its_own_words():
    class Header(StrictLoader):
        what = "a header"

    with pytest.raises(YAMLRefused, match=r"are not allowed in a header"):
        parse_yaml("a: *x\n", Header)
