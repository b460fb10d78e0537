# The verbs of the collection. See README.md.
#   make run    set up .venv (first time), execute every notebook in place, write every figure
#               (as many notebooks at a time as there are cores: make run JOBS=1 for one at a time), then the
#               explorer notebook (python -m valduchesse.run.explorer: in place, its widget views left out)
#   make test   set up .venv (first time), run the unit tests and strict nbval on every notebook, as many
#               tests at a time as there are cores (pytest-xdist); the figures nbval's run draws are compared
#               byte for byte with the committed ones (src/valduchesse/testing/pytest_plugin.py)
#   make test-slow  the end-to-end tests (kernels, JupyterLab, the report in Chromium, the collection on generated
#               corpora of many shapes; slow, CI runs them too); a test that starts a process must be marked slow
#   make lab    open the notebooks in JupyterLab (as root too, as in containers)
#   make kernel register this environment's kernel in a JupyterLab you already have ("Val Duchesse (.venv)")
#   make report render the executed notebooks to a small HTML site in build/report/
#   make browser install Debian's Chromium and its driver, for the report's browser test (root)
#   make setup  only set up .venv
#   make lock   re-resolve requirements.txt from pyproject.toml, extras test and lab included, then the universal lock
#               requirements-universal.txt (the same pins, with macOS's and Windows's own packages) and Binder's copy
#               binder/requirements.txt, and repin environment.yml (needs the package registry)
#
# Each verb but browser and lock runs tasks.py, the same verbs without make (Windows, macOS): one source of truth.
#   make run NO_VENV=1 PYTHON=python   use the environment PYTHON belongs to (conda: environment.yml) instead of .venv

PYTHON ?= python3.11
JOBS ?=
VENV ?= .venv
NO_VENV ?=
TASKS := $(PYTHON) tasks.py $(if $(NO_VENV),--no-venv,--venv $(VENV))

.PHONY: setup run test test-slow lab kernel report browser lock

# tasks.py sets up the environment first when needed: .venv/ from the lock (or NO_VENV's environment as it is),
# this project's package editable with its extras test and lab, matplotlib's font cache, the lemmatiser's tries.
setup:
	$(TASKS) setup

run:
	$(TASKS) run $(if $(JOBS),--jobs $(JOBS))

# One thread per library (OpenMP, OpenBLAS, MKL; unless set): tasks.py sets it for the tests and nbval's kernels.
test:
	$(TASKS) test

# The end-to-end tests, marked slow: kernels, JupyterLab, the report in Chromium, the collection on generated
# corpora of many shapes (CI runs them after the test command).
test-slow:
	$(TASKS) test-slow

# JupyterLab refuses to start as root unless told; tasks.py adds --allow-root when run as root (containers, CI).
lab:
	$(TASKS) lab

kernel:
	$(TASKS) kernel

report:
	$(TASKS) report

browser:
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver

lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet ".[test,lab]"
	# --all keeps setuptools (the build's and the metadata test's); pip itself is left out.
	{ head -n 2 requirements.txt; .lock-venv/bin/python -m pip freeze --all --exclude pip --exclude valduchesse; } > requirements.new
	mv requirements.new requirements.txt
	# The universal lock: requirements.txt's pins (as constraints) resolved for every platform by uv, installed in the
	# throwaway .lock-venv after the freeze (not a dependency of the project). Python >= 3.11.5: soupsieve needs it.
	.lock-venv/bin/python -m pip install --quiet uv==$(UV_VERSION)
	.lock-venv/bin/uv pip compile --quiet --universal --python-version 3.11.5 --no-header --annotation-style line \
		pyproject.toml --extra test --extra lab --constraint requirements.txt --output-file requirements-universal.new
	{ echo "$(UNIVERSAL_HEADER_1)"; echo "$(UNIVERSAL_HEADER_2)"; cat requirements-universal.new; } > requirements-universal.txt
	rm requirements-universal.new
	{ echo "$(BINDER_HEADER)"; tail -n +3 requirements.txt; } > binder/requirements.txt
	# environment.yml's pins (conda) follow the lock too.
	.lock-venv/bin/python -c '$(REPIN_ENVIRONMENT)'
	rm -rf .lock-venv

UV_VERSION := 0.13.9
UNIVERSAL_HEADER_1 := \# The universal lock: the pins of requirements.txt for Linux, macOS and Windows, with the packages only macOS or Windows need
UNIVERSAL_HEADER_2 := \# (marked), from 'make lock' (uv pip compile --universal, constrained by requirements.txt; Python 3.11.5 or later). tasks.py installs it on macOS and Windows.
BINDER_HEADER := \# Binder's copy of requirements.txt, written by 'make lock' (repo2docker reads no file outside binder/); tests/test_binder.py checks they agree.
REPIN_ENVIRONMENT := import re, pathlib; key = lambda name: re.sub(r"[-_.]+", "-", name).lower(); \
	pins = dict((key(name), version) for name, version in (line.split("==") for line in \
	pathlib.Path("requirements.txt").read_text().splitlines() if line and not line.startswith("\#"))); \
	path = pathlib.Path("environment.yml"); path.write_text(re.sub(r"^( +- )([A-Za-z0-9_.-]+)==(\S+)$$", \
	lambda m: m[1] + m[2] + "==" + pins[key(m[2])], path.read_text(), flags=re.M))
