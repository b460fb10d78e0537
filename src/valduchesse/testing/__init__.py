"""Tooling for the test command: :mod:`valduchesse.testing.pytest_plugin` (loaded with ``-p`` from pyproject.toml)."""
