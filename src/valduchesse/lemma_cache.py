"""simplemma's language data, decoded once per machine instead of once per process.

simplemma ships each language's dictionary compressed and front-coded, and every process that
lemmatises (or detects languages) decodes it anew: a second or more for German (1.1 million
entries), a fraction of that for the others, in every kernel of every notebook. This module keeps
each decoded dictionary in the user's cache folder and loads it from there, several times faster.

Importing the module is enough (:mod:`valduchesse.preprocess` does): it points simplemma's
default dictionary loader at :func:`load_dictionary`. The dictionaries are the same mappings,
so every lemma and every language score is the same; only the time to get them changes.

- **Where:** ``$VALDUCHESSE_CACHE_DIR`` if set, else the user cache folder
  (``~/.cache/valduchesse`` on Linux, via platformdirs), in ``lemma-data/simplemma-VERSION/``:
  one file per language, named with a digest of simplemma's own data file, so that a new
  simplemma version (or changed data) gets new files. About 40 MB for de, en, fr and nl. Old
  versions' folders are left alone (another environment may use them); delete the folder at will.
- **Safe with several processes:** a file is written under a temporary name in the same folder and
  renamed into place (an atomic replacement), so a reader sees a whole file or none; two
  processes missing the cache at once both decode, and the last rename wins with the same content.
  A file that cannot be read, does not match, or is not a plain ``dict`` of ``bytes`` is rebuilt.
  Loading never runs code from the file: the unpickler refuses every class or function.
- **Off switch:** ``VALDUCHESSE_LEMMA_CACHE=off`` leaves simplemma as it is. If the cache folder
  cannot be written, the data is decoded as before, without an error.

``python -m valduchesse.lemma_cache [LANGUAGE ...]`` fills the cache ahead of time (default: the
collection's languages) and prints where it is.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import sys
import tempfile
from pathlib import Path

FORMAT = 1  # bump when the layout of the cached files changes
ENV_FOLDER = "VALDUCHESSE_CACHE_DIR"
ENV_SWITCH = "VALDUCHESSE_LEMMA_CACHE"
DEFAULT_LANGUAGES = ("de", "en", "fr", "nl")

try:  # simplemma's internals this module relies on; without them it does nothing
    from simplemma import __version__ as SIMPLEMMA_VERSION
    from simplemma.strategies.dictionaries import dictionary_factory as _factory

    _DECODE = _factory._load_dictionary_from_disk
    _DATA_FOLDER = Path(_factory.DATA_FOLDER)
except (ImportError, AttributeError):  # pragma: no cover - another simplemma layout
    _factory = None


def user_cache_folder() -> Path:
    """The collection's per-machine cache folder: ``$VALDUCHESSE_CACHE_DIR``, else the user cache folder."""
    base = os.environ.get(ENV_FOLDER)
    if not base:
        try:
            from platformdirs import user_cache_dir

            base = user_cache_dir("valduchesse", appauthor=False)
        except ImportError:  # pragma: no cover - platformdirs comes with Jupyter
            base = str(Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "valduchesse")
    return Path(base)


def cache_folder() -> Path:
    """The folder of this simplemma version's cached dictionaries."""
    return user_cache_folder() / "lemma-data" / f"simplemma-{SIMPLEMMA_VERSION}"


def source_file(language: str) -> Path:
    """simplemma's own compressed data file for ``language``."""
    return _DATA_FOLDER / f"{language}.plzma"


def cache_file(language: str) -> Path:
    """The cached dictionary of ``language``, named by a digest of simplemma's data file."""
    digest = hashlib.sha256(source_file(language).read_bytes()).hexdigest()[:16]
    return cache_folder() / f"{language}-{digest}-v{FORMAT}.pickle"


class _DataOnly(pickle.Unpickler):
    """An unpickler of plain data: a file naming any class or function is refused, not run."""

    def find_class(self, module: str, name: str):
        raise pickle.UnpicklingError(f"refused: the cache file names {module}.{name}")


def read_cached(path: Path) -> dict[bytes, bytes] | None:
    """The dictionary in ``path``, or None if it is missing, unreadable or not a dict of bytes."""
    try:
        data = path.read_bytes()
        dictionary = _DataOnly(io.BytesIO(data)).load()
    except (OSError, EOFError, ValueError, TypeError, pickle.UnpicklingError, MemoryError, IndexError, KeyError):
        return None
    if not isinstance(dictionary, dict) or not dictionary:
        return None
    key, value = next(iter(dictionary.items()))
    return dictionary if isinstance(key, bytes) and isinstance(value, bytes) else None


def write_atomically(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` under a temporary name, then rename it into place; False on failure."""
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False) as out:
            temporary = Path(out.name)
            out.write(data)
        os.replace(temporary, path)
        return True
    except OSError:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        return False


def load_dictionary(language: str) -> dict[bytes, bytes]:
    """simplemma's dictionary for ``language``: from the cache, or decoded and then cached."""
    path = None
    try:
        path = cache_file(language)
    except OSError:
        pass  # an unknown language: let simplemma say so
    if path is not None:
        dictionary = read_cached(path)
        if dictionary is not None:
            return dictionary
    dictionary = _DECODE(language)
    if path is not None:
        write_atomically(path, pickle.dumps(dictionary, protocol=pickle.HIGHEST_PROTOCOL))
    return dictionary


def install() -> bool:
    """Make simplemma's default dictionaries come from the cache; False if switched off or not possible."""
    if _factory is None or os.environ.get(ENV_SWITCH, "").strip().lower() in ("0", "off", "no", "false"):
        return False
    _factory._load_dictionary_from_disk = load_dictionary
    return True


def main(argv: list[str] | None = None) -> int:
    languages = (argv if argv is not None else sys.argv[1:]) or list(DEFAULT_LANGUAGES)
    if _factory is None:
        print("this simplemma has another layout: its language data is not cached", file=sys.stderr)
        return 1
    for language in languages:
        load_dictionary(language)
        print(f"{language}: {cache_file(language)}")
    return 0


INSTALLED = install()

if __name__ == "__main__":
    sys.exit(main())
