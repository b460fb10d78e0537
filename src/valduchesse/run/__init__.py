"""Run the collection: execute notebooks in a kernel of this environment, with parameters.

Modules: :mod:`~valduchesse.run.notebooks` (which notebooks), :mod:`~valduchesse.run.parameters`
(their parameters), :mod:`~valduchesse.run.guard` (the one write guard: what may be written where),
:mod:`~valduchesse.run.paths` (a run's paths, checked before it starts), :mod:`~valduchesse.run.execute`
(one notebook), :mod:`~valduchesse.run.collection` (many, side by side), :mod:`~valduchesse.run.progress`
(progress lines within long notebooks), :mod:`~valduchesse.run.times` (the start order),
:mod:`~valduchesse.run.determinism` (the reproduction checks), :mod:`~valduchesse.run.explorer` (the
explorer notebook, executed after the collection: ``python -m valduchesse.run.explorer``).

``python -m valduchesse run`` executes the notebooks that ``notebooks/collection.txt``
names, in its order (or the ones named on the command line; a numbered notebook
the list leaves out is named in the output, not run), top to bottom. Without parameters it
writes each back in place with its new outputs, and the notebooks rewrite the
figures; cell timings are not recorded, so that an unchanged result leaves the
files unchanged.

With parameters (``-p NAME VALUE``, papermill's convention) or an output
folder (``--output``) the committed notebooks and figures are never touched:
the values are checked against each notebook's cell tagged ``parameters``
before anything runs, injected in a cell tagged ``injected-parameters`` right
after it, and the executed copies go to the output folder, with the figures
in its ``figures/`` subfolder. Every path such a run writes (the output
folder, and the parameters the notebooks write to, see
``OUTPUT_PATH_PARAMETERS``) is resolved and refused if it falls inside the
repository's ``notebooks/``, ``figures/`` or ``texts/``, or is its root or a
file git tracks; parameters that are only read (``INPUT_PATH_PARAMETERS``)
may point anywhere.

A failing cell (an error, a timeout, a dead kernel) stops the run with the
notebook's name, the cell's number as JupyterLab shows the user's file
(every cell counts, from 1; the injected cell does not) and the error. The
executed notebook is then saved as ``<name>.failed.ipynb`` next to the output
(for a run in place, in the repository's ``output/``), with the error in its
outputs; the notebook itself is left as it was, and an output folder the run
created is removed if nothing was written into it.

The notebooks are independent: ``--jobs N`` (default: the number of cores)
executes N at a time, each in its own kernel, shut down after its last cell,
with one thread per numerical library; the progress lines still come one per
notebook, in the notebooks' order. A notebook that runs for more than a few
seconds also gets a line now and then on the terminal, never in the notebook,
named by the notebook, e.g. ``03_topic_clusters: cell 4/9, 12 s``
(:mod:`~valduchesse.run.progress`).

Only the run in place of the notebooks ``collection.txt`` names writes the
committed ``figures/``; a notebook executed in place outside it (a copy made in
JupyterLab, an edited notebook under another name) writes the figures meant for
them to ``output/figures/<notebook>/runner/``, and the run says where
(:mod:`valduchesse.figure_paths`). The longest notebooks start first (their
times in the last run in place on this machine, kept in the per-machine
cache folder as ``notebook-times.json``; a notebook never timed counts as the
shortest),
so that no core is left with one long notebook at the end.
:func:`~valduchesse.run.determinism.check_reproduction` runs the collection once on a copy and lists every
notebook or figure that differs from the committed one;
:func:`~valduchesse.run.determinism.check_determinism` runs it twice and lists every figure or notebook
output that differs between the runs.
"""

__all__ = []
