"""valduchesse.like_with_like returns data only; prose.like_with_like says it (compared_as, cut lines)."""

from valduchesse.corpus import load_corpus
from valduchesse.like_with_like import openings_to_compare
from valduchesse.prose.corpus_views import compared_as, compared_whole
from valduchesse.prose.like_with_like import openings_compared

LONG_BODY = ("La sécurité des deux pays. " * 40).strip()


def one_coverage(write_text):
    write_text("2016-02-01_fr_a.txt", "Les deux pays coopèrent.", coverage="full text")
    return load_corpus(write_text("2018-06-11_fr_b.txt", LONG_BODY, coverage="full text", meeting_date="2018-06-11"))


def two_coverages(write_text):
    write_text("2016-02-01_fr_a.txt", "Les deux pays coopèrent bien.", coverage="opening excerpt")
    return load_corpus(write_text("2018-06-11_fr_b.txt", LONG_BODY, coverage="full text", meeting_date="2018-06-11"))


def test_openings_to_compare_returns_no_sentence_column_and_says_whether_it_cut(write_text):
    whole = openings_to_compare(one_coverage(write_text), "fr")
    assert "compared_as" not in whole.columns and whole.attrs["cut"] is False
    assert list(whole["chars"]) == list(whole["original_chars"])


def test_openings_to_compare_says_it_cut_where_coverages_differ(write_text):
    cut = openings_to_compare(two_coverages(write_text), "fr")
    assert "compared_as" not in cut.columns and cut.attrs["cut"] is True
    assert (cut["chars"] < cut["original_chars"]).any()


def test_openings_compared_always_builds_compared_as_with_the_prose_helpers(write_text):
    whole, _ = openings_compared(one_coverage(write_text), "fr")
    assert list(whole["compared_as"]) == [compared_whole("full text")] * 2 == ["full text, whole"] * 2


def test_openings_compared_says_the_cut_as_compared_as_does(write_text):
    cut, _ = openings_compared(two_coverages(write_text), "fr")
    length = cut.attrs["length"]
    assert list(cut["compared_as"]) == [compared_as(coverage, int(original), length)
                                        for coverage, original in zip(cut["coverage"], cut["original_chars"])]
    assert cut["compared_as"].iloc[0] == "opening excerpt, whole (29 characters)"
    assert cut["compared_as"].iloc[1].startswith("full text, cut at the last word end within")
