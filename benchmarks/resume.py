"""What resuming a run costs, against how far it had come.

  .venv/bin/python benchmarks/resume.py --late_step=20000

Trains the tiny pretraining config to --early_step (a real run), then makes
a second run that stopped at --late_step: the same train state, with the
input stream advanced to batch --late_step and its position saved, as the
trainer saves it. What a resume costs depends on the data position and the
size of the state, not on the values in it. Each run is then resumed by
`atm_jax.train` for one more step and timed from process start to exit
(imports, restore, compile, one step), --repeats times, interleaved; the
late run is also timed with its saved position removed, which makes the
trainer replay the stream by skipping, as it did before positions were
saved. Target: late / early <= 2.
"""
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from absl import app, flags

from atm_jax import cli
from atm_jax.checkpoints import integrity

flags.DEFINE_integer("early_step", 20, "Step of the early run.")
flags.DEFINE_integer("late_step", 20_000, "Step of the late run.")
flags.DEFINE_integer("repeats", 3, "Timed resumes of each run.")
flags.DEFINE_integer("batch", 16, "Global batch size.")
flags.DEFINE_integer("length", 64, "Sequence length.")
FLAGS = flags.FLAGS


def _train_flags(model_dir: str, text: str, steps: int) -> list[str]:
  return ["--gin_file=gin_configs/experiments/pretrain_tiny.gin",
          f"--gin.MODEL_DIR='{model_dir}'", f"--gin.TEXT_GLOB='{text}'",
          f"--gin.TRAIN_STEPS={steps}", f"--gin.BATCH_SIZE={FLAGS.batch}",
          f"--gin.SEQUENCE_LENGTH={FLAGS.length}",
          f"--gin.TrainConfig.checkpoint_every={FLAGS.early_step}",
          "--gin.TrainConfig.eval_every=0",
          f"--gin.TrainConfig.log_every={FLAGS.early_step}"]


def _train(model_dir: str, text: str, steps: int) -> float:
  """Seconds `atm_jax.train` takes, start to exit."""
  started = time.perf_counter()
  subprocess.run([sys.executable, "-m", "atm_jax.train",
                  *_train_flags(model_dir, text, steps)],
                 cwd=cli.PROJECT_ROOT, check=True, capture_output=True)
  return time.perf_counter() - started


def _advanced_position(model_dir: str, text: str, batches: int) -> bytes:
  """The training stream's position after `batches` batches, read the way
  the trainer reads them (same gin config, task and pipeline)."""
  import gin  # pylint: disable=g-import-not-at-top
  from atm_jax import configurables  # noqa: F401 pylint: disable=g-import-not-at-top,unused-import
  from atm_jax.data import mlm_batches, registry  # pylint: disable=g-import-not-at-top
  from atm_jax.trainer.config import TrainConfig  # pylint: disable=g-import-not-at-top

  gin_file, *bindings = _train_flags(model_dir, text, batches)
  cli.parse_gin([gin_file[len("--gin_file="):]],
                [flag[len("--gin."):].replace("=", " = ", 1)
                 for flag in bindings])
  config = TrainConfig()
  task = registry.registered(config.task)
  stream = mlm_batches.mlm_batches(
      task.name, "train", config.sequence_length, config.batch_size,
      seed=config.seed, shuffle=True, num_epochs=None, pack=config.pack)
  started = time.perf_counter()
  for done in range(batches):
    next(stream)
    if done and done % 5000 == 0:
      print(f"  read {done} batches in {time.perf_counter() - started:.0f} s",
            flush=True)
  gin.clear_config()
  return stream.state()


def _late_run(early_dir: str, late_dir: str, position: bytes) -> None:
  """The early run's state, saved as step --late_step with `position`."""
  shutil.copytree(early_dir, late_dir)
  checkpoints = os.path.join(late_dir, "checkpoints")
  step_dir = os.path.join(checkpoints, str(FLAGS.late_step))
  os.rename(os.path.join(checkpoints, str(FLAGS.early_step)), step_dir)
  with open(os.path.join(step_dir, "input", "position.bin"), "wb") as f:
    f.write(position)
  with open(os.path.join(step_dir, "data", "metadata"), "w") as f:
    json.dump({"batches": FLAGS.late_step}, f)
  integrity.write_manifest(step_dir)


def _without_position(late_dir: str, replay_dir: str) -> None:
  shutil.copytree(late_dir, replay_dir)
  step_dir = os.path.join(replay_dir, "checkpoints", str(FLAGS.late_step))
  shutil.rmtree(os.path.join(step_dir, "input"))
  integrity.write_manifest(step_dir)


def _resume_seconds(run_dir: str, text: str, step: int) -> float:
  """One resume of a fresh copy of `run_dir` for one step."""
  with tempfile.TemporaryDirectory() as scratch:
    copy = os.path.join(scratch, "run")
    shutil.copytree(run_dir, copy)
    return _train(copy, text, step + 1)


def main(argv):
  del argv
  cli.quiet_libraries()
  from atm_jax.data.synthetic import write_text_file  # pylint: disable=g-import-not-at-top
  folder = tempfile.mkdtemp(prefix="resume-bench-")
  text = write_text_file(os.path.join(folder, "text.txt"), 20_000, seed=0)
  runs = {name: os.path.join(folder, name)
          for name in ("early", "late", "late_replayed")}
  print(f"Training {FLAGS.early_step} steps ...", flush=True)
  _train(runs["early"], text, FLAGS.early_step)
  print(f"Advancing the input stream to batch {FLAGS.late_step} ...",
        flush=True)
  position = _advanced_position(runs["early"], text, FLAGS.late_step)
  _late_run(runs["early"], runs["late"], position)
  _without_position(runs["late"], runs["late_replayed"])
  steps = {"early": FLAGS.early_step, "late": FLAGS.late_step,
           "late_replayed": FLAGS.late_step}
  seconds = {name: [] for name in runs}
  for repeat in range(FLAGS.repeats):
    for name, run_dir in runs.items():
      seconds[name].append(_resume_seconds(run_dir, text, steps[name]))
      print(f"repeat {repeat + 1}: resume {name} (step {steps[name]}) "
            f"{seconds[name][-1]:.1f} s", flush=True)
  medians = {name: statistics.median(times) for name, times in seconds.items()}
  result = {
      "early_step": FLAGS.early_step, "late_step": FLAGS.late_step,
      "position_bytes": len(position),
      "median_seconds": {k: round(v, 2) for k, v in medians.items()},
      "late_over_early": round(medians["late"] / medians["early"], 3),
      "replayed_over_early": round(medians["late_replayed"] / medians["early"],
                                   3),
      "load_average": os.getloadavg()[0],
  }
  print(json.dumps(result))
  shutil.rmtree(folder)


if __name__ == "__main__":
  app.run(main)
