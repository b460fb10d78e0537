"""valduchesse.atomic_write: the one atomic write keeps a file's permissions, and a refusal keeps the old file."""

import os
import stat

import pytest

from valduchesse.atomic_write import replace_atomically, write_atomically


def test_an_atomic_write_keeps_the_files_permissions_and_a_refusal_keeps_the_old_file(tmp_path):
    path = tmp_path / "run.sh"
    path.write_bytes(b"old")
    os.chmod(path, 0o750)
    write_atomically(path, "new é")
    assert path.read_bytes() == "new é".encode() and stat.S_IMODE(path.stat().st_mode) == 0o750

    def refuse(temporary):
        assert temporary.read_bytes() == b"newer" and temporary.parent == tmp_path
        raise ValueError("not this one")

    with pytest.raises(ValueError, match="not this one"):
        write_atomically(path, b"newer", verify=refuse)
    assert path.read_bytes() == "new é".encode() and sorted(p.name for p in tmp_path.iterdir()) == ["run.sh"]
    made = write_atomically(tmp_path / "new" / "file.txt", b"x")  # folders are made
    assert made.read_bytes() == b"x" and stat.S_IMODE(made.stat().st_mode) & 0o644 == 0o644
    with pytest.raises(RuntimeError):
        replace_atomically(tmp_path / "other.txt", lambda temporary: (_ for _ in ()).throw(RuntimeError()))
    assert not (tmp_path / "other.txt").exists() and sorted(p.name for p in tmp_path.iterdir()) == ["new", "run.sh"]
