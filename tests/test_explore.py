"""The explorer (valduchesse.explore, its words valduchesse.prose.explore, valduchesse.run.explorer and
notebooks/explorer.ipynb): one term or theme, three views.

The functions are checked on a small corpus written for the test (test data, not official texts) and on
the project's own texts; the notebook is executed twice: as committed (its outputs, widget cells aside,
must come back byte for byte) and on a generated corpus given only by its TEXTS_DIR parameter.
"""

import json
import re
import urllib.request

import nbformat
import pandas as pd
import pytest

from valduchesse.coding import coding_units
from valduchesse.corpus import load_corpus, write_text_file
from valduchesse.explore import (
    ALL, ExploreError, coded_sentences, concordance_lines, controls, counts_by_meeting, explore, load_explorer,
    meeting_choices,
)
from valduchesse.prose.explore import counts_table, coverage_note, held, notes, panel, show, title
from valduchesse.atomic_write import write_notebook
from valduchesse.run.execute import execute_notebook
from valduchesse.run.explorer import EXPLORER_NOTEBOOK, WIDGET_TAG, WIDGET_VIEW, execute_explorer, strip_widget_views
from valduchesse.run.explorer import main as explorer_main
from valduchesse.run.parameters import ParameterError

from conftest import ROOT, TEXTS, committed_results
from test_jupyterlab import lab  # noqa: F401 (the fixture: a headless JupyterLab serving the repository)

THEMES = ROOT / "themes.yml"
CODING = ROOT / "coding" / "sentences.csv"

SMALL = {  # (date, language, coverage): body; test data, not official texts
    ("2023-10-02", "fr", "full text"): (
        "Déclaration commune sur la sécurité (données de test)\n\n"
        "Les deux gouvernements renforcent leur coopération contre le terrorisme. "
        "La menace cyber reste élevée pour les deux pays.\n\n"
        "Les agences de cybersécurité échangeront des informations sur les attaques cyber."),
    ("2025-03-10", "fr", "opening excerpt"): (
        "Déclaration commune sur la justice (données de test)\n\n"
        "Les ministres de la justice renforcent la lutte contre le terrorisme et le trafic de drogue."),
    ("2025-03-10", "nl", "opening excerpt"): (
        "Gemeenschappelijke verklaring over justitie (testgegevens)\n\n"
        "De ministers van justitie versterken de strijd tegen het terrorisme en de drugshandel."),
}


def small_corpus(folder):
    folder.mkdir()
    for (date, language, coverage), body in SMALL.items():
        write_text_file(body, folder / f"{date}_{language}_test.txt", meeting_date=date, place="Bruxelles",
                        language=language, kind="joint declaration", title="Test", coverage=coverage,
                        source_url="https://example.org/test")
    return folder


def coded_sheet(folder, texts):
    """A coded sheet of every sentence of ``texts``: 'cyber' where the sentence says cyber, else 'none'."""
    units = coding_units(load_corpus(texts))
    codes = ["cyber" if "cyber" in text else "none" for text in units["text"]]
    sheet = units.assign(coder_a=codes, coder_b=codes, final=codes)
    path = folder / "sentences.csv"
    sheet.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    folder = tmp_path_factory.mktemp("explore")
    texts = small_corpus(folder / "texts")
    return load_explorer(texts, THEMES, coded_sheet(folder, texts))


@pytest.fixture(scope="module")
def project():
    return load_explorer(TEXTS, THEMES, CODING)


def test_concordance_of_a_term_gives_the_words_around_each_match(small):
    lines = concordance_lines(small, "terrorisme", "term", "fr", window=3)
    assert lines["doc_id"].tolist() == ["2023-10-02_fr_test", "2025-03-10_fr_test"]
    assert lines[["left", "match", "right"]].values.tolist() == [
        ["coopération contre le", "terrorisme", "La menace cyber"],
        ["lutte contre le", "terrorisme", "et le trafic"],
    ]
    assert lines["coverage"].tolist() == ["full text", "opening excerpt"]
    assert set(lines["meeting"]) == {"2023-10-02 joint declaration", "2025-03-10 joint declaration"}


