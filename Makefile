# The verbs of the collection. See README.md.
#   make run    set up .venv (first time), execute every notebook in place, write every figure
#               (as many notebooks at a time as there are cores: make run JOBS=1 for one at a time),
#               then the explorer (notebooks/explorer.ipynb, python -m valduchesse.explore)
#   make test   set up .venv (first time), run the unit tests and strict nbval on every notebook, as many
#               tests at a time as there are cores (pytest-xdist); the figures nbval's run draws are compared
#               byte for byte with the committed ones (src/valduchesse/testing/pytest_plugin.py); the slow suite
#               of generated corpora (marker corpora) is left out
#   make test-corpora  the notebooks on generated corpora (pytest -m corpora), slow; CI runs it after make test
#   make lab    open the notebooks in JupyterLab (as root too, as in containers)
#   make kernel register this environment's kernel in a JupyterLab you already have ("Val Duchesse (.venv)")
#   make report render the executed notebooks to a small HTML site in build/report/
#   make browser install Debian's Chromium and its driver, for the report's browser test (root)
#   make lock   re-resolve requirements.txt from pyproject.toml, extras test and lab included (needs the package registry)

PYTHON ?= python3.11
JOBS ?=
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test test-corpora lab kernel report browser lock

$(VENV)/.installed: requirements.txt pyproject.toml
	@echo "[1/4] creating the virtual environment in $(VENV)/ with $(PYTHON)"
	$(PYTHON) -m venv $(VENV)
	@echo "[2/4] installing the pinned packages of requirements.txt (about 150 MB the first time; pip shows each)"
	$(BIN)/python -m pip install --progress-bar off --requirement requirements.txt
	@echo "[3/4] installing this project's package (src/valduchesse, editable, with its extras test and lab)"
	# --no-deps: every dependency, the extras' included, is already installed at its locked version.
	$(BIN)/python -m pip install --quiet --no-deps --editable ".[test,lab]"
	@echo "[4/4] building matplotlib's font cache and the lemmatiser's language tries, once"
	# Build matplotlib's font cache now, so that no notebook prints that it is building it.
	$(BIN)/python -c "import matplotlib.pyplot"
	# Build simplemma's language data as tries once for this machine (see src/valduchesse/lemma_cache.py), so
	# that the first run's notebooks, executed side by side, do not each build them.
	$(BIN)/python -m valduchesse.lemma_cache > /dev/null
	touch $@

run: $(VENV)/.installed
	$(BIN)/python -m valduchesse run $(if $(JOBS),--jobs $(JOBS))
	# The explorer (not one of the collection's notebooks): executed in place, its widget views left out.
	$(BIN)/python -m valduchesse.explore

# One thread per library (OpenMP, OpenBLAS, MKL; unless set), as the runner does for its kernels: the tests and the kernels
# nbval starts (which inherit it) then do not ask for more threads than the cores have.
THREADS_PER_LIBRARY := OMP_NUM_THREADS=$${OMP_NUM_THREADS:-1} OPENBLAS_NUM_THREADS=$${OPENBLAS_NUM_THREADS:-1} \
	MKL_NUM_THREADS=$${MKL_NUM_THREADS:-1}

test: $(VENV)/.installed
	$(THREADS_PER_LIBRARY) $(BIN)/python -m pytest --nbval --nbval-current-env -n logical --dist loadscope -m "not corpora" tests notebooks

test-corpora: $(VENV)/.installed
	$(THREADS_PER_LIBRARY) $(BIN)/python -m pytest -m corpora -n logical tests

# JupyterLab refuses to start as root unless told; containers and CI run as root, so say it when that is the case.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: $(VENV)/.installed
	$(BIN)/jupyter lab notebooks $(ALLOW_ROOT)

kernel: $(VENV)/.installed
	$(BIN)/python -m ipykernel install --user --name valduchesse --display-name "Val Duchesse (.venv)"

report: $(VENV)/.installed
	$(BIN)/python -m valduchesse report

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
	rm -rf .lock-venv
