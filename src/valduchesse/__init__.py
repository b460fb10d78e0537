"""Text-as-data helpers for the Belgian-French "Val Duchesse" declarations.

One module per concern:

- :mod:`valduchesse.corpus`: load and validate the texts folder;
- :mod:`valduchesse.segment`: sections, paragraphs and sentences;
- :mod:`valduchesse.preprocess`: tokens, stop words and lemmas per language;
- :mod:`valduchesse.plotting`: the figures' look and deterministic saving;
- :mod:`valduchesse.runner`: executing the notebooks.
"""

__version__ = "0.1.0"
