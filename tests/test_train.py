"""`python -m atm_jax.train` end to end: artefacts, resume, clear errors.

Kills at random moments are tried in tests/reliability/test_sigkill.py."""
import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from atm_jax.data.synthetic import write_text_file
from tests.reliability import harness
from tests.xla_flags import xla_flags

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STEPS = 80
COMMON = ["--gin_file=gin_configs/experiments/pretrain_tiny.gin",
          f"--gin.TRAIN_STEPS={STEPS}", "--gin.BATCH_SIZE=16",
          "--gin.SEQUENCE_LENGTH=64", "--gin.TrainConfig.log_every=1",
          "--gin.TrainConfig.checkpoint_every=10",
          "--gin.TrainConfig.eval_every=0"]

pytestmark = pytest.mark.slow


def _command(*args):
  return [sys.executable, "-m", "atm_jax.train", *COMMON, *args]


def _run(*args, check=True):
  result = subprocess.run(_command(*args), cwd=ROOT, capture_output=True,
                          text=True, timeout=600)
  if check and result.returncode:
    raise AssertionError(f"train failed:\n{result.stderr[-3000:]}")
  return result


@pytest.fixture(scope="module")
def text_glob(tmp_path_factory):
  folder = tmp_path_factory.mktemp("text")
  write_text_file(str(folder / "lines.txt"), 6000, seed=0)
  return str(folder / "*.txt")


@pytest.fixture(scope="module")
def reference_run(tmp_path_factory, text_glob):
  model_dir = str(tmp_path_factory.mktemp("reference"))
  _run(f"--gin.MODEL_DIR='{model_dir}'", f"--gin.TEXT_GLOB='{text_glob}'")
  return model_dir


def test_run_writes_every_artefact_and_learns(reference_run):
  files = os.listdir(reference_run)
  assert {"config.gin", "metrics.jsonl", "checkpoints", "tensorboard",
          "vocab"} <= set(files)
  assert os.path.exists(os.path.join(reference_run, "vocab", "spm.model"))
  assert glob.glob(os.path.join(reference_run, "tensorboard", "events.*"))
  assert os.path.isdir(os.path.join(reference_run, "checkpoints", str(STEPS)))
  with open(os.path.join(reference_run, "config.gin")) as f:
    assert "EncoderConfig.num_layers = 2" in f.read()
  losses = harness.losses(reference_run)
  assert sorted(losses) == list(range(1, STEPS + 1))
  first, last = sum(losses[s] for s in range(1, 6)), sum(
      losses[s] for s in range(STEPS - 4, STEPS + 1))
  assert last < first - 5 * 0.5  # at least half a nat lower on average


def test_unset_model_dir_is_one_sentence(text_glob):
  line = harness.error_line(_run(f"--gin.TEXT_GLOB='{text_glob}'",
                                 check=False))
  assert "MODEL_DIR is required" in line and "--gin.MODEL_DIR" in line


def test_mesh_that_does_not_divide_the_devices(text_glob, tmp_path):
  line = harness.error_line(_run(f"--gin.MODEL_DIR='{tmp_path}'",
                          f"--gin.TEXT_GLOB='{text_glob}'",
                          "--gin.MeshConfig.data=3", check=False))
  assert "does not divide" in line


def test_text_glob_matching_nothing(tmp_path):
  line = harness.error_line(_run(f"--gin.MODEL_DIR='{tmp_path}'",
                          f"--gin.TEXT_GLOB='{tmp_path}/none/*.txt'",
                          check=False))
  assert "matches no file" in line and "TEXT_GLOB" in line


def test_checkpoint_of_another_size_is_refused_and_kept(reference_run,
                                                        text_glob):
  before = sorted(os.listdir(os.path.join(reference_run, "checkpoints")))
  line = harness.error_line(_run(f"--gin.MODEL_DIR='{reference_run}'",
                          f"--gin.TEXT_GLOB='{text_glob}'",
                          "--gin.EncoderConfig.embed_dim=32",
                          f"--gin.TRAIN_STEPS={STEPS + 10}", check=False))
  assert "does not match the model config" in line
  assert "(32" in line and "(64" in line and "checkpoints" in line
  assert sorted(os.listdir(os.path.join(reference_run, "checkpoints"))) == before


def test_init_checkpoint_starts_from_another_runs_parameters(reference_run,
                                                             text_glob,
                                                             tmp_path):
  vocab = os.path.join(reference_run, "vocab", "spm.model")
  _run(f"--gin.MODEL_DIR='{tmp_path}'", f"--gin.TEXT_GLOB='{text_glob}'",
       f"--gin.VOCAB_PATH='{vocab}'", f"--gin.INIT_CHECKPOINT='{reference_run}'",
       "--gin.TRAIN_STEPS=3")
  scratch_first = harness.losses(reference_run)[1]
  assert harness.losses(str(tmp_path))[1] < scratch_first - 0.5


