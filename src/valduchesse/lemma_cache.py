"""simplemma's language data as tries, built once per machine instead of decoded in every process.

simplemma ships each language's dictionary compressed and front-coded, and every process that
lemmatises (or detects languages) decodes it anew into a Python dictionary: a second or more for
German (1.1 million entries), a fraction of that for the others, in every kernel of every notebook.
This module makes simplemma's default dictionaries come from its own trie-backed factory
(``TrieDictionaryFactory``, on the `marisa-trie` package), with each language's trie saved once in the
per-machine cache folder (:mod:`valduchesse.cache`): a kernel then loads a language in a millisecond
or two, and looks a word up in a few microseconds. The tries hold the same data and are looked up
the same way, so every lemma and every language score is the same; only the time changes.

- **Where:** ``lemma-data/simplemma-VERSION/marisa-trie-VERSION/LANG.dic`` in the cache folder, so
  that a new simplemma (new data) or marisa-trie (new file format) gets new files. About 12 MB for de,
  en, fr and nl. Old versions' folders are left alone (another environment may use them).
- **Safe with several processes:** a trie is saved under a temporary name and renamed into place, so
  a reader sees a whole file or none; two processes missing the cache at once both build it, and the
  last rename wins with the same content. A file that cannot be loaded is rebuilt (simplemma logs a
  warning). If the cache folder cannot be written, each process builds the tries in memory.
- **Off switch:** ``VALDUCHESSE_LEMMA_CACHE=off`` leaves simplemma as it is.

Importing the module is enough (:mod:`valduchesse.preprocess` does). ``python -m
valduchesse.lemma_cache [LANGUAGE ...]`` builds the tries ahead of time (default: the collection's
languages) and prints where they are; ``make`` does it at setup.
"""

from __future__ import annotations

import os
import sys
from importlib.metadata import version
from pathlib import Path

from .atomic_write import replace_atomically
from .cache import user_cache_folder
from .corpus_header import SUPPORTED_LANGUAGES

__all__ = ["ENV_SWITCH", "cache_folder", "install", "main", "trie_file"]

ENV_SWITCH = "VALDUCHESSE_LEMMA_CACHE"

try:  # simplemma's trie factory and the default factory it replaces; without them this module does nothing
    from simplemma import __version__ as SIMPLEMMA_VERSION
    from simplemma.strategies.dictionaries.dictionary_factory import DEFAULT_DICTIONARY_FACTORY
    from simplemma.strategies.dictionaries.trie_dictionary_factory import TrieDictionaryFactory

    MARISA_VERSION = version("marisa-trie")
except (ImportError, AttributeError):  # pragma: no cover - another simplemma layout, or no marisa-trie
    TrieDictionaryFactory = None


if TrieDictionaryFactory is not None:

    class CachedTries(TrieDictionaryFactory):
        """simplemma's trie factory, saving each language's trie atomically in :func:`cache_folder`."""

        def __init__(self) -> None:
            super().__init__(disk_cache_dir=str(cache_folder()))

        def _write_trie_to_disk(self, lang: str, trie) -> None:
            replace_atomically(self._cache_dir / f"{lang}.dic", lambda temporary: trie.save(str(temporary)))


def cache_folder() -> Path:
    """The folder of this simplemma and marisa-trie version's tries.

    Returns
    -------
    Path
        ``lemma-data/simplemma-<version>/marisa-trie-<version>`` in the per-machine cache folder
        (:func:`valduchesse.cache.user_cache_folder`).
    """
    return (user_cache_folder() / "lemma-data" / f"simplemma-{SIMPLEMMA_VERSION}"
            / f"marisa-trie-{MARISA_VERSION}")


def trie_file(language: str) -> Path:
    """The cached trie of ``language``.

    Parameters
    ----------
    language : str
        A language code simplemma knows (e.g. ``fr``).

    Returns
    -------
    Path
        ``<language>.dic`` in :func:`cache_folder` (it may not exist yet).
    """
    return cache_folder() / f"{language}.dic"


def install() -> bool:
    """Make simplemma's default dictionaries come from the cached tries; False if switched off or not possible.

    Returns
    -------
    bool
        True if simplemma's default dictionary factory now reads the cached tries; False if simplemma's trie
        factory or marisa-trie is missing, or ``$VALDUCHESSE_LEMMA_CACHE`` (:data:`ENV_SWITCH`) is ``0``,
        ``off``, ``no`` or ``false``.
    """
    if TrieDictionaryFactory is None or os.environ.get(ENV_SWITCH, "").strip().lower() in ("0", "off", "no", "false"):
        return False
    DEFAULT_DICTIONARY_FACTORY._get_dictionary = CachedTries().get_dictionary
    return True


def main(argv: list[str] | None = None) -> int:
    """Build (or load) the cached trie of each language and print where it is: ``python -m valduchesse.lemma_cache``.

    Parameters
    ----------
    argv : list of str, optional
        Language codes; default: the command line's arguments, else every language simplemma supports.

    Returns
    -------
    int
        The exit status: 0, or 1 (with a message on stderr) if simplemma's trie factory or marisa-trie is
        missing.
    """
    languages = (argv if argv is not None else sys.argv[1:]) or sorted(SUPPORTED_LANGUAGES)
    if TrieDictionaryFactory is None:
        print("simplemma's trie factory or marisa-trie is missing: the language data is not cached", file=sys.stderr)
        return 1
    tries = CachedTries()
    for language in languages:
        tries.get_dictionary(language)
        print(f"{language}: {trie_file(language)}")
    return 0


install()

if __name__ == "__main__":
    sys.exit(main())
