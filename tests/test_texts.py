"""texts/ holds the source corpus unchanged: the same files, byte for byte."""

import pytest

from conftest import ROOT, TEXTS

SOURCE = ROOT.parent / "shared" / "corpus" / "excerpts"


@pytest.mark.skipif(not SOURCE.is_dir(), reason="the source corpus (../shared/corpus) is not beside this checkout")
def test_every_source_file_is_copied_unchanged():
    sources = sorted(p.name for p in SOURCE.glob("*.txt"))
    assert sources, "the source corpus folder holds no texts"
    for name in sources:
        assert (TEXTS / name).read_bytes() == (SOURCE / name).read_bytes(), name
