"""The whole collection, run twice, gives byte-identical figures and identical notebook outputs."""

from valduchesse.__main__ import main
from valduchesse.runner import output_digests

from conftest import ROOT


def test_collection_is_deterministic(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert main(["determinism", "--output", str(tmp_path)]) == 0
    assert "deterministic: every figure and notebook output is identical" in capsys.readouterr().out
    digests = output_digests(tmp_path / "run-1")
    assert any(name.startswith("figures/") and name.endswith(".svg") for name in digests)
    assert sum(name.endswith(".ipynb") for name in digests) == len(list((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")))


def test_a_difference_is_named(tmp_path):
    for run, colour in (("run-1", b"red"), ("run-2", b"blue")):
        (tmp_path / run / "figures").mkdir(parents=True)
        (tmp_path / run / "figures" / "a.svg").write_bytes(colour)
        (tmp_path / run / "figures" / "b.svg").write_bytes(b"same")
    first, second = output_digests(tmp_path / "run-1"), output_digests(tmp_path / "run-2")
    assert [name for name in first if first[name] != second[name]] == ["figures/a.svg"]
