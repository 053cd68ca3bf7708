"""Test set-up: 8 fake CPU devices (set before JAX starts), quiet TensorFlow,
and one compilation cache for all test processes (the suite's workers and
the CLI runs they start), so that each tiny config's step compiles once."""
import os

from tests.xla_flags import xla_flags

os.environ.setdefault("XLA_FLAGS", xla_flags(8))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("JAX_PLATFORMS", "cpu")
os.environ.setdefault(
    "JAX_COMPILATION_CACHE_DIR",
    os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                 ".pytest_cache", "jax_compilations"))

# The longest test files, started first so that `pytest -n 2` (make test)
# does not end with one worker running them alone.
_LONGEST_FIRST = ("tests/pipeline/test_cli.py", "tests/reliability/",
                  "tests/test_train.py", "tests/convert/test_converted_runs.py",
                  "tests/test_eval.py", "tests/trainer/test_distillation_step.py")


def pytest_collection_modifyitems(items):
  def rank(item):
    return next((index for index, prefix in enumerate(_LONGEST_FIRST)
                 if item.nodeid.startswith(prefix)), len(_LONGEST_FIRST))
  items.sort(key=rank)
