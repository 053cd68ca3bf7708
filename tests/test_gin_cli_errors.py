"""`python -m atm_jax.train` refuses a misspelt or mistyped --gin setting in
one line on stderr, exit status 2, before the run writes its config."""
import os
import subprocess
import sys

import pytest

from atm_jax.data.synthetic import write_text_file
from tests.reliability import harness

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def text_glob(tmp_path_factory):
  folder = tmp_path_factory.mktemp("text")
  write_text_file(str(folder / "lines.txt"), 3000, seed=0)
  return str(folder / "*.txt")


def _refusal(model_dir, text_glob, setting) -> str:
  """The one `error:` line of a run with `setting` added (exit status 2, no
  traceback); the run must leave no config.gin."""
  command = [sys.executable, "-m", "atm_jax.train",
             "--gin_file=gin_configs/experiments/pretrain_tiny.gin",
             f"--gin.MODEL_DIR='{model_dir}'", f"--gin.TEXT_GLOB='{text_glob}'",
             setting]
  result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
  line = harness.error_line(result)
  assert not os.path.exists(os.path.join(model_dir, "config.gin"))
  return line


@pytest.mark.parametrize("setting, expected", [
    ("--gin.TRAIN_STEPZ=5",
     "error: --gin.TRAIN_STEPZ is not a setting of this config (no gin file "
     "uses %TRAIN_STEPZ); did you mean TRAIN_STEPS? See the header of the "
     "run's gin file for the settings it takes."),
    ("--gin.TRAIN_STEPS='abc'",
     "error: TrainConfig.train_steps must be an int, got 'abc' (a str); set "
     "it without quotes, e.g. --gin.TRAIN_STEPS=100, or fix the gin file "
     "that binds it."),
], ids=["misspelt_macro", "train_steps_in_quotes"])
def test_a_bad_setting_is_refused_in_one_line(tmp_path, text_glob, setting,
                                              expected):
  assert _refusal(str(tmp_path / "run"), text_glob, setting) == expected
