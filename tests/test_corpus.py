"""Loading and validating texts: the real corpus, and one test per kind of bad input."""

import hashlib
import re

import pytest

from valduchesse.corpus import load_corpus, read_text_file
from valduchesse.corpus_header import COVERAGES, CorpusError
from valduchesse.corpus_views import availability, check_languages, comparable_openings, cut_opening, join_parts
from valduchesse.prose.corpus_views import with_compared_as

from conftest import TEXTS


def test_real_corpus_has_one_row_per_file():
    documents = load_corpus(TEXTS)
    assert sorted(documents["file"]) == sorted(p.name for p in TEXTS.glob("*.txt"))
    assert documents["doc_id"].is_unique
    assert set(documents["coverage"]) <= set(COVERAGES)
    assert set(documents["language"]) == {"de", "en", "fr", "nl"}


def test_real_corpus_bodies_match_their_header_and_hash():
    documents = load_corpus(TEXTS)
    for row in documents.itertuples():
        assert len(row.text) == row.chars
        assert hashlib.sha256(row.text.encode("utf-8")).hexdigest() == row.sha256


def test_body_is_kept_exactly_including_trailing_space():
    header, body = read_text_file(TEXTS / "2017-10-16_fr_info-gouv-fr.txt")
    assert body.startswith("À l’issue de cette réunion")
    assert body.endswith("coopération ")
    assert header["chars"] == len(body) == 1907


def test_documents_are_sorted_by_date_language_and_part():
    documents = load_corpus(TEXTS)
    keys = list(zip(documents["meeting_date"], documents["language"], documents["part"]))
    assert keys == sorted(keys)


def test_join_parts_records_the_non_contiguous_2018_french_text():
    documents = load_corpus(TEXTS)
    joined = join_parts(documents)
    multi = joined[joined["parts"] > 1]
    assert len(multi) == 1
    row = multi.iloc[0]
    assert row["language"] == "fr" and not row["contiguous"]
    assert row["part_ids"] == "2018-06-11_fr_gouvernement-fr, 2018-06-11_fr_info-gouv-fr"
    assert row["coverage"] == "opening excerpt + later excerpt"
    assert "[…]" in row["text"]
    assert len(joined) == len(documents) - 1
    assert joined.loc[joined["parts"] == 1, "contiguous"].all()


def test_availability_labels_each_meeting_with_its_kind():
    table = availability(load_corpus(TEXTS))
    assert "2017-10-16 joint communiqué" in set(table["meeting"])
    assert len(table) == len(list(TEXTS.glob("*.txt")))


def test_byte_order_mark_and_windows_line_endings_are_accepted(write_text):
    folder = write_text(body="Ligne un.\nLigne deux.")
    path = next(folder.iterdir())
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    documents = load_corpus(folder)
    assert documents.loc[0, "text"] == "Ligne un.\nLigne deux."


def test_unknown_header_fields_are_kept(write_text):
    documents = load_corpus(write_text(translator="nobody"))
    assert documents.loc[0, "extra_fields"] == {"translator": "nobody"}


# One test per kind of bad input; each asserts that the message names the file,
# the field where there is one, and the fix.

def error_for(folder) -> str:
    with pytest.raises(CorpusError) as info:
        load_corpus(folder)
    return str(info.value)


def test_no_header(tmp_path):
    (tmp_path / "2016-02-01_fr_bare.txt").write_text("Un texte sans en-tête.\n", encoding="utf-8")
    message = error_for(tmp_path)
    assert "2016-02-01_fr_bare.txt" in message
    assert "no YAML header" in message and "Fix:" in message


def test_header_not_closed(tmp_path):
    (tmp_path / "2016-02-01_fr_open.txt").write_text("---\nplace: Brussels\nUn texte.\n", encoding="utf-8")
    message = error_for(tmp_path)
    assert "2016-02-01_fr_open.txt" in message and "not closed" in message


def test_malformed_yaml(write_text):
    message = error_for(write_text(title="a: b: c"))
    assert "2016-02-01_fr_test.txt" in message and "cannot be read" in message and "quote" in message


@pytest.mark.parametrize("field", ["meeting_date", "language", "coverage", "source_url", "chars"])
def test_missing_required_field(write_text, field):
    message = error_for(write_text(**{field: None}))
    assert f"field '{field}'" in message and "required field missing" in message
    assert f"add a line '{field}: …'" in message


def test_date_not_iso(write_text):
    message = error_for(write_text(meeting_date="1 February 2016"))
    assert "field 'meeting_date'" in message and "not an ISO 8601 date" in message
    assert "YYYY-MM-DD" in message


