"""The per-machine cache folder is written atomically: a whole file or none."""

import pytest

from valduchesse import cache
from valduchesse.atomic_write import replace_atomically


def test_a_failed_write_leaves_the_old_file_and_no_temporary_one(tmp_path):
    path = tmp_path / "folder" / "times.json"
    assert cache.write_atomically(path, b"old") and path.read_bytes() == b"old"

    def fails(temporary):
        temporary.write_bytes(b"half")
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        replace_atomically(path, fails)  # as the lemma cache writes its tries
    assert path.read_bytes() == b"old" and [p.name for p in path.parent.iterdir()] == ["times.json"]


def test_an_unwritable_place_is_reported_not_raised(tmp_path):
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    assert cache.write_atomically(blocker / "times.json", b"data") is False


def test_the_folder_is_the_environment_s_if_set(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV_FOLDER, str(tmp_path))
    assert cache.user_cache_folder() == tmp_path
