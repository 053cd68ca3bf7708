"""Damaged checkpoints are set aside and the rerun falls back to the newest
intact one, ending with the uninterrupted losses; with no intact step left,
the run stops in one sentence. Every kind of damage seen on real disks
(tests/reliability/damage.py) is tried at once, one kind per step, so one
rerun walks back through all of them (tests/checkpoints/test_manager.py
tries each kind alone)."""
import os

import pytest

from tests.reliability import damage, harness

pytestmark = pytest.mark.slow


def test_rerun_sets_aside_each_damaged_step_and_resumes(
    reference_run, copy_of_reference, text_glob):
  checkpoints = os.path.join(copy_of_reference, "checkpoints")
  newest_first = range(harness.STEPS, 0, -harness.EVERY)
  damaged = dict(zip(newest_first, sorted(damage.KINDS)))
  for step, kind in damaged.items():
    damage.KINDS[kind](os.path.join(checkpoints, str(step)))
  result = harness.run_train(f"--gin.MODEL_DIR='{copy_of_reference}'",
                             f"--gin.TEXT_GLOB='{text_glob}'")
  assert result.returncode == 0, result.stderr[-3000:]
  intact = min(damaged) - harness.EVERY
  for step, kind in damaged.items():
    line = (f"Checkpoint step {step} is damaged (", "; set it aside as "
            f"{os.path.join(checkpoints, str(step))}.damaged and resumed "
            f"from step {intact} instead.")
    assert all(part in result.stdout for part in line), kind
    assert f"{step}.damaged" in os.listdir(checkpoints)
  assert f"Resuming from step {intact}" in result.stdout
  assert harness.losses(copy_of_reference) == harness.losses(reference_run)


def test_no_intact_checkpoint_left_is_one_sentence_naming_the_folder(
    copy_of_reference, text_glob):
  checkpoints = os.path.join(copy_of_reference, "checkpoints")
  steps = sorted(os.listdir(checkpoints))
  for step in steps:
    damage.zero_block_in_array_file(os.path.join(checkpoints, step))
  config_before = harness.snapshot(copy_of_reference)["config.gin"]
  line = harness.error_line(harness.run_train(
      f"--gin.MODEL_DIR='{copy_of_reference}'",
      f"--gin.TEXT_GLOB='{text_glob}'"))
  assert line.startswith(f"error: No intact checkpoint is left in "
                         f"{checkpoints}: ")
  assert sorted(os.listdir(checkpoints)) == sorted(
      f"{s}.damaged" for s in steps)
  assert harness.snapshot(copy_of_reference)["config.gin"] == config_before
