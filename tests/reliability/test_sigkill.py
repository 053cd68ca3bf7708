"""SIGKILL at random moments, during saves included: every rerun resumes
from the last complete checkpoint and ends with the uninterrupted losses.

RELIABILITY_KILLS sets how many kills (3 by default, two of them aimed at
saves; docs/reliability.md reports a longer campaign)."""
import glob
import os
import random
import signal
import subprocess
import time

import pytest

from tests.reliability import harness

pytestmark = pytest.mark.slow
KILLS = int(os.environ.get("RELIABILITY_KILLS", "3"))


def _temporary_folders(model_dir: str) -> set[tuple[str, int]]:
  """Orbax's folders of saves in progress, by name and inode (a save of the
  same step after a restart makes a new folder of the same name)."""
  found = glob.glob(os.path.join(model_dir, "checkpoints",
                                 "*.orbax-checkpoint-tmp*"))
  return {(path, os.stat(path).st_ino) for path in found
          if os.path.exists(path)}


def _trained_steps(model_dir: str) -> int:
  try:
    return max(harness.losses(model_dir), default=0)
  except FileNotFoundError:
    return 0


def _kill_once(command: list[str], model_dir: str, during_save: bool,
               rng: random.Random) -> str:
  """Starts training and SIGKILLs it: inside a save (as soon as a new
  temporary checkpoint folder shows) or at a random moment of training (a
  random 1 to 9 steps after the first new one, plus up to 20 ms). Returns
  where the kill landed: "save", "training" or "" if the run finished
  first."""
  left_over = _temporary_folders(model_dir)
  process = subprocess.Popen(command, cwd=harness.ROOT,
                             env=harness.environment(),
                             stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
  started = _trained_steps(model_dir)
  while process.poll() is None and _trained_steps(model_dir) <= started:
    time.sleep(0.005)
  target = _trained_steps(model_dir) + rng.randint(1, 9)
  delay = rng.uniform(0.0, 0.02)
  while process.poll() is None:
    saving = bool(_temporary_folders(model_dir) - left_over)
    if not during_save and _trained_steps(model_dir) >= target:
      time.sleep(delay)
    if saving if during_save else _trained_steps(model_dir) >= target:
      process.send_signal(signal.SIGKILL)
      process.wait()
      return ("save" if _temporary_folders(model_dir) - left_over
              else "training")
    time.sleep(0.001)
  return ""


def test_random_sigkills_resume_to_the_uninterrupted_losses(
    reference_run, same_inputs, tmp_path):
  model_dir = str(tmp_path / "killed")
  command = harness.train_command(f"--gin.MODEL_DIR='{model_dir}'",
                                  *same_inputs)
  rng = random.Random(KILLS)
  landed = [_kill_once(command, model_dir, index % 2 == 0, rng)
            for index in range(KILLS)]
  result = subprocess.run(command, cwd=harness.ROOT, env=harness.environment(),
                          capture_output=True, text=True, timeout=600)
  assert result.returncode == 0, result.stderr[-3000:]
  print(f"kills: {len(landed)}, during a save: {landed.count('save')}, "
        f"during training: {landed.count('training')}, "
        f"after the end: {landed.count('')}")
  assert landed.count("save") + landed.count("training") >= KILLS // 2
  assert harness.losses(model_dir) == harness.losses(reference_run)
