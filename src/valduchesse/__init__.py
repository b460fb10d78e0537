"""Text-as-data helpers for the Belgian-French "Val Duchesse" declarations.

One module per concern:

- :mod:`valduchesse.corpus`: load and validate the texts folder;
- :mod:`valduchesse.segment`: sections, paragraphs and sentences;
- :mod:`valduchesse.preprocess`: words of one language: tokeniser, stop words, lemmas and their corrections;
- :mod:`valduchesse.tokens`: the tokens stage: every text tokenised once, furniture, names and the rest removed and counted;
- :mod:`valduchesse.terms`: term matrices, keyness with significance, concordances, frequencies, similarity;
- :mod:`valduchesse.topics`: clustering of passages, judged by subsample stability and against a null;
- :mod:`valduchesse.themes`: the theme dictionary and theme shares;
- :mod:`valduchesse.coding`: hand coding: units, sheets, agreement, shares, which texts to compare;
- :mod:`valduchesse.validation`: the theme dictionary against the hand codes (precision, recall, F1, verdicts);
- :mod:`valduchesse.intervals`: Wilson intervals of proportions;
- :mod:`valduchesse.plotting`, :mod:`valduchesse.plotting_terms`, :mod:`valduchesse.plotting_topics`: the figures;
- :mod:`valduchesse.runner`: executing the notebooks, with parameters;
- :mod:`valduchesse.report`: the HTML site of the executed notebooks;
- :mod:`valduchesse.fetch`: replacing excerpts by full official texts;
- :mod:`valduchesse.lemma_cache`, :mod:`valduchesse.cache`: the lemmatiser's data as tries, kept per machine;
- :mod:`valduchesse.pytest_plugin`: the test command's figure check, and what to do when a notebook's outputs differ.
"""

__version__ = "0.1.0"
