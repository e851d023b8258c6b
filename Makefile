# Essaim — the two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test test-wheel install install-dev translations lint bench clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("Essaim needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed translations

install-dev: $(VENV)/.installed-dev translations

# The French catalogue is compiled at install time (.mo files are not versioned).
translations: | $(BIN)/python
	$(BIN)/pybabel compile --use-fuzzy -d wiki/translations

run: install
	$(BIN)/essaim db upgrade
	$(BIN)/essaim demo
	$(BIN)/essaim run --host $(HOST) --port $(PORT)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# axe-core (npm registry, MPL-2.0) for the accessibility browser test; skipped with a message
# when npm is missing.
AXE_VERSION := 4.14.1
AXE := $(VENV)/share/axe-core/axe.min.js
$(AXE): | $(BIN)/python
	-mkdir -p $(dir $@) && cd $(dir $@) && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null \
	  && tar -xzf axe-core-$(AXE_VERSION).tgz --strip-components=1 package/axe.min.js \
	  && rm -f axe-core-$(AXE_VERSION).tgz

test: install-dev $(AXE)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -n 2 -q -m "not wheel"

# The wheel smoke test (minutes: build, fresh virtualenv, serve); .ci/run runs it after `make test`.
test-wheel: install-dev
	$(BIN)/python -m pytest -q -m wheel

bench: install-dev
	$(BIN)/python bench/search.py --sizes 1000 10000
	$(BIN)/python bench/render.py

# Refresh the catalogue after adding strings: extract, then merge into the .po files.
messages: | $(BIN)/python
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k _ln:1,2 -k lazy_ngettext:1,2 -o wiki/translations/messages.pot .
	$(BIN)/pybabel update -i wiki/translations/messages.pot -d wiki/translations --no-fuzzy-matching

clean:
	rm -rf $(VENV) *.egg-info
