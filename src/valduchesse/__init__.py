"""Text-as-data helpers for the Belgian-French "Val Duchesse" declarations.

The analysis, one module per pipeline stage, at the top of the package:

- :mod:`valduchesse.corpus`: load the texts folder; :mod:`valduchesse.corpus_header`: validate every header;
  :mod:`valduchesse.corpus_views`: documents joined from their parts, availability, openings to compare;
  :mod:`valduchesse.corpus_checks`: what a corpus allows, checked before an analysis it may not support, in
  words that name what it lacks and what would fix it;
- :mod:`valduchesse.segment`: sections, paragraphs and sentences;
- :mod:`valduchesse.preprocess`: words of one language: tokeniser, stop words, lemmas and their corrections;
  :mod:`valduchesse.lemma_cache`: the lemmatiser's language data as tries, built once per machine;
- :mod:`valduchesse.tokens`: the tokens stage: every text tokenised once, furniture, names and the rest removed and
  counted; :mod:`valduchesse.token_rules`: the furniture, names and offices rules it applies;
  :mod:`valduchesse.rule_agreement`: those rules against a names list and the hand codes;
  :mod:`valduchesse.preprocessor`: :class:`~valduchesse.preprocessor.Preprocessor`, that stage's settings for one text;
- :mod:`valduchesse.terms`: term matrices, top terms, similarity; :mod:`valduchesse.keyness`: keyness with
  significance; :mod:`valduchesse.concordance`: concordances and frequencies;
- :mod:`valduchesse.topics`: clustering of passages; :mod:`valduchesse.topic_stability`: judged by subsample
  stability against a null; :mod:`valduchesse.topic_agreement`: against the sections over many seeds;
- :mod:`valduchesse.themes`: the theme dictionary and theme shares;
- :mod:`valduchesse.coding`: hand coding: units, sheets, agreement, shares, which texts to compare;
  :mod:`valduchesse.coding_reliability`: how far it can be relied on (two coders' agreement counted per
  passage, the blind recoding); :mod:`valduchesse.crosslingual`: whether the language versions of one
  passage say the same;
- :mod:`valduchesse.validation_split`: the fixed development / test split of the hand-coded passages;
- :mod:`valduchesse.validation`: the theme dictionary against the hand codes (precision, recall, F1, verdicts);
- :mod:`valduchesse.power`: detection power: where each theme starts in the complete texts, what an opening can show;
- :mod:`valduchesse.agenda`: the agenda of comparable units, broadening or displacement;
- :mod:`valduchesse.keyness_power`: the fewest occurrences a keyness test could flag, before it runs;
- :mod:`valduchesse.like_with_like`: texts compared whole where their coverage is the same, cuts told per text;
- :mod:`valduchesse.intervals`: Wilson intervals of proportions;
- :mod:`valduchesse.explore`: the explorer: one term or one theme across the texts (concordance, counts by
  meeting, hand-coded sentences), for the explorer notebook.

The sentences that say those results in words, for the notebooks' printouts, in :mod:`valduchesse.prose`
(one module per analysis module it speaks for; analysis modules never import it).

The figures, by family, in :mod:`valduchesse.plotting` (``style``, ``corpus``, ``terms``, ``themes``,
``topics``, ``agenda``; ``captions``: captions and alt texts computed from the data each figure shows);
where a figure file goes, in :mod:`valduchesse.figure_paths` (no plotting library).

Files, shared by all: :mod:`valduchesse.files`: the one safe reader and the one input-error type;
:mod:`valduchesse.strict_yaml`: the one strict YAML loader; :mod:`valduchesse.atomic_write`: the one atomic
write; :mod:`valduchesse.cache`: the per-machine cache folder, written through :mod:`valduchesse.atomic_write`
(its ``write_atomically`` returns False instead of raising: the cache only saves time).

The tooling, in subpackages beside the analysis:

- :mod:`valduchesse.run`: executing the notebooks with parameters (``notebooks``, ``parameters``, ``guard``,
  ``paths``: a run's paths checked before it starts, ``execute``, ``collection``, ``progress``: a line now
  and then within long notebooks, ``times``, ``determinism``, ``explorer``: the explorer notebook, executed
  after the collection);
- :mod:`valduchesse.report`: the HTML site of the executed notebooks (``site``, ``pages``, ``docs``: the
  pages of a ``docs/`` folder, ``figures``, ``notebook``, ``png``);
- :mod:`valduchesse.fetch`: replacing excerpts by full official texts (``allowlist``, ``client``, ``extract``,
  ``match``, ``write``, ``terminal``, ``errors``);
- :mod:`valduchesse.cli`: the command line (``python -m valduchesse``);
- :mod:`valduchesse.testing`: :mod:`~valduchesse.testing.pytest_plugin`, the test command's figure check and
  what to do when a notebook's outputs differ; :mod:`~valduchesse.testing.corpora`, corpora of many shapes
  for testing that every notebook copes with any folder of texts.

Each module declares its public API in ``__all__``; this package itself exports nothing.
"""

__all__ = []

__version__ = "0.1.0"
