"""Sections, paragraphs and sentences, checked on the real texts."""

import pandas as pd

from valduchesse.corpus import load_corpus
from valduchesse.corpus_views import join_parts
from valduchesse.segment import PREAMBLE, paragraphs, section_labels, sections, segment_counts, sentences

from conftest import TEXTS

DOCUMENTS = load_corpus(TEXTS)
NL_2021 = DOCUMENTS[DOCUMENTS["doc_id"] == "2021-11-22_nl_sophiewilmes-be"]


def test_full_dutch_2021_text_has_its_eight_numbered_sections():
    table = sections(NL_2021)
    assert list(table["section_no"]) == list(range(9))
    assert table["section_title"].iloc[0] == PREAMBLE
    assert table["section_title"].iloc[1] == "Opvolging van de terrorismeprocessen"
    assert table["section_title"].iloc[7] == "Cyberveiligheid"
    assert table["section_title"].iloc[8].endswith("Internationale Coalitie voor de Sahel")


def test_indented_and_dashed_headings_are_found():
    table = sections(DOCUMENTS)
    titles = dict(zip(zip(table["doc_id"], table["section_no"]), table["section_title"]))
    assert titles[("2016-02-01_fr_archive-premier-be", 1)] == "Coopération policière et de renseignement"
    assert titles[("2016-02-01_de_archive-premier-be", 1)] == "Polizeiliche Zusammenarbeit und Informationsaustausch"
    assert titles[("2017-10-16_en_premier-be", 2)] == "We will work together to fight violent radicalization in prisons"


def test_lines_starting_with_a_number_out_of_sequence_are_not_headings():
    text = "Intro.\n2. Not a heading, since 1 has not come.\n1. Real heading\n1. Not again\n2. Second"
    docs = pd.DataFrame([{**DOCUMENTS.iloc[0].to_dict(), "doc_id": "t", "text": text}])
    table = paragraphs(docs)
    assert list(table["is_heading"]) == [False, False, True, False, True]
    assert list(table["section_no"]) == [0, 0, 1, 1, 2]


def test_text_without_headings_is_all_preamble():
    table = sections(DOCUMENTS[DOCUMENTS["doc_id"] == "2018-06-11_nl_premier-fgov-be"])
    assert list(table["section_no"]) == [0]


def test_paragraph_offsets_point_into_the_body():
    table = paragraphs(DOCUMENTS)
    bodies = DOCUMENTS.set_index("doc_id")["text"]
    for row in table.itertuples():
        assert bodies[row.doc_id][row.start:row.end] == row.text


def test_section_text_covers_its_paragraphs():
    paras = paragraphs(NL_2021)
    secs = sections(NL_2021).set_index("section_no")
    for row in paras.itertuples():
        assert row.text in secs.loc[row.section_no, "text"]


def test_segment_tables_keep_the_document_metadata():
    for table in (paragraphs(DOCUMENTS), sections(DOCUMENTS), sentences(DOCUMENTS)):
        for column in ("meeting_date", "language", "kind", "coverage", "part", "source_url"):
            assert column in table.columns
        assert "sha256" in table.columns


def test_sentences_stay_inside_paragraphs_and_are_numbered_in_order():
    sents = sentences(NL_2021)
    assert list(sents["sentence_no"]) == list(range(1, len(sents) + 1))
    paras = paragraphs(NL_2021).set_index("paragraph_no")
    for row in sents.itertuples():
        assert row.text in paras.loc[row.paragraph_no, "text"]
    first = sents["text"].iloc[0]
    assert first.startswith("De Eerste Ministers") and first.endswith("Gérald Darmanin.")


def test_abbreviations_do_not_end_a_sentence():
    french_2018 = DOCUMENTS[DOCUMENTS["doc_id"] == "2018-06-11_fr_gouvernement-fr"]
    texts = list(sentences(french_2018)["text"])
    assert "Déclaration conjointe de M. Édouard PHILIPPE, Premier ministre," in texts


def test_joined_parts_can_be_segmented_too():
    joined = join_parts(DOCUMENTS)
    table = sentences(joined[joined["parts"] > 1])
    assert "[…]" in set(table["text"])


def test_segment_counts():
    counts = segment_counts(NL_2021).iloc[0]
    assert counts["headings"] == 8
    assert counts["sentences"] == len(sentences(NL_2021))


def test_section_labels_are_short_and_numbered():
    labels = section_labels(sections(NL_2021), width=20)
    assert labels.iloc[0] == "§0 (preamble)"
    assert labels.iloc[7] == "§7 Cyberveiligheid"
    assert labels.iloc[2] == "§2 Samenwerking tussen…"
    assert labels.str.len().max() <= 24
