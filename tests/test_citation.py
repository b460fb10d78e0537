"""The project can be cited and reused: a valid CITATION.cff, a LICENSE that says what it covers."""

import json
import tomllib

import jsonschema
import yaml

from conftest import ROOT

SCHEMA = ROOT / "tests" / "data" / "citation-file-format-1.2.0.schema.json"


def citation() -> dict:
    # the CFF schema expects strings where YAML would read dates
    return yaml.load((ROOT / "CITATION.cff").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)


def test_citation_file_is_valid_against_the_citation_file_format_schema():
    jsonschema.validate(citation(), json.loads(SCHEMA.read_text(encoding="utf-8")))


def test_citation_licence_version_and_authors_agree_with_the_package():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert citation()["version"] == project["version"]
    assert citation()["license"] == "MIT" == project["license"]  # an SPDX expression (PEP 639)
    assert project["license-files"] == ["LICENSE"]
    assert [author["name"] for author in citation()["authors"]] == [author["name"] for author in project["authors"]]
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("MIT License") and "texts/" in licence
