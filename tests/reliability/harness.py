"""Running the train CLI the way a user does, for the reliability tests: a
tiny MLM run of 60 steps with a checkpoint every 10, and what to read back."""
import hashlib
import json
import os
import subprocess
import sys

from tests.xla_flags import xla_flags

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
STEPS = 60
EVERY = 10
TINY = ("--gin_file=gin_configs/experiments/pretrain_tiny.gin",
        f"--gin.TRAIN_STEPS={STEPS}", "--gin.BATCH_SIZE=8",
        "--gin.SEQUENCE_LENGTH=32", "--gin.TrainConfig.log_every=1",
        f"--gin.TrainConfig.checkpoint_every={EVERY}",
        f"--gin.TrainConfig.keep_checkpoints={STEPS // EVERY}",
        "--gin.TrainConfig.eval_every=0")


def train_command(*args: str) -> list[str]:
  return [sys.executable, "-m", "atm_jax.train", *TINY, *args]


def environment() -> dict[str, str]:
  """The test process's environment as a user's shell has it: one CPU
  device (not the suite's 8 fake ones), the repository importable from any
  working directory."""
  path = os.environ.get("PYTHONPATH")
  return {**os.environ, "XLA_FLAGS": xla_flags(1),
          "PYTHONPATH": ROOT + (os.pathsep + path if path else "")}


def run_train(*args: str, cwd: str = ROOT) -> subprocess.CompletedProcess:
  return subprocess.run(train_command(*args), cwd=cwd, env=environment(),
                        capture_output=True, text=True, timeout=600)


def losses(model_dir: str) -> dict[int, float]:
  """Train loss per step; a step logged twice (before a kill and after)
  keeps the later value."""
  found = {}
  with open(os.path.join(model_dir, "metrics.jsonl")) as f:
    for line in f:
      try:
        record = json.loads(line)
      except json.JSONDecodeError:  # the line a kill cut short
        continue
      if record["split"] == "train":
        found[record["step"]] = record["loss"]
  return found


def error_line(result: subprocess.CompletedProcess) -> str:
  """The one sentence a refused command ends with (exit 2, no traceback)."""
  assert result.returncode == 2, result.stderr[-3000:]
  assert "Traceback" not in result.stderr, result.stderr[-3000:]
  lines = result.stderr.strip().splitlines()
  assert lines[-1].startswith("error: "), result.stderr[-3000:]
  assert not any(line.startswith("error: ") for line in lines[:-1])
  return lines[-1]


def snapshot(folder: str) -> dict[str, str]:
  """Every file under `folder` with its SHA-256: equal snapshots mean a
  command changed nothing there."""
  files = {}
  for parent, _, names in os.walk(folder):
    for name in names:
      path = os.path.join(parent, name)
      with open(path, "rb") as f:
        files[os.path.relpath(path, folder)] = hashlib.sha256(
            f.read()).hexdigest()
  return files


def refusal_in_process(capsys, files, bindings) -> str:
  """The one line the train CLI prints for these gin files and bindings,
  run in this process (no start-up cost): exit code 2, one sentence."""
  import gin  # pylint: disable=g-import-not-at-top
  import pytest  # pylint: disable=g-import-not-at-top
  from atm_jax import cli, paths  # pylint: disable=g-import-not-at-top
  from atm_jax.trainer import loop  # pylint: disable=g-import-not-at-top

  def work():
    cli.parse_gin(files, list(bindings))
    paths.check_output_macro("MODEL_DIR")
    loop.train()
  gin.clear_config()
  try:
    with pytest.raises(SystemExit) as exited:
      cli.run_cleanly(work)
  finally:
    gin.clear_config()
  assert exited.value.code == 2
  lines = capsys.readouterr().err.strip().splitlines()
  assert len(lines) == 1 and lines[0].startswith("error: "), lines
  return lines[0].removeprefix("error: ")
