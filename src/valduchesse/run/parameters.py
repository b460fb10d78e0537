"""Parameters of the notebooks: reading the cell tagged ``parameters``, checking and converting given values.

Which parameters are paths, and which of those the notebooks write to, goes by name
(``INPUT_PATH_PARAMETERS``, ``OUTPUT_PATH_PARAMETERS``, ``PREFIX_PARAMETERS``).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat

from ..corpus_header import LANGUAGE_CHOICES, SUPPORTED_LANGUAGES

__all__ = [
    "EXAMPLE_VALUES", "FIGURES_PARAMETER", "INJECTED_TAG", "INPUT_PATH_PARAMETERS", "OUTPUT_PATH_PARAMETERS",
    "PARAMETERS_TAG", "PATH_SUFFIXES", "PREFIX_PARAMETERS", "ParameterError", "check_language_value",
    "check_parameters", "check_path_value", "fit_to_default", "is_language_parameter", "is_path_parameter",
    "is_written_parameter", "optional_parameters", "parse_value", "read_parameters", "resolve_paths",
]


PARAMETERS_TAG = "parameters"
INJECTED_TAG = "injected-parameters"
FIGURES_PARAMETER = "FIGURES_DIR"

# Which parameters are paths, and which of those the notebooks write to. Every path the runner or a
# notebook writes is checked before anything runs (:func:`.paths.check_written_paths`); a path that is only
# read may point anywhere, the committed texts/ and themes.yml included. The lists go by name:
INPUT_PATH_PARAMETERS = ("TEXTS_DIR", "THEMES_FILE", "CODING_FILE", "PASSAGES_FILE", "VALIDATION_FILE",
                         "THEMES_BEFORE_FILE", "THEMES_REVISION_1_FILE", "SPLIT_FILE",
                         "RULE_DECIDED_FILE")  # only read by the notebooks
OUTPUT_PATH_PARAMETERS = ("FIGURES_DIR", "OUTPUT_DIR")  # folders the notebooks write into
PREFIX_PARAMETERS = ("FIGURE_PREFIX",)  # start of the names of the files a notebook writes into FIGURES_DIR
# Any other NAME_DIR or NAME_FILE is a path too, and counts as written to (the safe side): add it to
# INPUT_PATH_PARAMETERS if the notebooks only read it.
PATH_SUFFIXES = ("_DIR", "_FILE")
EXAMPLE_VALUES = {"TEXTS_DIR": "my_texts", "THEMES_FILE": "my_themes.yml", "FIGURES_DIR": "output/my_figures",
                  "OUTPUT_DIR": "output/mine", "FIGURE_PREFIX": "my_corpus"}


class ParameterError(ValueError):
    """A parameter given on the command line does not fit the notebooks."""


def read_parameters(path: str | Path) -> dict[str, object]:
    """The parameters of a notebook: name -> default value, from its cell tagged ``parameters``.

    The cell must hold only assignments of literal values (numbers, strings,
    lists, tuples, dicts, True/False/None), so that the defaults can be read
    without running anything.

    Parameters
    ----------
    path : str or Path
        A notebook.

    Returns
    -------
    dict of str to object
        The default values by name, in the cell's order; empty for a notebook without such a cell.

    Raises
    ------
    ParameterError
        Naming the notebook and the cell's line that is not ``NAME = literal value``.
    """
    path = Path(path)
    notebook = nbformat.read(path, as_version=4)
    cells = [c for c in notebook.cells if PARAMETERS_TAG in c.metadata.get("tags", [])]
    if not cells:
        return {}
    parameters = {}
    for node in ast.parse(cells[0].source).body:
        target = node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else None
        try:
            if not isinstance(target, ast.Name):
                raise ValueError
            parameters[target.id] = ast.literal_eval(node.value)
        except ValueError:
            raise ParameterError(
                f"{path.name}, parameters cell, line {node.lineno}: only 'NAME = literal value' lines are "
                "allowed there (numbers, strings, lists, tuples, True, False, None)"
            ) from None
    return parameters


def optional_parameters(path: str | Path) -> set[str]:
    """The parameters of a notebook whose comment in its parameters cell offers None (e.g. "None to skip").

    Such a parameter accepts ``-p NAME None`` although its default is a path.

    Parameters
    ----------
    path : str or Path
        A notebook.

    Returns
    -------
    set of str
        The names of those parameters.
    """
    notebook = nbformat.read(Path(path), as_version=4)
    cells = [c for c in notebook.cells if PARAMETERS_TAG in c.metadata.get("tags", [])]
    if not cells:
        return set()
    names = set()
    for line in cells[0].source.splitlines():
        match = re.match(r"\s*([A-Za-z_]\w*)\s*=[^#]*#(.*)", line)
        if match and re.search(r"\bNone\b", match.group(2)):
            names.add(match.group(1))
    return names


def parse_value(text: str) -> object:
    """A command-line value as Python: ``6`` -> 6, ``[1, 2]`` -> list, ``None``; anything else stays text.

    Parameters
    ----------
    text : str
        The value as typed.

    Returns
    -------
    object
        ``ast.literal_eval(text)``, or ``text`` itself if it is not a Python literal.
    """
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def is_path_parameter(name: str) -> bool:
    """Whether the parameter ``name`` holds a path (or, for FIGURE_PREFIX, the start of file names).

    Parameters
    ----------
    name : str
        A parameter's name.

    Returns
    -------
    bool
        True for a name ending in ``_DIR`` or ``_FILE`` (:data:`PATH_SUFFIXES`) or in
        :data:`PREFIX_PARAMETERS`.
    """
    return name.endswith(PATH_SUFFIXES) or name in PREFIX_PARAMETERS


def is_written_parameter(name: str) -> bool:
    """Whether a notebook writes to the path held by ``name``, so that the runner must check it.

    Parameters
    ----------
    name : str
        A parameter's name.

    Returns
    -------
    bool
        True for the names in ``OUTPUT_PATH_PARAMETERS`` and ``PREFIX_PARAMETERS``; and, on the safe side,
        any other ``*_DIR`` or ``*_FILE`` that ``INPUT_PATH_PARAMETERS`` does not list as only read.
    """
    if name in INPUT_PATH_PARAMETERS:
        return False
    return name in OUTPUT_PATH_PARAMETERS or name in PREFIX_PARAMETERS or name.endswith(PATH_SUFFIXES)


def check_path_value(name: str, value: object, default: object = "", optional: bool = False) -> None:
    """A ParameterError unless ``value``, given for the path parameter ``name``, is a path as text.

    None is accepted where the notebook's default is None or the parameter is ``optional``. A number is
    refused rather than turned into a folder name: ``-p TEXTS_DIR 42`` is more likely a slip than a folder
    called 42 (``./42`` names that one).

    Parameters
    ----------
    name : str
        The path parameter's name.
    value : object
        The value given on the command line (:func:`parse_value`'s).
    default : object, optional
        The notebook's default for ``name``.
    optional : bool, optional
        Whether the parameter's comment in the parameters cell offers None (:func:`optional_parameters`).

    Raises
    ------
    ParameterError
        Saying what ``value`` is (a number, an empty text, no value, …) and giving an example path.
    """
    if (value is None and (default is None or optional)) or (isinstance(value, str) and value.strip()):
        return
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    kind = ("a number" if number else "an empty text" if isinstance(value, str) else
            "no value" if value is None else f"a {type(value).__name__}")
    example = EXAMPLE_VALUES.get(name, "my_folder" if name.endswith("_DIR") else "my_file")
    if name in PREFIX_PARAMETERS:
        raise ParameterError(f"parameter {name}: {value!r} is {kind}, not a name; give the start of the "
                             f"figure file names as text, e.g. -p {name} {example}")
    noun = "folder" if name.endswith("_DIR") else "file"
    named = f" (for a {noun} named {value}, write -p {name} ./{value})" if number else ""
    raise ParameterError(f"parameter {name}: {value!r} is {kind}, not a path; give the path of a {noun} as text, "
                         f"relative to where you run the command, e.g. -p {name} {example}{named}")


def fit_to_default(name: str, value: object, default: object) -> object:
    """``value`` converted to the type of ``default``, or a ParameterError saying what was expected.

    Parameters
    ----------
    name : str
        The parameter's name, for the error.
    value : object
        The value given on the command line.
    default : object
        The notebook's default value.

    Returns
    -------
    object
        ``value`` unchanged where a default of None accepts any value (or ``value`` is None); an int made a
        float for a float default; a list made a tuple for a tuple default, or a tuple a list for a list;
        otherwise ``value`` if it has the default's type (True/False only for a bool).

    Raises
    ------
    ParameterError
        If the types do not fit, naming the parameter, its default and its type.
    """
    if default is None or value is None:
        return value
    expected = type(default)
    if isinstance(default, bool) or isinstance(value, bool):
        ok = isinstance(value, bool) and isinstance(default, bool)
    elif isinstance(default, float):
        ok = isinstance(value, (int, float))
        value = float(value) if ok else value
    elif isinstance(default, (list, tuple)):
        ok = isinstance(value, (list, tuple))
        value = expected(value) if ok else value
    else:
        ok = isinstance(value, expected)
    if not ok:
        raise ParameterError(
            f"parameter {name}: {value!r} is a {type(value).__name__}, but its default {default!r} is a "
            f"{expected.__name__}; give a {expected.__name__}, e.g. -p {name} {default!r}"
        )
    return value


def resolve_paths(overrides: dict[str, object]) -> dict[str, object]:
    """Make relative paths given for ``*_DIR`` and ``*_FILE`` parameters absolute, from the current folder.

    The notebooks run in ``notebooks/``, so their defaults (``../texts``) are
    relative to it; a path typed on the command line is meant from where it
    was typed.

    Parameters
    ----------
    overrides : dict of str to object
        The values given on the command line, by name.

    Returns
    -------
    dict of str to object
        The same, with each string value of a ``*_DIR`` or ``*_FILE`` parameter resolved to an absolute path.
    """
    return {
        name: str(Path(value).resolve()) if name.endswith(PATH_SUFFIXES) and isinstance(value, str) else value
        for name, value in overrides.items()
    }


def check_parameters(paths: list[Path], overrides: dict[str, object]) -> dict[Path, dict[str, object]]:
    """The values to inject into each notebook, checked before anything runs.

    A name that no selected notebook has is an error listing the names they
    have; a value of the wrong type is an error naming the parameter and its
    default, a path parameter must be given as text (:func:`check_path_value`) and a language parameter
    must name a supported language (:func:`check_language_value`).

    Parameters
    ----------
    paths : list of Path
        The notebooks to run.
    overrides : dict of str to object
        The values given on the command line, by name.

    Returns
    -------
    dict of Path to dict
        For each notebook, only the overrides it has parameters for, fitted to their defaults' types
        (:func:`fit_to_default`).

    Raises
    ------
    ParameterError
        At the first name or value that does not fit.
    """
    defaults = {path: read_parameters(path) for path in paths}
    known = sorted({name for parameters in defaults.values() for name in parameters})
    unknown = [name for name in overrides if name not in known]
    if unknown:
        raise ParameterError(
            f"unknown parameter {unknown[0]}: the notebooks run here have {', '.join(known) or 'no parameters'} "
            "(names are case-sensitive)"
        )
    for path, parameters in defaults.items():
        optional = optional_parameters(path)
        for name, value in overrides.items():
            if name in parameters and is_path_parameter(name):
                check_path_value(name, value, parameters[name], name in optional)
            if name in parameters and is_language_parameter(name):
                check_language_value(name, value)
    return {
        path: {name: fit_to_default(name, value, parameters[name])
               for name, value in overrides.items() if name in parameters}
        for path, parameters in defaults.items()
    }


def is_language_parameter(name: str) -> bool:
    """Whether ``name`` holds a language: ``LANGUAGE``, ``*_LANGUAGE`` one code, ``*_LANGUAGES`` a list of them.

    Parameters
    ----------
    name : str
        A parameter's name.

    Returns
    -------
    bool
        True for those names.
    """
    return name == "LANGUAGE" or name.endswith(("_LANGUAGE", "_LANGUAGES"))


def check_language_value(name: str, value: object) -> None:
    """Refuse, before anything runs, a language the package does not support (None means 'from the texts').

    Parameters
    ----------
    name : str
        The language parameter's name.
    value : object
        A language code, None, or a list or tuple of them.

    Raises
    ------
    ParameterError
        Naming the first unsupported code and the supported ones.
    """
    values = value if isinstance(value, (list, tuple)) else [value]
    wrong = [v for v in values if v is not None and v not in SUPPORTED_LANGUAGES]
    if wrong:
        raise ParameterError(f"parameter {name}: {wrong[0]!r} is not a supported language; give one of "
                             f"{LANGUAGE_CHOICES}" + (", as a list, e.g. \"['fr', 'nl']\"" if name.endswith("S") else ""))
