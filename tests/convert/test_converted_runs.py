"""A converted checkpoint works where a native run does, through the CLIs:
fine-tuning from it (INIT_CHECKPOINT), evaluating that run, and distilling
from it (TEACHER_CHECKPOINT) with its own vocabulary."""
import json
import os
import re
import subprocess
import sys

import pytest

from atm_jax.convert import importer
from atm_jax.data.synthetic import write_text_file
from atm_jax.data.synthetic_nlu import write_nlu_dataset
from tests.convert import helpers

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
STEPS = 4
pytestmark = pytest.mark.slow


def _command(module, *args):
  result = subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
  return result


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
  """The tiny random XLM-R (it has an MLM head, so it can teach)."""
  run_dir = str(tmp_path_factory.mktemp("converted") / "xlmr")
  importer.convert(helpers.fixture("tiny_xlmr"), run_dir)
  return run_dir


@pytest.fixture(scope="module")
def nlu_data(tmp_path_factory):
  folder = tmp_path_factory.mktemp("nlu")
  written = write_nlu_dataset(str(folder), seed=0, locales=["en-US"],
                              sizes={"train": 64, "dev": 16, "test": 24,
                                     "unlabelled": 10})
  return written["en-US"]["jsonl"]


def _finetune_flags(converted, nlu_data):
  return [f"--gin_file={converted}/{importer.MODEL_GIN}",
          "--gin_file=gin_configs/runs/finetune_nlu.gin",
          f"--gin.VOCAB_PATH='{converted}/vocab'",
          f"--gin.NLU_DATA_DIR='{nlu_data}'", "--gin.NLU_FORMAT='massive'",
          "--gin.SEQUENCE_LENGTH=32", "--gin.BATCH_SIZE=8"]


@pytest.fixture(scope="module")
def finetuned(converted, nlu_data, tmp_path_factory):
  model_dir = str(tmp_path_factory.mktemp("finetune"))
  result = _command(
      "atm_jax.train", *_finetune_flags(converted, nlu_data),
      f"--gin.MODEL_DIR='{model_dir}'", f"--gin.INIT_CHECKPOINT='{converted}'",
      f"--gin.TRAIN_STEPS={STEPS}", f"--gin.TrainConfig.checkpoint_every={STEPS}",
      "--gin.TrainConfig.eval_every=0", "--gin.TrainConfig.log_every=1")
  assert result.returncode == 0, result.stderr[-3000:]
  return model_dir, result.stdout


def test_finetuning_starts_from_the_converted_encoder(finetuned):
  model_dir, stdout = finetuned
  loaded = re.search(r"Initialised (\d+) of (\d+) params .*; 4 from scratch: "
                     r"(.*)\.", stdout)
  assert loaded, stdout
  assert int(loaded.group(2)) - int(loaded.group(1)) == 4
  assert sorted(loaded.group(3).split(", ")) == [
      "intent_head/bias", "intent_head/kernel", "slot_head/bias",
      "slot_head/kernel"]
  with open(os.path.join(model_dir, "metrics.jsonl")) as f:
    steps = [json.loads(line)["step"] for line in f]
  assert steps[-1] == STEPS


def test_the_finetuned_run_evaluates(converted, nlu_data, finetuned):
  model_dir, _ = finetuned
  result = _command("atm_jax.eval", *_finetune_flags(converted, nlu_data),
                    "--gin_file=gin_configs/runs/eval.gin",
                    f"--gin.CHECKPOINT_PATH='{model_dir}'")
  assert result.returncode == 0, result.stderr[-3000:]
  with open(os.path.join(model_dir, "eval", "test", f"metrics-{STEPS}.json")) as f:
    report = json.load(f)
  assert report["num_examples"] == 24
  assert 0.0 <= report["intent_accuracy"] <= 1.0

  # atm_jax.predict on the same run (the imported WordPiece vocabulary)
  # gives the intents eval scored.
  with open(os.path.join(model_dir, "eval", "test",
                         f"predictions-{STEPS}.jsonl")) as f:
    scored = [json.loads(line) for line in f]
  predicted = subprocess.run(
      [sys.executable, "-m", "atm_jax.predict", f"--run={model_dir}"],
      input="".join(r["text"] + "\n" for r in scored), cwd=ROOT,
      capture_output=True, text=True, timeout=600)
  assert predicted.returncode == 0, predicted.stderr[-3000:]
  assert [json.loads(line)["intent"] for line in predicted.stdout.splitlines()
          ] == [r["predicted_intent"] for r in scored]


def _distill(converted, tmp_path, vocab_path, *extra):
  text = tmp_path / "text.txt"
  write_text_file(str(text), 200, seed=0)
  return _command(
      "atm_jax.train", f"--gin_file={converted}/{importer.MODEL_GIN}",
      "--gin_file=gin_configs/runs/distill.gin",
      f"--gin.MODEL_DIR='{tmp_path}/student'", f"--gin.TEXT_GLOB='{text}'",
      f"--gin.TEACHER_CHECKPOINT='{converted}'",
      f"--gin.VOCAB_PATH='{vocab_path}'", "--gin.TRAIN_STEPS=2",
      "--gin.BATCH_SIZE=8", "--gin.SEQUENCE_LENGTH=32",
      "--gin.TrainConfig.checkpoint_every=2", "--gin.TrainConfig.log_every=1",
      "--gin.TrainConfig.eval_every=0",
      "--gin.student/EncoderConfig.num_layers=1",
      "--gin.student/EncoderConfig.embed_dim=16",
      "--gin.student/EncoderConfig.num_heads=2",
      "--gin.student/EncoderConfig.head_dim=8",
      "--gin.student/EncoderConfig.mlp_dim=32", *extra)


def test_distillation_from_a_converted_teacher(converted, tmp_path):
  result = _distill(converted, tmp_path, f"{converted}/vocab")
  assert result.returncode == 0, result.stderr[-3000:]
  with open(tmp_path / "student" / "metrics.jsonl") as f:
    last = [json.loads(line) for line in f][-1]
  assert {"kd", "mlm", "hidden"} <= set(last)


def test_distillation_refuses_another_vocabulary(converted, tmp_path):
  other = str(tmp_path / "bert")
  importer.convert(helpers.fixture("tiny_bert"), other)
  result = _distill(converted, tmp_path, f"{other}/vocab",
                    "--gin.VOCAB_SIZE=200")
  assert result.returncode == 2
  line = result.stderr.strip().splitlines()[-1]
  assert "is not the teacher's" in line and "VOCAB_PATH" in line, line
