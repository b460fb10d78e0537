"""Notebook 05 runs, through the runner, on a second corpus and names only its texts.

A run of a whole notebook on another corpus, as the generated-corpora suite's: marked ``slow``, so it runs in
``make test-slow`` (CI runs it after ``make test``), not in ``make test``.
"""

import shutil

import nbformat
import pytest

from valduchesse.cli import main

from conftest import ROOT, TEXTS, committed_results

pytestmark = pytest.mark.slow

NOTEBOOK = ROOT / "notebooks" / "05_your_own_corpus.ipynb"


def outputs_text(path):
    notebook = nbformat.read(path, as_version=4)
    parts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            parts.append(output.get("text", ""))
            parts.extend(str(v) for k, v in output.get("data", {}).items() if k.startswith("text/"))
    return "\n".join(parts)


def test_template_runs_on_a_subset_and_leaves_the_committed_files_alone(tmp_path, monkeypatch):
    corpus = tmp_path / "my_texts"
    corpus.mkdir()
    french = sorted(TEXTS.glob("*_fr_*.txt"))
    for path in french:
        shutil.copy(path, corpus)
    before = committed_results()
    monkeypatch.chdir(ROOT)

    status = main(["run", str(NOTEBOOK), "-p", "TEXTS_DIR", str(corpus), "--output", str(tmp_path / "out")])

    assert status == 0
    executed = tmp_path / "out" / NOTEBOOK.name
    text = outputs_text(executed)
    for path in french:
        assert path.stem in text
    for path in sorted(TEXTS.glob("*.txt")):
        if path not in french:
            assert path.stem not in text, f"{path.stem} is not in the test corpus"
    for name in ("your_corpus_keyness", "your_corpus_theme_shares"):
        for suffix in (".png", ".svg"):
            assert (tmp_path / "out" / "figures" / f"{name}{suffix}").stat().st_size > 0
    injected = [c for c in nbformat.read(executed, as_version=4).cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert f"TEXTS_DIR = {str(corpus)!r}" in injected[0].source
    assert committed_results() == before
