"""`python -m atm_jax.eval` on a fine-tuning run: metrics per checkpoint, skips,
unseen labels, clear errors."""
import glob
import json
import os
import shutil
import subprocess
import sys

import pytest

from atm_jax.data.synthetic_nlu import write_nlu_dataset
from atm_jax.vocab.vocabulary import train_sentencepiece
from tests.xla_flags import xla_flags

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
pytestmark = pytest.mark.slow


def _command(module, *args, devices: int | None = None):
  """`python -m module args`; on `devices` fake CPU devices when given
  (the suite's 8 otherwise)."""
  env = None if devices is None else dict(os.environ,
                                          XLA_FLAGS=xla_flags(devices))
  return subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT,
                        capture_output=True, text=True, timeout=600, env=env)


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


def finetune(nlu_data, model_dir: str, steps: int, every: int,
             devices: int | None = None) -> str:
  """A tiny NLU run of `steps` steps, saved and logged every `every`."""
  result = _command(
      "atm_jax.train", "--gin_file=gin_configs/experiments/finetune_nlu_tiny.gin",
      f"--gin.MODEL_DIR='{model_dir}'", *_data_flags(nlu_data),
      f"--gin.TRAIN_STEPS={steps}", f"--gin.TrainConfig.checkpoint_every={every}",
      "--gin.TrainConfig.eval_every=0", f"--gin.TrainConfig.log_every={every}",
      devices=devices)
  assert result.returncode == 0, _reason(result.stderr)
  return model_dir


def _reason(stderr: str) -> str:
  """The end of a failed command's stderr, without the list of extension
  modules a crash dump ends with (it would fill the message)."""
  return stderr.split("\nExtension modules:")[0][-3000:]


@pytest.fixture(scope="module")
def run_dir(nlu_data, tmp_path_factory):
  return finetune(nlu_data, str(tmp_path_factory.mktemp("finetune")), 30, 10)


def _evaluate(nlu_data, checkpoint_path, *extra, devices: int | None = None):
  return _command(
      "atm_jax.eval", "--gin_file=gin_configs/experiments/finetune_nlu_tiny.gin",
      "--gin_file=gin_configs/runs/eval.gin",
      f"--gin.CHECKPOINT_PATH='{checkpoint_path}'", *_data_flags(nlu_data),
      *extra, devices=devices)


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
  assert "views" not in report and not os.path.exists(
      os.path.join(out, "views"))
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


@pytest.fixture(scope="module")
def two_locales(nlu_data, tmp_path_factory):
  """The run's en-US file beside a de-DE copy of it."""
  folder = tmp_path_factory.mktemp("locales")
  english = open(os.path.join(nlu_data[0], "en-US.jsonl")).read()
  (folder / "en-US.jsonl").write_text(english)
  (folder / "de-DE.jsonl").write_text(
      english.replace('"locale": "en-US"', '"locale": "de-DE"'))
  return str(folder / "en-US.jsonl")


def _tensorboard_tags(folder):
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  return {value.tag for path in glob.glob(os.path.join(folder, "events.*"))
          for event in tf.compat.v1.train.summary_iterator(path)
          for value in event.summary.value}


def _without_seconds(report):
  return {k: v for k, v in report.items() if k != "seconds"}


def test_locale_and_spoken_views(nlu_data, run_dir, two_locales):
  result = _evaluate(
      nlu_data, os.path.join(run_dir, "checkpoints", "10"),
      f"--gin.NLU_DATA_DIR='{two_locales}'", "--gin.EVAL_SPLIT='validation'",
      "--gin.EVAL_LOCALES=['en-US', 'de-DE']", "--gin.EVAL_SPOKEN_FORM=True")
  assert result.returncode == 0, result.stderr[-3000:]
  out = os.path.join(run_dir, "eval", "validation")
  report = json.load(open(os.path.join(out, "metrics-10.json")))
  assert sorted(report["views"]) == ["de-DE", "en-US", "spoken"]
  for view, view_report in report["views"].items():
    folder = os.path.join(out, "views", view)
    assert json.load(open(os.path.join(folder, "metrics-10.json"))) == (
        view_report)
    assert view_report["num_examples"] == 50
    assert len(open(os.path.join(folder, "predictions-10.jsonl")
                    ).readlines()) == 50
    assert f"step 10 | {view} | intent acc" in result.stdout
  main = _without_seconds({k: v for k, v in report.items() if k != "views"})
  assert _without_seconds(report["views"]["de-DE"]) == main
  assert _without_seconds(report["views"]["en-US"]) == main
  assert {"validation/de-DE/intent_accuracy", "validation/spoken/slot_f1",
          "validation/intent_accuracy"} <= _tensorboard_tags(
              os.path.join(out, "tensorboard"))


def test_a_missing_locale_stops_before_any_work(nlu_data, run_dir):
  line = _error_line(_evaluate(nlu_data, run_dir, "--gin.EVAL_SPLIT='train'",
                               "--gin.EVAL_LOCALES=['en-US', 'xx-XX']"))
  assert line == (f"error: No <locale>.jsonl for xx-XX in {nlu_data[0]}; set "
                  "EVAL_LOCALES to locales found there: en-US.")
  assert not os.path.exists(os.path.join(run_dir, "eval", "train"))


def test_two_processes_score_and_write_like_one(nlu_data, run_dir, tmp_path):
  """Each process scores its devices' rows of every batch; process 0 writes
  the same metrics and predictions as a single process does."""
  outputs = {}
  for name, launcher in (("one", []), ("two", [
      "-m", "atm_jax.launch_local", "--num_processes=2",
      "--devices_per_process=1", "--", sys.executable])):
    copy = tmp_path / name
    shutil.copytree(run_dir, copy, ignore=shutil.ignore_patterns("eval"))
    result = subprocess.run(
        [sys.executable, *launcher, "-m", "atm_jax.eval",
         "--gin_file=gin_configs/experiments/finetune_nlu_tiny.gin",
         "--gin_file=gin_configs/runs/eval.gin",
         f"--gin.CHECKPOINT_PATH='{copy / 'checkpoints' / '30'}'",
         *_data_flags(nlu_data)],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    out = copy / "eval" / "test"
    outputs[name] = (_without_seconds(json.load(open(out / "metrics-30.json"))),
                     (out / "predictions-30.jsonl").read_text())
  assert outputs["two"] == outputs["one"]
