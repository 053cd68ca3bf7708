"""A loss that turns NaN stops the run in one sentence naming the real last
good checkpoint, or saying there is none yet."""
import os

import pytest

from tests.reliability import harness

pytestmark = pytest.mark.slow

# A learning rate that grows by 10 a step: finite but diverging losses, then
# NaN in the fourth checkpoint interval (step 37 on the machines tried).
DIVERGING = ("--gin.OptimizerConfig.peak_learning_rate=1e3",
             "--gin.OptimizerConfig.warmup_steps=100")


def test_nan_names_the_last_good_checkpoint(same_inputs, tmp_path):
  model_dir = str(tmp_path / "nan")
  line = harness.error_line(harness.run_train(
      f"--gin.MODEL_DIR='{model_dir}'", *same_inputs, *DIVERGING))
  checkpoints = sorted(int(step) for step in
                       os.listdir(os.path.join(model_dir, "checkpoints")))
  assert line.startswith("error: The loss or gradient became NaN/inf at "
                         "step ")
  assert (f"training stopped and the last good checkpoint (step "
          f"{checkpoints[-1]}) is kept" in line)
  assert max(harness.losses(model_dir)) > checkpoints[-1]


def test_nan_before_any_checkpoint_says_none_exists(same_inputs, tmp_path):
  """The same run (and compiled step) with its first checkpoint due after
  the NaN."""
  model_dir = str(tmp_path / "nan_early")
  line = harness.error_line(harness.run_train(
      f"--gin.MODEL_DIR='{model_dir}'", *same_inputs, *DIVERGING,
      "--gin.TrainConfig.checkpoint_every=50"))
  assert "no checkpoint had been saved yet" in line
  assert not os.listdir(os.path.join(model_dir, "checkpoints"))