def test_a_term_is_matched_by_its_lemma_and_a_language_filter_keeps_that_language(small):
    assert len(concordance_lines(small, "attaques", "term", "fr")) == 1  # "attaques" as written
    assert len(concordance_lines(small, "attaque", "term", "fr")) == 1  # its lemma finds it too
    assert set(concordance_lines(small, "terrorisme", "term", ALL)["language"]) == {"fr", "nl"}
    assert concordance_lines(small, "terrorisme", "term", "nl")["doc_id"].tolist() == ["2025-03-10_nl_test"]


def test_counts_agree_with_the_counted_concordance_lines_and_state_each_texts_coverage(small):
    lines = concordance_lines(small, "cyber", "theme", ALL)
    counts = counts_by_meeting(small, "cyber", "theme", ALL)
    counted = lines[lines["removed"] == ""].groupby("doc_id").size()
    assert counts.set_index("doc_id")["matches"].to_dict() == {d: int(counted.get(d, 0)) for d in counts["doc_id"]}
    assert counts.loc[counts["doc_id"] == "2023-10-02_fr_test", "matches"].item() >= 2
    coverage = counts.set_index("doc_id")["coverage"]
    assert coverage.to_dict() == small.documents.set_index("doc_id").loc[coverage.index, "coverage"].to_dict()
    assert (counts["chars"] == small.documents.set_index("doc_id").loc[counts["doc_id"], "chars"].to_numpy()).all()
    said = counts_table(counts).set_index("doc_id")["held"]
    assert said["2023-10-02_fr_test"].startswith("full text")
    assert said["2025-03-10_fr_test"].startswith("opening excerpt only") and "not the whole text" in said["2025-03-10_fr_test"]
    rates = (1000 * counts["matches"] / counts["tokens"]).round(2)
    assert counts["per_1000_tokens"].tolist() == rates.tolist()


def test_the_counts_as_shown_say_the_coverage_in_the_held_column_where_it_stood():
    counts = pd.DataFrame({"meeting": ["m1", "m2"], "language": ["fr", "fr"], "doc_id": ["a", "b"],
                           "coverage": ["full text", "later excerpt"], "chars": [13323, 1779], "matches": [2, 0],
                           "tokens": [1000, 200], "per_1000_tokens": [2.0, 0.0]})
    shown = counts_table(counts)
    assert list(shown.columns) == ["meeting", "language", "doc_id", "held", "matches", "tokens", "per_1000_tokens"]
    assert shown["held"].tolist() == ["full text (13,323 characters)",
                                      "later excerpt only: 1,779 characters held, not the whole text"]
    assert held("opening excerpt", 950) == "opening excerpt only: 950 characters held, not the whole text"
    assert shown.drop(columns="held").equals(counts.drop(columns=["coverage", "chars"]))


def test_the_coverage_note_names_the_excerpts_and_never_calls_them_full_texts(small):
    counts = counts_by_meeting(small, "terrorisme", "term", ALL)
    note = coverage_note(counts)
    assert note.startswith("2 of the 3 text(s) counted are excerpts, not full texts (2025-03-10_fr_test, "
                           "2025-03-10_nl_test): a count there says nothing of the rest of the text")
    many = pd.concat([counts] * 2, ignore_index=True)
    assert "4 of the 6 text(s) counted are excerpts, not full texts (column 'held')" in coverage_note(many)
    assert coverage_note(counts[counts["doc_id"] == "2023-10-02_fr_test"]) == "All 1 text(s) counted are full texts."


