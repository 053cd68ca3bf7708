"""`python -m atm_jax.predict` on a fine-tuned run: the intents and slots
`atm_jax.eval` scores, character offsets, truncation, refusals."""
import json
import os
import subprocess
import sys

import gin
import pytest

from atm_jax.errors import UserError
from atm_jax.prediction import nlu
from tests.test_eval import _evaluate, finetune, nlu_data  # noqa: F401  pylint: disable=unused-import

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def run_dir(nlu_data, tmp_path_factory):  # noqa: F811
  """A tiny run trained long enough to predict slots, scored by eval."""
  model_dir = finetune(nlu_data, str(tmp_path_factory.mktemp("finetune")),
                       150, 50)
  evaluated = _evaluate(nlu_data, os.path.join(model_dir, "checkpoints",
                                               "150"))
  assert evaluated.returncode == 0, evaluated.stderr[-3000:]
  return model_dir


def _predict(*args, stdin=None):
  return subprocess.run([sys.executable, "-m", "atm_jax.predict", *args],
                        cwd=ROOT, capture_output=True, text=True, input=stdin,
                        timeout=600)


def _test_split(nlu_data):  # noqa: F811
  folder, _ = nlu_data
  path = os.path.join(folder, "en-US.jsonl")
  rows = [json.loads(line) for line in open(path)]
  test_rows = [r for r in rows if r["partition"] == "test"]
  test_path = os.path.join(folder, "test-only.jsonl")
  with open(test_path, "w") as f:
    f.writelines(json.dumps(r) + "\n" for r in test_rows)
  return test_path, test_rows


def test_predictions_equal_what_eval_scores(nlu_data, run_dir):  # noqa: F811
  with open(os.path.join(run_dir, "eval", "test", "predictions-150.jsonl")) as f:
    expected = {r["text"]: r for r in map(json.loads, f)}

  test_path, test_rows = _test_split(nlu_data)
  result = _predict(f"--run={run_dir}", f"--input={test_path}",
                    "--batch_size=7")
  assert result.returncode == 0, result.stderr[-3000:]
  predicted = [json.loads(line) for line in result.stdout.splitlines()]
  assert [p["text"] for p in predicted] == [r["utt"] for r in test_rows]
  for record in predicted:
    reference = expected[record["text"]]
    assert record["intent"] == reference["predicted_intent"]
    assert 0.0 < record["intent_score"] <= 1.0
    tags = ["O"] * len(record["text"].split())
    for slot in record["slots"]:
      assert record["text"][slot["start"]:slot["end"]] == slot["text"]
      tags[slot["first_word"]] = "B-" + slot["slot"]
      for word in range(slot["first_word"] + 1, slot["last_word"] + 1):
        tags[word] = "I-" + slot["slot"]
    assert [t[2:] for t in tags] == [
        t[2:] for t in reference["predicted_tags"]], record["text"]
  assert any(record["slots"] for record in predicted)


@pytest.fixture
def clean_gin():
  gin.clear_config()
  yield
  gin.clear_config()


def test_slot_spans_join_bio_tags_into_offsets():
  utterance = nlu.split_words("wake me at seven am in paris")
  tags = ("O", "O", "O", "B-time", "I-time", "O", "I-place")
  assert nlu.slot_spans(utterance, tags) == [
      {"slot": "time", "text": "seven am", "start": 11, "end": 19,
       "first_word": 3, "last_word": 4},
      {"slot": "place", "text": "paris", "start": 23, "end": 28,
       "first_word": 6, "last_word": 6}]
  # A B- right after a slot of the same name starts a new one.
  two = nlu.slot_spans(nlu.split_words("a b"), ("B-x", "B-x"))
  assert [(s["first_word"], s["last_word"]) for s in two] == [(0, 0), (1, 1)]


def test_long_lines_are_cut_counted_and_never_crash(run_dir, clean_gin):  # noqa: F811
  predictor = nlu.NluPredictor(run_dir)
  long_text = " ".join(["seven"] * 200)
  first, second = predictor.predict(["wake me up at seven", long_text])
  assert predictor.truncated == 1
  assert len(second.tags) == 200 and second.tags[-1] == "O"
  assert first.as_dict()["text"] == "wake me up at seven"


def test_an_earlier_step_and_a_missing_one(run_dir, clean_gin):  # noqa: F811
  assert nlu.NluPredictor(run_dir, step=50).step == 50
  gin.clear_config()
  with pytest.raises(UserError, match=r"has no checkpoint step 7 \(the latest "
                     r"is 150\); give --step of a saved step"):
    nlu.NluPredictor(run_dir, step=7)


def test_the_command_line_refusals(run_dir, tmp_path):  # noqa: F811
  not_a_run = _predict(f"--run={tmp_path}", stdin="wake me up\n")
  assert not_a_run.returncode == 2
  assert not_a_run.stderr.strip().splitlines()[-1] == (
      f"error: {tmp_path} holds no config.gin, so it is not an atm_jax run; "
      "give the MODEL_DIR of a fine-tuning run.")
  empty_line = _predict(f"--run={run_dir}", stdin="wake me up\n\n")
  assert empty_line.stderr.strip().splitlines()[-1] == (
      "error: Line 2 of standard input is empty; give one utterance a line.")
  mlm = tmp_path / "mlm"
  mlm.mkdir()
  (mlm / "config.gin").write_text(
      "import atm_jax.configurables\nMlmModel.config = @EncoderConfig()\n"
      "evaluate.model = @MlmModel()\n")
  refused = _predict(f"--run={mlm}", stdin="wake me up\n")
  assert refused.returncode == 2, refused.stderr[-2000:]
  assert "Traceback" not in refused.stderr
  assert refused.stderr.strip().splitlines()[-1] == (
      f"error: {mlm} is not an intent and slot run (its config.gin evaluates "
      "MlmModel); give the MODEL_DIR of a run fine-tuned with "
      "gin_configs/runs/finetune_nlu.gin.")
