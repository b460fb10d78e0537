"""The figures, by family; one look for all of them, saved so that a rerun gives the same bytes.

- :mod:`valduchesse.plotting.style`: palette, the collection's look, :func:`~valduchesse.plotting.style.save_figure`
  (PNG and SVG, byte-identical on rerun, with a caption), showing the saved PNG;
- :mod:`valduchesse.plotting.corpus`: which texts each meeting has (notebook 00);
- :mod:`valduchesse.plotting.terms`: keyness and similarity;
- :mod:`valduchesse.plotting.themes`: theme shares (dictionary and hand-coded) and dated theme rates;
- :mod:`valduchesse.plotting.topics`: the clusters' stability and agreement (notebook 03);
- :mod:`valduchesse.plotting.agenda`: detection power and the agenda by meeting (notebook 06).

Where a figure file goes is decided by :mod:`valduchesse.figure_paths`, which imports no plotting library.
"""

__all__ = []