def test_coded_sentences_of_a_theme_and_of_a_term_are_exact_sentences_of_the_texts(small):
    documents = small.documents.set_index("doc_id")
    themed = coded_sentences(small, "cyber", "theme")
    assert len(themed) == 2 and (themed["final"] == "cyber").all()
    by_term = coded_sentences(small, "terrorisme", "term")
    assert by_term["unit_id"].str.rsplit("#", n=1).str[0].tolist() == [
        "2023-10-02_fr_test", "2025-03-10_fr_test", "2025-03-10_nl_test"]
    for table in (themed, by_term):
        units = small.coded.set_index("unit_id").loc[table["unit_id"]]
        for unit, row in zip(units.itertuples(), table.itertuples()):
            assert documents.loc[unit.doc_id, "text"][unit.start:unit.end] == row.text


def test_a_meeting_filter_keeps_that_meetings_texts(small):
    assert meeting_choices(small) == [("all meetings", ALL), ("2023-10-02 joint declaration", "2023-10-02"),
                                      ("2025-03-10 joint declaration", "2025-03-10")]
    counts = counts_by_meeting(small, "terrorisme", "term", ALL, "2025-03-10")
    assert counts["doc_id"].tolist() == ["2025-03-10_fr_test", "2025-03-10_nl_test"]


@pytest.mark.parametrize("query, kind, language, meeting, expected", [
    ("nosuchtheme", "theme", ALL, ALL, "there is no theme 'nosuchtheme'. Fix: set the theme (QUERY) to one of attacks_and_trials"),
    ("123", "term", ALL, ALL, "the term '123' holds no word"),
    ("  ", "term", ALL, ALL, "nothing to look for"),
    ("cyber", "topic", ALL, ALL, "Fix: set the kind (KIND) to 'term' or 'theme'"),
    ("cyber", "term", "de", ALL, "no text in language 'de'. Fix: set the language (LANGUAGE) to one of fr, nl or 'all'"),
    ("cyber", "term", ALL, "2016-02-01", "Fix: set the meeting (MEETING) to one of 2023-10-02, 2025-03-10"),
    ("cyber", "term", "nl", "2023-10-02", "no text in language 'nl' of the meeting of 2023-10-02. Fix: set the "
     "language (LANGUAGE) to one of fr or 'all', or choose another meeting (MEETING)"),
])
def test_a_selection_it_cannot_show_is_refused_in_words_and_show_prints_it(small, capsys, query, kind, language,
                                                                           meeting, expected):
    with pytest.raises(ExploreError, match="Fix: ") as raised:
        explore(small, query, kind, language, meeting)
    assert expected in str(raised.value)
    assert show(small, query, kind, language, meeting) is None
    assert capsys.readouterr().out == f"Cannot show this selection: {raised.value}\n"


def test_an_empty_result_is_said_in_words(small):
    found = explore(small, "Sahel", "term", "fr")
    assert found.concordance.empty and found.coded.empty and (found.counts["matches"] == 0).all()
    assert title(found) == "The term 'Sahel', French, all meetings"
    assert "No occurrence of the term 'Sahel' in the texts selected (French, all meetings)." in notes(found)
    assert "No hand-coded sentence holds this term in the texts selected (French, all meetings)." in notes(found)


def test_the_notes_say_the_lines_counted_the_coverage_and_the_coded_sentences_in_order(small):
    found = explore(small, "cyber", "theme")
    assert found.lacking == [] and found.languages == ["fr", "nl"] and found.label == small.themes.labels["cyber"]
    assert title(found) == f"The theme 'cyber' ({small.themes.labels['cyber']}), all languages, all meetings"
    said = notes(found)
    assert said[0] == coverage_note(found.counts)
    assert said[1].startswith(f"{len(found.concordance)} concordance line(s) in "
                              f"{found.concordance['doc_id'].nunique()} text(s)")
    assert said[2] == (f"{len(found.coded)} hand-coded sentence(s) coded with this theme "
                       f"(final codes of {small.source['coding']}).") and len(said) == 3
    term = notes(explore(small, "terrorisme", "term"))
    assert term[0].startswith("The term is looked for as written in each language (fr, nl)")