def test_sigterm_saves_a_checkpoint_and_stops(reference_run, text_glob,
                                              tmp_path):
  vocab = os.path.join(reference_run, "vocab", "spm.model")
  command = _command(f"--gin.MODEL_DIR='{tmp_path}'",
                     f"--gin.TEXT_GLOB='{text_glob}'",
                     f"--gin.VOCAB_PATH='{vocab}'",
                     "--gin.TrainConfig.checkpoint_every=1000")
  process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True)
  metrics = tmp_path / "metrics.jsonl"
  while process.poll() is None:
    if metrics.exists() and metrics.read_text().count('"train"') >= 5:
      process.send_signal(signal.SIGTERM)
      break
    time.sleep(0.05)
  output, _ = process.communicate(timeout=300)
  assert process.returncode == 0, output[-2000:]
  assert "Stopped by SIGTERM" in output
  stopped_at = max(harness.losses(str(tmp_path)))
  assert stopped_at < STEPS
  assert os.listdir(tmp_path / "checkpoints") == [str(stopped_at)]


def test_resume_onto_another_mesh_shape(reference_run, text_glob, tmp_path):
  """A run saved on 1 device continues on 8 (data=4, model=2)."""
  model_dir = tmp_path / "copy"
  shutil.copytree(reference_run, model_dir)
  env = {**os.environ,
         "XLA_FLAGS": xla_flags(8)}
  result = subprocess.run(
      _command(f"--gin.MODEL_DIR='{model_dir}'",
               f"--gin.TEXT_GLOB='{text_glob}'",
               f"--gin.TRAIN_STEPS={STEPS + 3}", "--gin.MeshConfig.data=4",
               "--gin.MeshConfig.model=2"),
      cwd=ROOT, capture_output=True, text=True, timeout=600, env=env)
  assert result.returncode == 0, result.stderr[-3000:]
  assert f"Resuming from step {STEPS}" in result.stdout
  losses = harness.losses(str(model_dir))
  assert set(range(STEPS + 1, STEPS + 4)) <= set(losses)
  assert losses[STEPS + 3] < losses[1]


DISTILL = ["--gin_file=gin_configs/experiments/distill_tiny.gin",
           "--gin.TRAIN_STEPS=4", "--gin.BATCH_SIZE=16",
           "--gin.SEQUENCE_LENGTH=64", "--gin.TrainConfig.log_every=1",
           "--gin.TrainConfig.eval_every=0"]


def _distill(*args):
  return subprocess.run([sys.executable, "-m", "atm_jax.train", *DISTILL,
                         *args], cwd=ROOT, capture_output=True, text=True,
                        timeout=600)


def test_distillation_run_logs_every_loss_term(reference_run, text_glob,
                                               tmp_path):
  vocab = os.path.join(reference_run, "vocab", "spm.model")
  result = _distill(f"--gin.MODEL_DIR='{tmp_path}'",
                    f"--gin.TEXT_GLOB='{text_glob}'",
                    f"--gin.TEACHER_CHECKPOINT='{reference_run}'",
                    f"--gin.VOCAB_PATH='{vocab}'")
  assert result.returncode == 0, result.stderr[-3000:]
  with open(tmp_path / "metrics.jsonl") as f:
    last = [json.loads(line) for line in f][-1]
  assert {"kd", "mlm", "hidden", "agreement"} <= set(last)
  assert os.path.isdir(tmp_path / "checkpoints" / "4")


def test_distillation_refuses_another_vocabulary(reference_run, text_glob,
                                                 tmp_path):
  other_text = tmp_path / "other.txt"
  write_text_file(str(other_text), 3000, seed=7)
  other_vocab = tmp_path / "other.model"
  subprocess.run([sys.executable, "-m", "atm_jax.vocab",
                  f"--input_glob={other_text}", "--vocab_size=1000",
                  f"--output={other_vocab}"], cwd=ROOT, check=True,
                 capture_output=True)
  line = harness.error_line(_distill(f"--gin.MODEL_DIR='{tmp_path}/run'",
                              f"--gin.TEXT_GLOB='{text_glob}'",
                              f"--gin.TEACHER_CHECKPOINT='{reference_run}'",
                              f"--gin.VOCAB_PATH='{other_vocab}'"))
  assert "is not the teacher's" in line and "VOCAB_PATH" in line


def test_distillation_without_a_teacher_checkpoint(reference_run, text_glob,
                                                   tmp_path):
  vocab = os.path.join(reference_run, "vocab", "spm.model")
  line = harness.error_line(_distill(f"--gin.MODEL_DIR='{tmp_path}/run'",
                              f"--gin.TEXT_GLOB='{text_glob}'",
                              f"--gin.TEACHER_CHECKPOINT='{tmp_path}/none'",
                              f"--gin.VOCAB_PATH='{vocab}'"))
  assert "No checkpoint found" in line


def test_periodic_validation_compiles_the_eval_step_once(text_glob, tmp_path):
  result = subprocess.run(
      _command(f"--gin.MODEL_DIR='{tmp_path}'", f"--gin.TEXT_GLOB='{text_glob}'",
               "--gin.TRAIN_STEPS=6", "--gin.TrainConfig.eval_every=2",
               "--gin.TrainConfig.eval_batches=1"),
      cwd=ROOT, capture_output=True, text=True, timeout=600,
      env={**os.environ, "JAX_LOG_COMPILES": "1"})
  assert result.returncode == 0, result.stderr[-3000:]
  with open(tmp_path / "metrics.jsonl", encoding="utf-8") as f:
    records = [json.loads(line) for line in f]
  assert [record["step"] for record in records
          if record["split"] == "validation"] == [2, 4, 6]
  assert result.stderr.count("Compiling jit(eval_step)") == 1