def test_unsupported_language(write_text):
    message = error_for(write_text(language="es"))
    assert "field 'language'" in message and "'es' is not supported" in message
    assert "de (German), en (English), fr (French), nl (Dutch)" in message


def test_empty_body(write_text):
    message = error_for(write_text(body="  \n "))
    assert "2016-02-01_fr_test.txt" in message and "empty" in message


def test_not_utf8(tmp_path):
    path = tmp_path / "2016-02-01_fr_latin1.txt"
    path.write_bytes("---\nplace: Bruxelles\n---\nCoopération\n".encode("latin-1"))
    message = error_for(tmp_path)
    assert "2016-02-01_fr_latin1.txt" in message and "not valid UTF-8" in message
    assert "save the file as UTF-8" in message


def test_duplicate_meeting_language_and_part(write_text):
    write_text("2016-02-01_fr_a.txt")
    message = error_for(write_text("2016-02-01_fr_b.txt"))
    assert "2016-02-01_fr_a.txt and 2016-02-01_fr_b.txt" in message
    assert "field 'part'" in message and "part: 2" in message


def test_two_parts_of_one_document_are_fine(write_text):
    write_text("2016-02-01_fr_a.txt", part=1)
    documents = load_corpus(write_text("2016-02-01_fr_b.txt", part=2, coverage="later excerpt"))
    assert list(documents["part"]) == [1, 2]


def test_unknown_coverage(write_text):
    message = error_for(write_text(coverage="summary"))
    assert "field 'coverage'" in message and "'summary'" in message
    assert "'full text', 'opening excerpt', 'later excerpt'" in message


def test_bad_part(write_text):
    message = error_for(write_text(part="two"))
    assert "field 'part'" in message and "whole number" in message


def test_chars_does_not_match_body(write_text):
    message = error_for(write_text(body="Douze lettres", chars=99))
    assert "field 'chars'" in message and "says 99 characters but the body has 13" in message
    assert "set 'chars: 13'" in message


def test_stray_file_in_texts_folder(write_text):
    folder = write_text()
    (folder / "notes.docx").write_bytes(b"PK")
    message = error_for(folder)
    assert "notes.docx" in message and "not a text file" in message


def test_missing_folder(tmp_path):
    message = error_for(tmp_path / "nowhere")
    assert re.search(r"nowhere: the texts folder does not exist", message)


def test_empty_folder(tmp_path):
    assert "no .txt files found" in error_for(tmp_path)


def test_cut_opening_cuts_after_a_whole_word():
    assert cut_opening("Les deux pays coopèrent.", 14) == "Les deux pays"
    assert cut_opening("Les deux pays coopèrent.", 13) == "Les deux pays"
    assert cut_opening("Les deux pays", 40) == "Les deux pays"
    assert cut_opening("Ligne\nsuivante", 8) == "Ligne"


def test_comparable_openings_cut_every_text_of_a_language_to_the_shortest():
    documents = load_corpus(TEXTS)
    dutch = comparable_openings(documents, "nl")
    assert list(dutch["meeting_date"].dt.year) == [2017, 2018, 2021]
    assert list(dutch["doc_id"]) == ["2017-10-16 joint communiqué", "2018-06-11 joint declaration",
                                     "2021-11-22 joint declaration"]
    shortest = dutch["original_chars"].min()
    assert (dutch["chars"] <= shortest).all() and (dutch["chars"] > shortest - 30).all()
    full = dutch[dutch["coverage"] == "full text"].iloc[0]
    assert full["original_chars"] == 13323
    assert dutch.attrs["length"] == shortest and "compared_as" not in dutch.columns
    said = with_compared_as(dutch)
    assert said.loc[dutch["coverage"] == "full text", "compared_as"].item() == (
        f"full text, cut at the last word end within {shortest:,} characters")
    assert full["text"] == full["text"].strip() and documents["text"].str.startswith(full["text"]).any()


def test_comparable_openings_leave_out_later_excerpts():
    french = comparable_openings(load_corpus(TEXTS), "fr")
    assert "later excerpt" not in set(french["coverage"])
    assert french["meeting_date"].is_unique


def test_comparable_openings_in_a_language_without_texts(write_text):
    with pytest.raises(ValueError, match="no opening or full text in language 'de'") as raised:
        comparable_openings(load_corpus(write_text()), "de")
    assert str(raised.value).endswith("Fix: compare one of the languages that have one: fr")


def test_real_texts_read_as_their_declared_language():
    check_languages(load_corpus(TEXTS))


