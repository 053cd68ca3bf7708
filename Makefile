# Set-up and checks. `make test` and `make demo` create .venv from nothing.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-requirements
export TF_CPP_MIN_LOG_LEVEL := 3

# Where `make demo` runs the pipeline; rerunning resumes or skips finished stages.
DEMO_DIR ?= demo_run

.PHONY: setup test demo clean-venv

setup: $(STAMP)

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip check
	touch $(STAMP)

test: $(STAMP)
	$(PY) -m pytest -q

demo: $(STAMP)
	$(PY) -m atm_jax.pipeline \
	  --gin_file=gin_configs/experiments/pipeline_tiny.gin \
	  --gin.WORK_DIR="'$(DEMO_DIR)'"

clean-venv:
	rm -rf $(VENV)
