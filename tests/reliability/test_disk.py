"""A disk that fills up, a read-only disk: the run stops in one sentence
naming the failed save, removes its temporary folder, keeps every earlier
checkpoint intact, and a rerun with space resumes to the uninterrupted
losses.

The disk is a tmpfs, mounted where this machine lets the tests mount one (as
root), sized from the reference run's first checkpoint (train state and
input position) to hold two checkpoints of the tiny run but not a third;
elsewhere these tests are skipped, and
tests/checkpoints/test_manager.py fails a save inside orbax's commit and
refuses one that cannot fit, without a mount."""
import glob
import os
import subprocess
import uuid

import pytest

from atm_jax.checkpoints import integrity
from tests.reliability import harness

pytestmark = pytest.mark.slow


def _mount(folder: str, options: str) -> bool:
  result = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs",
                           folder], capture_output=True)
  return result.returncode == 0


def _disk(tmp_path, size: str):
  """A tmpfs of `size` in a new folder, or None where mounting is not
  allowed; unmounted after the test."""
  folder = str(tmp_path / f"disk-{uuid.uuid4().hex[:6]}")
  os.makedirs(folder)
  if not _mount(folder, f"size={size}"):
    yield None
    return
  yield folder
  subprocess.run(["umount", "-l", folder], check=False)


@pytest.fixture()
def small_disk(tmp_path):
  """A 16 MiB filesystem, or None where mounting is not allowed."""
  yield from _disk(tmp_path, "16m")


def _folder_bytes(folder: str) -> int:
  return sum(os.path.getsize(os.path.join(root, name))
             for root, _, names in os.walk(folder) for name in names)


@pytest.fixture()
def two_checkpoint_disk(tmp_path, reference_run):
  """Room for two of the reference run's checkpoints, not for a third."""
  first = sorted(os.listdir(_checkpoints(reference_run)), key=int)[0]
  size = _folder_bytes(os.path.join(_checkpoints(reference_run), first))
  yield from _disk(tmp_path, f"{int(2.5 * size) // 1024}k")


def _train(model_dir, same_inputs):
  return subprocess.run(
      harness.train_command(f"--gin.MODEL_DIR='{model_dir}'", *same_inputs),
      cwd=harness.ROOT, env=harness.environment(), capture_output=True,
      text=True, timeout=600)


def _checkpoints(model_dir):
  return os.path.join(model_dir, "checkpoints")


def _check_stopped_and_intact(line: str, cause: str, model_dir: str) -> None:
  assert line.startswith("error: Saving checkpoint step ")
  assert cause in line and "then rerun to resume from " in line
  assert not glob.glob(os.path.join(_checkpoints(model_dir), "*tmp*"))
  for step in os.listdir(_checkpoints(model_dir)):
    assert integrity.damage(os.path.join(_checkpoints(model_dir), step)) is None


def test_a_full_disk_stops_at_the_failed_save_and_loses_nothing(
    two_checkpoint_disk, same_inputs, reference_run):
  if two_checkpoint_disk is None:
    pytest.skip("mounting a tmpfs needs root; tests/checkpoints covers the "
                "failed save without one")
  model_dir = os.path.join(two_checkpoint_disk, "run")
  line = harness.error_line(_train(model_dir, same_inputs))
  _check_stopped_and_intact(line, "No space left on device", model_dir)
  assert os.listdir(_checkpoints(model_dir))
  assert _mount_more_space(two_checkpoint_disk)
  result = _train(model_dir, same_inputs)
  assert result.returncode == 0, result.stderr[-3000:]
  assert harness.losses(model_dir) == harness.losses(reference_run)


def _mount_more_space(folder):
  result = subprocess.run(["mount", "-o", "remount,size=64m", folder],
                          capture_output=True)
  return result.returncode == 0


def test_a_read_only_run_folder_is_one_sentence(small_disk, same_inputs):
  if small_disk is None:
    pytest.skip("mounting a read-only filesystem needs root; "
                "tests/test_paths.py covers the refusal")
  model_dir = os.path.join(small_disk, "run")
  os.makedirs(model_dir)
  subprocess.run(["mount", "-o", "remount,ro", small_disk], check=True)
  line = harness.error_line(_train(model_dir, same_inputs))
  assert line == (f"error: MODEL_DIR {model_dir} cannot be written (Read-only "
                  f"file system in {model_dir}); make the folder writable or "
                  "point MODEL_DIR at another one.")