def test_a_file_mixing_languages_is_caught(write_text):
    french = "Les deux pays renforcent leur coopération policière et judiciaire contre le terrorisme et la criminalité organisée, en échangeant davantage d'informations entre leurs services."
    dutch = "De twee landen zullen blijven werken aan een gemeenschappelijke en gecoördineerde aanpak inzake de strijd tegen de smokkelnetwerken die de illegale immigratie organiseren."
    documents = load_corpus(write_text(body=f"{french}\n{dutch}"))
    with pytest.raises(CorpusError) as info:
        check_languages(documents)
    message = str(info.value)
    assert "2016-02-01_fr_test.txt, field 'language'" in message
    assert "paragraph 2 reads as Dutch (nl" in message and "De twee landen" in message
    assert "keep one language per file" in message


def test_short_lines_are_not_judged(write_text):
    check_languages(load_corpus(write_text(body="Alexander De Croo en Jean Castex\nLes deux pays coopèrent.")))


def test_a_fifty_megabyte_text_loads_whole(write_text):
    body = ("Les deux pays coopèrent contre le terrorisme. " * 1_100_000)[:50_000_000]
    documents = load_corpus(write_text(body=body))
    assert documents.loc[0, "chars"] == 50_000_000 and len(documents.loc[0, "text"]) == 50_000_000


def test_every_broken_file_of_a_folder_is_reported_in_one_run(write_text):
    write_text("2016-02-01_fr_a.txt", chars=3)
    write_text("2017-10-16_fr_b.txt", meeting_date="2017-13-01")
    folder = write_text("2018-06-11_fr_c.txt")
    (folder / "notes.docx").write_bytes(b"PK")
    with pytest.raises(CorpusError) as error:
        load_corpus(folder)
    message = str(error.value)
    assert "3 files cannot be used as they are" in message
    for name, field in [("2016-02-01_fr_a.txt", "chars"), ("2017-10-16_fr_b.txt", "meeting_date")]:
        assert f"{name}, field '{field}'" in message
    assert "notes.docx" in message and message.count("Fix:") == 3
    assert len(error.value.problems) == 3


def test_new_text_writes_a_header_that_loads(tmp_path):
    from valduchesse.cli import main

    body = tmp_path / "body.txt"
    body.write_text("Déclaration conjointe.\nLes deux pays coopèrent.\n", encoding="utf-8")
    folder = tmp_path / "texts"
    folder.mkdir()
    out = folder / "2023-10-02_fr_test.txt"
    args = ["new-text", str(body), str(out), "--meeting-date", "2023-10-02", "--place", "Paris",
            "--language", "fr", "--kind", "joint declaration", "--title", "Déclaration: test",
            "--source-url", "https://example.org/x", "--coverage", "full text"]
    assert main(args) == 0
    table = load_corpus(folder)
    assert table.loc[0, "chars"] == len("Déclaration conjointe.\nLes deux pays coopèrent.")
    assert table.loc[0, "title"] == "Déclaration: test"
    assert main(args) == 2  # never overwrites


def test_new_text_refuses_a_bad_field_and_writes_nothing(tmp_path, capsys):
    from valduchesse.corpus import write_text_file

    with pytest.raises(CorpusError, match="field 'meeting_date'.*YYYY-MM-DD"):
        write_text_file("Texte.", tmp_path / "x.txt", meeting_date="2023-02-30", place="Paris", language="fr",
                        kind="k", title="t", source_url="https://e", coverage="full text")
    with pytest.raises(CorpusError, match="field 'title'"):
        write_text_file("Texte.", tmp_path / "y.txt", meeting_date="2023-02-03", place="Paris", language="fr",
                        kind="k", source_url="https://e", coverage="full text")
    assert list(tmp_path.iterdir()) == []


def test_compared_texts_falls_back_to_every_text_and_the_commonest_language_and_says_so():
    from valduchesse.corpus_views import compared_texts
    from valduchesse.prose.corpus_views import texts_compared
    documents = load_corpus(TEXTS)
    compared, language, choice = compared_texts(documents, "fr")
    assert (choice.every_kind, choice.requested, choice.kept_apart) == (False, "fr", ("joint communiqué",))
    compared, language, notes = texts_compared(documents, "fr")
    assert set(compared["kind"]) == {"joint declaration"} and language == "fr"
    assert notes == ["compared: joint declaration; kept apart: joint communiqué"]
    communiques = documents[documents["kind"] == "joint communiqué"]  # a corpus without a joint declaration
    compared, language, notes = texts_compared(communiques, "es")
    assert len(compared) == len(communiques) and language == sorted(set(communiques["language"]))[0]
    assert notes[0] == "no text of kind 'joint declaration': every text is compared (joint communiqué)"
    assert notes[1] == f"no text in 'es': the main comparison is in {language!r}" and "nan" not in " ".join(notes)
