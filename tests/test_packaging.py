"""The installed package: console scripts, and runs started outside the
repository with nothing on PYTHONPATH (gin's `import tasks.x` included)."""
import os
import subprocess
import sys

import pytest

from atm_jax.data.synthetic import write_text_file
from tests.xla_flags import xla_flags

SCRIPTS = ("atm-train", "atm-eval", "atm-pipeline", "atm-plan", "atm-vocab",
           "atm-convert", "atm-inspect-data", "atm-bag-of-words")
BIN = os.path.dirname(sys.executable)


def _outside_environment() -> dict[str, str]:
  """A user's shell: one CPU device, no PYTHONPATH pointing at the checkout."""
  environment = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
  environment["XLA_FLAGS"] = xla_flags(1)
  return environment


@pytest.mark.parametrize("script", SCRIPTS)
def test_console_script_prints_its_own_help(script, tmp_path):
  path = os.path.join(BIN, script)
  assert os.path.exists(path), (
      f"{script} is not installed; run `make setup` (pip install -e .)")
  result = subprocess.run([path, "--help"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120, env=_outside_environment())
  assert "Try --helpfull" in result.stdout + result.stderr
  first_line = (result.stdout + result.stderr).strip().splitlines()[0]
  assert not first_line.startswith("USAGE"), first_line  # a real description


def test_training_runs_from_another_directory_with_relative_paths(tmp_path):
  write_text_file(str(tmp_path / "text" / "lines.txt"), 3000, seed=0)
  result = subprocess.run(
      [os.path.join(BIN, "atm-train"),
       "--gin_file=gin_configs/experiments/pretrain_tiny.gin",
       "--gin.MODEL_DIR='run'", "--gin.TEXT_GLOB='text/*.txt'",
       "--gin.TRAIN_STEPS=3", "--gin.BATCH_SIZE=4",
       "--gin.SEQUENCE_LENGTH=32", "--gin.TrainConfig.eval_every=0"],
      cwd=tmp_path, capture_output=True, text=True, timeout=600,
      env=_outside_environment())
  assert result.returncode == 0, result.stderr[-3000:]
  assert os.path.isdir(tmp_path / "run" / "checkpoints" / "3")
  assert os.path.isfile(tmp_path / "run" / "vocab" / "spm.model")
