"""`python -m atm_jax.eval` on a fine-tuning run: metrics per checkpoint, skips,
unseen labels, clear errors."""
import glob
import json
import os
import subprocess
import sys

import pytest

from atm_jax.data.synthetic_nlu import write_nlu_dataset
from atm_jax.data.vocabulary import train_sentencepiece

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
pytestmark = pytest.mark.slow


def _command(module, *args):
  return subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT,
                        capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def nlu_data(tmp_path_factory):
  """Generated en-US MASSIVE-format data, one test intent made unseen."""
  folder = tmp_path_factory.mktemp("nlu")
  written = write_nlu_dataset(str(folder), seed=0, locales=["en-US"],
                              sizes={"train": 400, "dev": 50, "test": 60,
                                     "unlabelled": 800})
  path = written["en-US"]["jsonl"]
  lines = open(path).read().splitlines()
  for index, line in enumerate(lines):
    record = json.loads(line)
    if record["partition"] == "test":
      record["intent"] = "brand_new_intent"
      lines[index] = json.dumps(record)
      break
  with open(path, "w") as f:
    f.write("\n".join(lines) + "\n")
  vocab = train_sentencepiece(glob.glob(str(folder / "unlabelled" / "*.txt")),
                              400, str(folder / "spm.model"))
  return str(folder), vocab


def _data_flags(nlu_data):
  folder, vocab = nlu_data
  return [f"--gin.NLU_DATA_DIR='{folder}'", "--gin.NLU_FORMAT='massive'",
          f"--gin.VOCAB_PATH='{vocab}'", "--gin.VOCAB_SIZE=400"]


@pytest.fixture(scope="module")
def run_dir(nlu_data, tmp_path_factory):
  model_dir = str(tmp_path_factory.mktemp("finetune"))
  result = _command(
      "atm_jax.train", "--gin_file=gin_configs/experiments/finetune_nlu_tiny.gin",
      f"--gin.MODEL_DIR='{model_dir}'", *_data_flags(nlu_data),
      "--gin.TRAIN_STEPS=30", "--gin.TrainConfig.checkpoint_every=10",
      "--gin.TrainConfig.eval_every=0", "--gin.TrainConfig.log_every=10")
  assert result.returncode == 0, result.stderr[-3000:]
  return model_dir


def _evaluate(nlu_data, checkpoint_path, *extra):
  return _command(
      "atm_jax.eval", "--gin_file=gin_configs/experiments/finetune_nlu_tiny.gin",
      "--gin_file=gin_configs/runs/eval.gin",
      f"--gin.CHECKPOINT_PATH='{checkpoint_path}'", *_data_flags(nlu_data),
      *extra)


def test_every_checkpoint_is_evaluated_once(nlu_data, run_dir):
  first = _evaluate(nlu_data, run_dir)
  assert first.returncode == 0, first.stderr[-3000:]
  out = os.path.join(run_dir, "eval", "test")
  reports = sorted(glob.glob(os.path.join(out, "metrics-*.json")))
  assert [os.path.basename(p) for p in reports] == [
      "metrics-10.json", "metrics-20.json", "metrics-30.json"]
  report = json.load(open(os.path.join(out, "metrics-30.json")))
  assert report["num_examples"] == 60
  assert report["unseen_intents"] == 1
  assert 0.0 <= report["intent_accuracy"] <= 59 / 60
  predictions = open(os.path.join(out, "predictions-30.jsonl")).readlines()
  assert len(predictions) == 60
  record = json.loads(predictions[0])
  assert {"text", "gold_intent", "predicted_intent", "gold_tags",
          "predicted_tags"} <= set(record)
  assert glob.glob(os.path.join(out, "tensorboard", "events.*"))
  assert "step 30 | intent acc" in first.stdout

  again = _evaluate(nlu_data, run_dir)
  assert again.returncode == 0, again.stderr[-3000:]
  assert "Skipping 3 evaluated checkpoint(s)" in again.stdout
  assert "step 30 | intent acc" not in again.stdout


def _error_line(result):
  assert result.returncode == 2, result.stderr[-2000:]
  assert "Traceback" not in result.stderr
  return result.stderr.strip().splitlines()[-1]


def test_a_path_without_checkpoints(nlu_data, tmp_path):
  line = _error_line(_evaluate(nlu_data, str(tmp_path)))
  assert "No checkpoint found" in line


def test_a_checkpoint_of_another_encoder(nlu_data, run_dir):
  line = _error_line(_evaluate(nlu_data, os.path.join(
      run_dir, "checkpoints", "30"), "--gin.EncoderConfig.embed_dim=32",
      "--gin.EVAL_SPLIT='validation'"))  # not evaluated yet
  assert "another architecture" in line and "(32" in line
