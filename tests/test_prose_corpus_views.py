"""The words of valduchesse.prose.corpus_views: what a comparison compares, and what each opening compared is."""

import re

import pandas as pd
import pytest

from valduchesse.corpus import load_corpus
from valduchesse.corpus_views import Comparison, comparable_openings, compared_texts
from valduchesse.prose.corpus_views import comparison_lines, compared_as, texts_compared, with_compared_as

from conftest import TEXTS


def test_the_lines_say_each_decision_of_the_choice_and_nothing_else():
    plain = Comparison("joint declaration", False, ("joint communiqué", "joint declaration"), ("joint declaration",),
                       ("joint communiqué",), "fr", "fr")
    assert comparison_lines(plain) == ["compared: joint declaration; kept apart: joint communiqué"]
    fallback = Comparison("joint declaration", True, ("joint communiqué",), ("joint communiqué",), (), "es", "nl")
    assert comparison_lines(fallback) == [
        "no text of kind 'joint declaration': every text is compared (joint communiqué)",
        "no text in 'es': the main comparison is in 'nl'",
        "compared: joint communiqué; kept apart: nothing"]


def test_texts_compared_is_compared_texts_with_its_lines():
    documents = load_corpus(TEXTS)
    compared, language, choice = compared_texts(documents, "de", include_communique=True)
    same, same_language, lines = texts_compared(documents, "de", include_communique=True)
    assert same.equals(compared) and same_language == language and lines == comparison_lines(choice)
    assert choice.kept_apart == () and lines[-1].endswith("kept apart: nothing")


def test_each_opening_is_said_cut_or_whole_against_the_length_it_was_cut_to():
    assert compared_as("full text", 13323, 1960) == "full text, cut at the last word end within 1,960 characters"
    assert compared_as("opening excerpt", 1960, 1960) == "opening excerpt, whole (1,960 characters)"
    openings = comparable_openings(load_corpus(TEXTS), "fr")
    said = with_compared_as(openings)
    assert list(said.columns) == [*openings.columns, "compared_as"]
    shortest = openings["original_chars"] == openings["original_chars"].min()
    assert said.loc[shortest, "compared_as"].str.endswith(f"whole ({openings.attrs['length']:,} characters)").all()
    assert said.loc[~shortest, "compared_as"].str.contains("cut at the last word end").all()


def test_a_table_that_lost_its_length_is_refused_with_the_fix():
    openings = comparable_openings(load_corpus(TEXTS), "fr")
    with pytest.raises(ValueError, match=re.escape("(attrs['length']). Fix: pass the table")):
        with_compared_as(pd.DataFrame(openings.to_dict("list")))
