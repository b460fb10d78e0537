"""Every notebook of the collection, on corpora of many shapes, with only -p TEXTS_DIR: never a bare exception.

Issue 20, item 1. For each shape of :data:`valduchesse.testing.corpora.SHAPES` (one text, two texts, only
communiqués, no complete text, one language, four languages, no hand codes, no numbered sections, very
short texts, one sentence, …; the texts written are test data, not official texts, and the others are
unedited copies of texts/), every notebook of notebooks/collection.txt is run with only ``TEXTS_DIR``
given, into a scratch folder. Each notebook must either run, showing the test corpus and saying what it
left out, or stop with the project's own clear error (:class:`~valduchesse.corpus_checks.CorpusLacks`,
or another :class:`~valduchesse.files.InputError`), whose message says what to fix and names a parameter.
A ``ValueError``, ``IndexError``, ``KeyError`` … from library code fails the test. The committed
notebooks and figures stay untouched.

Slow (every notebook once per shape): marked ``slow``, run by ``make test-slow``.
"""

import re

import nbformat
import pytest

from valduchesse.cli import main
from valduchesse.corpus import load_corpus
from valduchesse.run.notebooks import collection_list
from valduchesse.testing.corpora import SHAPES, make_corpus

from conftest import ROOT, TEXTS, committed_results

pytestmark = pytest.mark.slow

NOTEBOOKS = collection_list(ROOT / "notebooks")
CLEAR_ERRORS = {"CorpusLacks", "CorpusError", "CodingError", "ThemeError", "SplitError", "AgendaError"}
"""The project's own error types, whose messages say what is wrong and how to fix it (InputError's subclasses)."""
PARAMETER = re.compile(r"\b(TEXTS_DIR|[A-Z][A-Z0-9]*_[A-Z0-9_]+|LANGUAGE|UNITS|FRACTION)\b")
MUST_RUN = {"english_with_two_full_texts": NOTEBOOKS}
"""Shapes on which every notebook named must run to the end (the corpus of the former test_any_corpus.py)."""
MUST_SAY = {
    ("no_complete_text", "01_distinctive_terms.ipynb"): "skipped: keyness of each section: TEXTS_DIR holds no complete text",
    ("no_sections", "01_distinctive_terms.ipynb"): "has no numbered sections",
    ("one_text", "05_your_own_corpus.ipynb"): "skipped: keyness: one text in 'en'",
}
"""What a notebook that runs on a shape must print about the part it left out."""


def run_every_notebook(corpus, out):
    """Run the collection on ``corpus`` into ``out``; a notebook that stops does not keep the others from running."""
    todo = list(NOTEBOOKS)
    while todo:
        main(["run", *(str(ROOT / "notebooks" / name) for name in todo), "-p", "TEXTS_DIR", str(corpus),
              "--output", str(out)])
        ran = [name for name in todo if (out / name).is_file() or failed_copy(out, name).is_file()]
        assert ran, f"no notebook of {todo} ran"
        todo = [name for name in todo if name not in ran]


def failed_copy(out, name):
    return out / name.replace(".ipynb", ".failed.ipynb")


def printed(notebook):
    return "\n".join(str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", ""))
                     for cell in notebook.cells for o in cell.get("outputs", []))


def errors(notebook):
    return [o for cell in notebook.cells for o in cell.get("outputs", []) if o.get("output_type") == "error"]


@pytest.mark.parametrize("shape", list(SHAPES))
def test_every_notebook_runs_or_says_what_the_corpus_lacks(shape, tmp_path, monkeypatch):
    corpus = make_corpus(shape, tmp_path / "texts", TEXTS)
    documents = load_corpus(corpus)
    shown = set(documents["doc_id"]) | set(documents["meeting_date"].dt.strftime("%Y-%m-%d"))
    before = committed_results()
    monkeypatch.chdir(tmp_path)

    run_every_notebook(corpus, tmp_path / "out")

    problems = []
    for name in NOTEBOOKS:
        done = tmp_path / "out" / name
        if done.is_file():
            executed = nbformat.read(done, as_version=4)
            text = printed(executed)
            if errors(executed):
                problems.append(f"{name}: saved with an error output")
            if not any(doc_id in text for doc_id in shown):
                problems.append(f"{name}: ran, but shows none of the test corpus's texts or meetings")
            if (shape, name) in MUST_SAY and MUST_SAY[shape, name] not in text:
                problems.append(f"{name}: ran, but does not say {MUST_SAY[shape, name]!r}")
            continue
        if name in MUST_RUN.get(shape, []):
            problems.append(f"{name}: must run on this corpus, but stopped")
        for error in errors(nbformat.read(failed_copy(tmp_path / "out", name), as_version=4)):
            ename, evalue = error["ename"], error["evalue"]
            if ename not in CLEAR_ERRORS:
                problems.append(f"{name}: bare {ename}: {evalue}")
            elif "Fix:" not in evalue or not PARAMETER.search(evalue):
                problems.append(f"{name}: {ename} without a fix naming a parameter: {evalue}")
    assert not problems, f"shape {shape}:\n" + "\n".join(problems)
    assert committed_results() == before
