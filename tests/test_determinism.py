"""A fresh run of the whole collection reproduces the committed notebooks and figures byte for byte.

The committed files came from an earlier run (``make run``), so one more run, on a copy of the
collection, checks determinism and reproduction at once, without running the collection twice.
"""

from valduchesse.__main__ import main
from valduchesse.runner import output_digests

from conftest import ROOT


def test_the_collection_reproduces_the_committed_notebooks_and_figures(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    status = main(["determinism", "--output", str(tmp_path)])
    captured = capsys.readouterr()
    assert status == 0, f"a fresh run differs from the committed files (re-run `make run`?):\n{captured.err}"
    assert "every notebook and figure is identical to the committed one" in captured.out
    copy = tmp_path / "collection"
    notebooks = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert sorted(p.name for p in (copy / "notebooks").glob("*.ipynb")) == notebooks
    made = sorted(p.name for p in (copy / "figures").iterdir())
    assert any(name.endswith(".svg") for name in made) and any(name.endswith(".png") for name in made)


def test_a_difference_between_two_runs_is_named(tmp_path):
    for run, colour in (("run-1", b"red"), ("run-2", b"blue")):
        (tmp_path / run / "figures").mkdir(parents=True)
        (tmp_path / run / "figures" / "a.svg").write_bytes(colour)
        (tmp_path / run / "figures" / "b.svg").write_bytes(b"same")
    first, second = output_digests(tmp_path / "run-1"), output_digests(tmp_path / "run-2")
    assert [name for name in first if first[name] != second[name]] == ["figures/a.svg"]
