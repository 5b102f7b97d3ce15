# Quick start: `make demo` scans the bundled examples; `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DB ?= archive.db
# The team's shared folder (corpora) beside the repository; SHARED=DIR when it is elsewhere.
SHARED ?= ../shared

.PHONY: install demo test lint typecheck format corpus-check bench clean

# Python 3.11 or newer (PYTHON=python3.12 names another interpreter).
NEW_ENOUGH := import sys; sys.exit(sys.version_info < (3, 11))

# venv keeps the interpreter an existing venv links to, so a venv made by an older Python (a
# first try with it) or by one since removed is made anew rather than left to fail again.
# PYTHONWARNINGS: setuptools' boxed notice that an editable install of a package at the top
# of its folder reads that folder (true, and meant), with which a first make demo opened.
$(BIN)/archive: pyproject.toml
	@$(PYTHON) -c '$(NEW_ENOUGH)' 2>/dev/null || { found=$$($(PYTHON) -V 2>&1) || found="not found"; \
		echo "make: archiver needs Python 3.11 or newer; $(PYTHON): $$found" \
			"(PYTHON=python3.12 names another)" >&2; exit 1; }
	@$(BIN)/python -c '$(NEW_ENOUGH)' 2>/dev/null || rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	PYTHONWARNINGS='ignore:Editable installation' $(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(BIN)/archive

install: $(BIN)/archive

demo: install
	$(BIN)/archive scan examples/articles --db $(DB)
	$(BIN)/archive stats --db $(DB)

# Tests over the corpora in $(SHARED) skip, saying so, when it is absent.
test: install
	ARCHIVER_SHARED=$(abspath $(SHARED)) $(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

typecheck: install
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Recall and precision on the real-page corpus in ../shared (not part of the test suite).
corpus-check: install
	$(BIN)/python scripts/corpus_check.py $(SHARED)/corpus/real

# Every embed the scanner reports in a real crawl (../shared), by form, against the judgements
# in docs/crawl-check.md (no ground truth: each page was read and judged by hand).
.PHONY: crawl-check
crawl-check: install
	$(BIN)/python scripts/crawl_check.py $(SHARED)/corpus/crawl/news-1000.warc.gz

# The same pages as text converters flatten them (html2text, markdownify, inscriptis,
# trafilatura, and those of the optional line when they install: readability-lxml, newspaper4k,
# goose3, boilerpy3, jusText, html-text, Resiliparse; lynx, w3m and pandoc when on the PATH;
# Mozilla Readability when READABILITY_JS_DIR holds node_modules with it and jsdom), installed
# in a venv of their own: what the text detector reads there. The optional ones install one at
# a time, so that one that cannot install leaves the others (the pip a Python 3.11 venv comes
# with refused the whole line over two requests of lxml's extras: pip is upgraded first).
.PHONY: converted-check
converted-check: install
	test -x .venv-converters/bin/python || $(PYTHON) -m venv .venv-converters
	.venv-converters/bin/python -m pip install -q --upgrade pip
	.venv-converters/bin/pip install -q html2text markdownify inscriptis trafilatura lxml_html_clean
	-for package in readability-lxml newspaper4k tinysegmenter goose3 boilerpy3 justext html-text \
		resiliparse; do .venv-converters/bin/pip install -q $$package || echo "not installed: $$package"; done
	.venv-converters/bin/python scripts/convert_pages.py $(SHARED)/corpus/real build/converted
	$(BIN)/python scripts/converted_check.py build/converted

clean:
	rm -rf $(VENV) .venv-converters build/converted *.egg-info .pytest_cache .ruff_cache .mypy_cache $(DB) $(DB)-wal $(DB)-shm $(DB).worker.lock $(basename $(DB))-warc

# Headless Chromium against `archive serve`: screenshots into docs/, no archived script runs.
# Skips with a message when Chromium is not installed (Debian: apt-get install chromium).
.PHONY: browser-check
browser-check: install
	$(BIN)/python scripts/browser_check.py --out docs

# The long kill-loop (kill -9 of `archive scan` and `archive worker` at random points, the
# archive checked after each): ~10 minutes. ROUNDS=20 for a quick one.
.PHONY: soak
ROUNDS ?= 100
soak: install
	$(BIN)/python scripts/soak.py --rounds $(ROUNDS)

# Benchmarks: scan on generated pages and on the real mixes of ../shared/corpus (skipped with a
# message when absent), start-up, memory, snapshots, archive size; loopback only; 3–5 minutes
# on 2 cores. Results: bench/RESULTS.md.
bench: install
	$(BIN)/python bench/run.py --repeats 3 --write bench/RESULTS.md

# What keeping evidence costs the scan's parent process, and gzip levels (~1 minute; prints).
.PHONY: bench-evidence
bench-evidence: install
	$(BIN)/python bench/evidence.py --repeats 3

# archive crawl on local Dask clusters of 1 and 2 workers, and the WARC readers (~2 minutes).
.PHONY: bench-crawl
bench-crawl: install
	$(BIN)/python bench/crawl.py --repeats 3 --write bench/RESULTS.md