def test_without_hand_codes_or_with_codes_of_other_texts_the_notes_say_so(tmp_path):
    texts = small_corpus(tmp_path / "texts")
    without = explore(load_explorer(texts, THEMES, None), "cyber", "theme")
    assert without.coded is None and any("CODING_FILE is None" in note for note in notes(without))
    other = explore(load_explorer(texts, THEMES, CODING), "cyber", "theme")
    assert other.coded.empty and other.coded_units == 0
    assert any("None of the sentences of these texts is hand-coded" in n for n in notes(other))


def test_a_theme_without_entries_in_a_language_leaves_its_texts_out_and_says_so(tmp_path):
    texts = small_corpus(tmp_path / "texts")
    themes = tmp_path / "themes.yml"
    themes.write_text("themes:\n  cyber:\n    fr: [cyber]\n", encoding="utf-8")
    found = explore(load_explorer(texts, themes), "cyber", "theme")
    assert set(found.counts["language"]) == {"fr"} and found.lacking == ["nl"]
    assert any(note.startswith(f"The theme has no entries in nl in {themes}") for note in notes(found))


def test_on_the_project_texts_a_theme_view_holds_only_its_coded_sentences_and_true_coverages(project):
    found = explore(project, "attacks_and_trials", "theme")
    has_theme = project.coded["final"].str.split(";").map(lambda codes: "attacks_and_trials" in codes)
    assert len(found.coded) > 0 and sorted(found.coded["unit_id"]) == sorted(project.coded.loc[has_theme, "unit_id"])
    coverage = project.documents.set_index("doc_id")["coverage"]
    for row in counts_table(found.counts).itertuples():
        assert row.held.startswith("full text") == (coverage[row.doc_id] == "full text")
    counted = found.concordance[found.concordance["removed"] == ""].groupby("doc_id").size()
    assert found.counts["matches"].sum() == counted.sum()


def test_the_widgets_start_from_the_parameters_or_from_a_choice_they_offer(small):
    chosen = controls(small, "cyber", "theme", "fr", "2023-10-02", 4)
    assert (chosen["kind"].value, chosen["theme"].value, chosen["language"].value, chosen["meeting"].value,
            chosen["window"].value) == ("theme", "cyber", "fr", "2023-10-02", 4)
    fallback = controls(small, "nosuchtheme", "theme", "de", "1999-01-01")
    assert (fallback["theme"].value, fallback["language"].value, fallback["meeting"].value) == (
        small.themes.themes[0], ALL, ALL)
    assert controls(small, "terrorisme", "term")["term"].value == "terrorisme"


def test_the_panel_shows_nothing_until_its_button_is_clicked_then_the_selection(small, capsys):
    box = panel(small, "cyber", "theme", "fr", "2023-10-02", 4)
    *_, button, area = box.children
    assert area.outputs == () and capsys.readouterr().out == ""  # nothing written while the cell runs
    button.click()  # outside a kernel the output area lets show()'s displays through to standard output
    shown = capsys.readouterr().out
    assert "cyber" in shown.lower() and "2023-10-02" in shown


def test_strip_widget_views_drops_only_widget_outputs_of_tagged_cells():
    view = nbformat.v4.new_output("display_data", data={"text/plain": "w", WIDGET_VIEW: {"model_id": "x"}})
    text = nbformat.v4.new_output("stream", name="stdout", text="kept\n")
    tagged = nbformat.v4.new_code_cell("w", metadata={"tags": [WIDGET_TAG]}, outputs=[view, text])
    plain = nbformat.v4.new_code_cell("w", outputs=[nbformat.from_dict(dict(view))])
    notebook = nbformat.v4.new_notebook(cells=[tagged, plain], metadata={"widgets": {"state": {}}})
    assert strip_widget_views(notebook) == 1
    assert tagged.outputs == [text] and len(plain.outputs) == 1 and "widgets" not in notebook.metadata


