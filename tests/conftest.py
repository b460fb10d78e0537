"""Shared fixtures: the project's folders and a writer of small test texts."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TEXTS = ROOT / "texts"

GOOD_HEADER = {
    "meeting_date": "2016-02-01",
    "place": "Brussels",
    "language": "fr",
    "kind": "joint declaration",
    "title": "Test text (test data, not an official text)",
    "source_url": "https://example.org/test",
    "coverage": "opening excerpt",
}


def header_lines(fields: dict) -> str:
    return "".join(f"{key}: {value}\n" for key, value in fields.items())


@pytest.fixture
def write_text(tmp_path):
    """Write a text file into a fresh folder: ``write_text(name, body, **header changes)``.

    A header value of None leaves the field out; ``chars`` defaults to the
    body's length. Returns the folder.
    """
    folder = tmp_path / "texts"
    folder.mkdir()

    def write(name="2016-02-01_fr_test.txt", body="Les deux pays coopèrent.", **changes):
        fields = {**GOOD_HEADER, "chars": len(body), **changes}
        fields = {key: value for key, value in fields.items() if value is not None}
        (folder / name).write_text(f"---\n{header_lines(fields)}---\n{body}\n", encoding="utf-8")
        return folder

    return write


@pytest.fixture(autouse=True)
def notebook_times(tmp_path_factory, monkeypatch):
    """Runs started by a test keep their notebooks' times in a file of the test session, not the user's cache."""
    from valduchesse import runner

    path = tmp_path_factory.getbasetemp() / "notebook-times.json"
    monkeypatch.setattr(runner, "times_file", lambda: path)
    return path
