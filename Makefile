# One-command setup, demo and tests. The CPU build of torch that lies on disk is installed before
# sentence-transformers, so pip never fetches a multi-GB CUDA build.
VENV ?= .venv
PYTHON ?= python3
BIN = $(VENV)/bin
STAMP = $(VENV)/.installed

.PHONY: setup demo test lint clean vectors vendor browser

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP) browser

# The browser tests drive Debian's Chromium (never a downloaded browser): installed here when apt-get can.
browser:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; \
	else echo "note: the browser tests need Debian's chromium: sudo apt-get install chromium chromium-driver"; fi

demo: setup
	$(BIN)/pathways graph stats --format table
	$(BIN)/pathways roles list --band 3 --format table
	$(BIN)/pathways roles show "healthcare assistant" --format table
	$(BIN)/pathways overlap "healthcare assistant" "care worker" --format table
	$(BIN)/pathways similar-roles "care worker" --top 5 --format table
	$(BIN)/pathways routes "healthcare assistant" --format table
	$(BIN)/pathways team design integrated-neighbourhood-team --format table
	$(BIN)/pathways jd --blend "care worker" "healthcare assistant" --title "Holistic care worker" --format md

test: setup
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# Vendor the NHS design system's compiled CSS, JS and icons into web/static/nhsuk (needs npm; commit the result).
vendor: setup
	$(BIN)/python scripts/vendor_frontend.py

vectors: setup
	$(BIN)/python scripts/build_vectors.py
