# Set-up and checks. `make test` and `make demo` create .venv from nothing.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-requirements
export TF_CPP_MIN_LOG_LEVEL := 3

# Where `make demo` runs the pipeline; rerunning resumes or skips finished stages.
DEMO_DIR ?= demo_run

.PHONY: setup test demo bench clean-venv

setup: $(STAMP)

# The pinned requirements, then atm_jax and tasks themselves (editable, so
# the console scripts and `import tasks.x` work from any directory).
$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	$(PY) -m pip check
	touch $(STAMP)

# Two workers, a test file each at a time: most tests wait on a training
# process, so the second core is otherwise idle.
test: $(STAMP)
	$(PY) -m pytest -q -n 2 --dist loadfile

demo: $(STAMP)
	$(PY) -m atm_jax.pipeline \
	  --gin_file=gin_configs/experiments/pipeline_tiny.gin \
	  --gin.WORK_DIR="'$(DEMO_DIR)'"

# Speed against Hugging Face PyTorch, distillation overhead, input pipeline,
# serving latency (needs ../shared/data/massive);
# results in benchmarks/RESULTS.md. torch==2.13.0 must resolve to a CPU wheel
# (point pip at PyTorch's CPU index where none is on local disk).
bench: $(STAMP)
	$(PY) -m pip install --quiet -r requirements-bench.txt
	$(PY) benchmarks/compare_hf.py --models=student_17m,student_85m --batch=16
	$(PY) benchmarks/distill_step.py --student=student_17m --teacher=student_170m --batch=8 --length=128 --steps=3
	$(PY) benchmarks/input_pipeline.py --model=tiny --batch=32 --length=128
	$(PY) benchmarks/serving.py --models=tiny,student_17m --train_steps=60

clean-venv:
	rm -rf $(VENV)
