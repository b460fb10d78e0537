"""Text-as-data helpers for the Belgian-French "Val Duchesse" declarations.

One module per concern:

- :mod:`valduchesse.corpus`: load and validate the texts folder;
- :mod:`valduchesse.segment`: sections, paragraphs and sentences;
- :mod:`valduchesse.preprocess`: tokens, stop words and lemmas per language;
- :mod:`valduchesse.terms`: term matrices, keyness, concordances, frequencies, similarity;
- :mod:`valduchesse.topics`: topic clustering and its evaluation;
- :mod:`valduchesse.themes`: the theme dictionary and theme shares;
- :mod:`valduchesse.plotting`: the figures' look and deterministic saving;
- :mod:`valduchesse.runner`: executing the notebooks, with parameters;
- :mod:`valduchesse.report`: the HTML site of the executed notebooks;
- :mod:`valduchesse.fetch`: replacing excerpts by full official texts.
"""

__version__ = "0.1.0"
