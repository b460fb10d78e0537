"""The prose layer: the sentences that say the analysis' numbers in words, for the notebooks' printouts.

Why one subpackage, one module per analysis module it speaks for (``prose.keyness`` says
:mod:`valduchesse.keyness`' tables, ``prose.agenda`` :mod:`valduchesse.agenda`'s, and so on): the
statistics stay free of wording (a sentence changes without touching a number, and a number's test
does not read English), a reader who looks for "where is this sentence written" has one place to
look, and the module names say which tables each sentence is built from. The direction is one way:
a prose module imports the analysis modules whose tables it reads, an analysis module never
imports the prose layer (``tests/test_imports.py`` checks it). Every number in these sentences is
computed from the tables passed in, never typed by hand.

- :mod:`valduchesse.prose.words`: the shared wording helpers (a list said as ``a, b and c``);
- :mod:`valduchesse.prose.keyness`: keyness thresholds and results (:mod:`valduchesse.keyness`);
- :mod:`valduchesse.prose.keyness_power`: what a keyness test can detect (:mod:`valduchesse.keyness_power`);
- :mod:`valduchesse.prose.topics`: the clustering's results (:mod:`valduchesse.topics`,
  :mod:`valduchesse.topic_stability`, :mod:`valduchesse.topic_agreement`);
- :mod:`valduchesse.prose.coding`: texts not hand-coded (:mod:`valduchesse.coding`) and what a disagreement
  between the language versions of a passage means (:mod:`valduchesse.crosslingual`);
- :mod:`valduchesse.prose.coding_reliability`: why an adjudicated sentence got its final codes
  (:mod:`valduchesse.coding_reliability`);
- :mod:`valduchesse.prose.validation`: the dictionary's verdicts, per theme and in three lines, and what a student's
  coded sample scored (:mod:`valduchesse.validation`);
- :mod:`valduchesse.prose.corpus_views`: which texts a comparison compares and how they were cut
  (:mod:`valduchesse.corpus_views`);
- :mod:`valduchesse.prose.explore`: the explorer's heading, notes and tables in words, and its panel that shows them
  (:mod:`valduchesse.explore`);
- :mod:`valduchesse.prose.power`: what the openings could show (:mod:`valduchesse.power`);
- :mod:`valduchesse.prose.agenda`: the agenda's headline and what stays unknowable (:mod:`valduchesse.agenda`);
- :mod:`valduchesse.prose.like_with_like`: what a comparison's cut keeps (:mod:`valduchesse.like_with_like`).
"""

from __future__ import annotations


__all__ = []
