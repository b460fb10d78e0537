"""Tooling for the tests: :mod:`valduchesse.testing.pytest_plugin` (the test command's figure check, loaded with ``-p``
from pyproject.toml) and :mod:`valduchesse.testing.corpora` (corpora of many shapes for the notebooks' tests)."""

__all__ = []
