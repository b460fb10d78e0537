"""The corpus-capability checks the notebooks call (valduchesse.corpus_checks), and the missing-folder message."""

import pytest

from valduchesse.corpus import load_corpus
from valduchesse.corpus_checks import (
    CorpusLacks, full_texts, meetings, need_full_text, need_hand_codes, need_meetings, need_passages,
    sectioned_full_texts, skipped, too_few_passages,
)
from valduchesse.corpus_header import CorpusError
from valduchesse.testing.corpora import SHAPES, TEST_MARK, make_corpus

from conftest import TEXTS


@pytest.fixture(scope="module")
def corpora(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpora")
    return {shape: load_corpus(make_corpus(shape, root / shape, TEXTS)) for shape in SHAPES}


def test_every_shape_loads_and_written_texts_say_they_are_test_data(corpora):
    for shape, documents in corpora.items():
        assert len(documents), shape
        written = documents[~documents["file"].isin({p.name for p in TEXTS.glob("*.txt")})]
        assert written["title"].str.contains(TEST_MARK, regex=False).all(), shape
        bodies = [text for text in written["text"] if "\n" in text]  # the one-sentence text has no title line
        assert all(TEST_MARK in text.splitlines()[0] for text in bodies), shape


def test_copied_texts_are_the_projects_own_unedited(corpora):
    for shape, documents in corpora.items():
        for row in documents.itertuples():
            original = TEXTS / row.file
            if original.is_file():
                assert row.text == load_corpus(TEXTS).set_index("file").loc[row.file, "text"], (shape, row.file)


def test_shapes_are_what_their_names_say(corpora):
    assert len(corpora["one_text"]) == 1
    assert len(corpora["two_texts"]) == 2
    assert set(corpora["only_communiques"]["kind"]) == {"joint communiqué"}
    assert "full text" not in set(corpora["no_complete_text"]["coverage"])
    assert corpora["one_language"]["language"].nunique() == 1
    assert corpora["four_languages"]["language"].nunique() == 4
    assert full_texts(corpora["no_sections"], "x")[0].shape[0] == 2
    assert sectioned_full_texts(corpora["no_sections"], "x")[0].empty


def test_one_meeting_is_refused_with_the_parameter_and_the_languages_that_would_do(corpora):
    documents = corpora["only_communiques"]
    declarations = documents[documents["kind"] == "joint declaration"]
    need_meetings(documents, documents, "fr", "the comparison")  # two meetings in French: no error
    with pytest.raises(CorpusLacks) as raised:
        need_meetings(documents, documents, "en", "notebook 01 compares the meetings")
    message = str(raised.value)
    assert "1 in 'en' (2017-10-16)" in message and "set LANGUAGE to 'fr'" in message
    assert isinstance(raised.value, CorpusError) and declarations.empty
    with pytest.raises(CorpusLacks, match="INCLUDE_COMMUNIQUE = True"):
        two = corpora["two_texts"]
        need_meetings(two[two["kind"] == "joint declaration"], two, "en", "the comparison")


def test_meetings_are_sorted_dates(corpora):
    assert meetings(corpora["four_languages"]) == ["2023-10-02", "2025-03-10"]
    assert meetings(corpora["four_languages"].iloc[0:0]) == []


def test_no_full_text_names_doc_id_and_the_texts_held(corpora):
    documents = corpora["two_texts"]
    with pytest.raises(CorpusLacks) as raised:
        need_full_text(documents, None, "notebook 03 clusters")
    assert "DOC_ID" in str(raised.value) and documents["doc_id"].iloc[0] in str(raised.value)
    assert need_full_text(documents, documents["doc_id"].iloc[1], "x")["doc_id"].tolist() == [documents["doc_id"].iloc[1]]
    with pytest.raises(CorpusLacks, match="no text 'nope'.*DOC_ID"):
        need_full_text(documents, "nope", "x")
    assert need_full_text(corpora["one_text"], None, "x")["coverage"].iloc[0] == "full text"


def test_passages_too_few_are_skipped_and_none_left_is_refused():
    kept, lines = need_passages({"paragraphs": 3, "sentences": 10}, 0.8, "doc", "clustering")
    assert kept == ["sentences"] and len(lines) == 1 and "paragraphs of doc" in lines[0] and "3 passages" in lines[0]
    with pytest.raises(CorpusLacks, match="FRACTION.*DOC_ID"):
        need_passages({"paragraphs": 2, "sentences": 3}, 0.8, "doc", "clustering")
    assert too_few_passages(4, 0.8, "x", "y") is None
    assert too_few_passages(3, 0.8, "topics", "add texts") == skipped("topics", "3 passages, too few for subsamples "
                                                                       "of 3 (80% of them)", "add texts")


def test_no_hand_codes_names_coding_file():
    with pytest.raises(CorpusLacks, match="none of the 12 sentences.*CODING_FILE"):
        need_hand_codes(load_corpus(TEXTS).iloc[0:0], 12, "notebook 04")
    need_hand_codes(load_corpus(TEXTS).iloc[0:1], 12, "notebook 04")  # some codes: no error


def test_sections_and_full_texts_say_what_they_leave_out(corpora):
    table, lines = sectioned_full_texts(corpora["no_complete_text"], "keyness of each section")
    assert table.empty and "doc_id" in table.columns and len(lines) == 1
    assert lines[0].startswith("skipped: keyness of each section: TEXTS_DIR holds no complete text")
    table, lines = sectioned_full_texts(corpora["english_with_two_full_texts"], "keyness")
    assert table["doc_id"].nunique() == 2 and lines == []
    assert full_texts(load_corpus(TEXTS), "x")[1] == []  # the project's corpus: nothing printed
    assert sectioned_full_texts(load_corpus(TEXTS), "x")[1] == []


def test_missing_texts_folder_shows_where_it_was_looked_for(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(CorpusError) as raised:
        load_corpus("my_texts")
    assert f"resolved: {tmp_path.resolve() / 'my_texts'}" in str(raised.value)
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    monkeypatch.chdir(notebooks)
    with pytest.raises(CorpusError, match="relative to notebooks/"):
        load_corpus("my_texts")


def test_segments_of_no_text_are_empty_tables_with_their_columns():
    from valduchesse.segment import paragraphs, sections, sentences

    none = load_corpus(TEXTS).iloc[0:0]
    for segment in (paragraphs, sections, sentences):
        table = segment(none)
        assert table.empty and {"doc_id", "section_no", "text"} <= set(table.columns), segment.__name__