@pytest.mark.slow
def test_the_committed_explorer_is_executed_and_comes_back_byte_for_byte(tmp_path):
    notebook = nbformat.read(EXPLORER_NOTEBOOK, as_version=4)
    widget_cells = [c for c in notebook.cells if WIDGET_TAG in c.metadata.get("tags", [])]
    assert widget_cells and all(not c.outputs for c in widget_cells), "commit the explorer run by make run"
    assert "explorer.ipynb" not in (ROOT / "notebooks" / "collection.txt").read_text(encoding="utf-8")
    before = committed_results()
    execute_notebook(EXPLORER_NOTEBOOK, output=tmp_path / "executed.ipynb", failed_output=tmp_path / "failed.ipynb")
    executed = nbformat.read(tmp_path / "executed.ipynb", as_version=4)
    errors = [o for c in executed.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    shown = [o for c in executed.cells if WIDGET_TAG in c.metadata.get("tags", []) for o in c.get("outputs", [])]
    assert any(WIDGET_VIEW in o.get("data", {}) for o in shown), "the widget cell shows no widget"
    strip_widget_views(executed)
    write_notebook(executed, tmp_path / "stripped.ipynb")
    assert (tmp_path / "stripped.ipynb").read_bytes() == EXPLORER_NOTEBOOK.read_bytes(), (
        "the explorer's outputs differ from the committed ones: run make run (python -m valduchesse.run.explorer) "
        "and commit notebooks/explorer.ipynb")
    assert committed_results() == before


@pytest.mark.slow
def test_the_explorer_runs_on_a_generated_corpus_given_by_its_texts_dir(tmp_path):
    corpus = small_corpus(tmp_path / "texts")
    saved = execute_explorer(output=tmp_path / "out" / "explorer.ipynb", values={"TEXTS_DIR": str(corpus)})
    executed = nbformat.read(saved, as_version=4)
    assert not [o for c in executed.cells for o in c.get("outputs", []) if o.output_type == "error"]
    text = "\n".join(str(o.get("text", "")) + str(o.get("data", {}).get("text/html", ""))
                     for c in executed.cells for o in c.get("outputs", []))
    assert f"3 texts in {corpus}" in text and "2023-10-02_fr_test" in text
    assert "None of the sentences of these texts is hand-coded" in text
    assert not any(WIDGET_VIEW in o.get("data", {}) for c in executed.cells for o in c.get("outputs", []))


def test_parameters_are_refused_for_the_run_in_place_and_an_output_inside_the_collection_before_any_run(capsys):
    with pytest.raises(ParameterError, match="parameters given without an output"):
        execute_explorer(values={"TEXTS_DIR": "elsewhere"})
    before = committed_results()
    assert explorer_main(["-p", "TEXTS_DIR", str(TEXTS), "--output", str(ROOT / "notebooks" / "mine.ipynb")]) == 2
    assert "refused to write" in capsys.readouterr().out and not (ROOT / "notebooks" / "mine.ipynb").exists()
    assert explorer_main(["-p", "TEXT_DIR", "texts", "--output", "x.ipynb"]) == 2
    assert "has no parameter TEXT_DIR. Fix: use one of TEXTS_DIR" in capsys.readouterr().out
    assert committed_results() == before


@pytest.mark.slow
def test_jupyterlab_opens_the_explorer_with_the_project_kernel_and_the_widgets_extension(lab):  # noqa: F811
    model = lab.request("GET", "/api/contents/notebooks/explorer.ipynb")
    assert model["type"] == "notebook" and model["content"]["cells"]
    assert model["content"]["metadata"]["kernelspec"]["name"] in lab.request("GET", "/api/kernelspecs")["kernelspecs"]
    # ipywidgets 8 needs no extension install: jupyterlab_widgets (in the lock) ships the front end, which
    # the server hands to the browser in the page's configuration.
    request = urllib.request.Request(f"{lab.url}/lab", headers={"Authorization": f"token {lab.token}"})
    with urllib.request.urlopen(request, timeout=60) as answer:
        page = answer.read().decode()
    found = re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', page, re.S)
    assert found, "no page configuration in JupyterLab's /lab page"
    extensions = {extension["name"] for extension in json.loads(found.group(1))["federated_extensions"]}
    assert "@jupyter-widgets/jupyterlab-manager" in extensions, sorted(extensions)
