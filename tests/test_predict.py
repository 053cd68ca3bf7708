"""`python -m atm_jax.predict` on a fine-tuned run: the intents and slots
`atm_jax.eval` scores, character offsets, truncation, refusals. Then
`atm_jax.export` of the same run (trained once for both): SavedModel and
ONNX exports that give predict's answers where neither atm_jax nor JAX can
be imported."""
import json
import os
import subprocess
import sys

import gin
import pytest

from atm_jax.errors import UserError
from atm_jax.export import exporter
from atm_jax.export import onnx_model
from atm_jax.prediction import nlu
from tests.test_eval import _evaluate, finetune, nlu_data  # noqa: F401  pylint: disable=unused-import

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def run_dir(nlu_data, tmp_path_factory):  # noqa: F811
  """A tiny run trained long enough to predict slots, scored by eval; on
  one device, as sharding is not what these tests are about (and eight fake
  devices on two loaded cores once stalled a collective past XLA's limit)."""
  model_dir = finetune(nlu_data, str(tmp_path_factory.mktemp("finetune")),
                       150, 50, devices=1)
  evaluated = _evaluate(nlu_data, os.path.join(model_dir, "checkpoints",
                                               "150"), devices=1)
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
      f"error: {mlm} is neither an intent and slot run nor an XNLI run (its "
      "config.gin evaluates MlmModel); give the MODEL_DIR of a run fine-tuned "
      "with gin_configs/runs/finetune_nlu.gin or finetune_xnli.gin.")


# Exports of the same run.

WITHOUT_ATM_JAX = os.path.join(ROOT, "tests", "export", "without_atm_jax.py")
SAVED_MODEL_CLIENT = """
import json, sys
import tensorflow as tf
import tensorflow_text  # noqa: F401  (registers the tokenizer's op)
serve = tf.saved_model.load(sys.argv[1]).signatures["serving_default"]
texts = [line.rstrip("\\n") for line in sys.stdin]
out = serve(texts=tf.constant(texts))
for row in range(len(texts)):
  words = [w.decode() for w in out["words"][row].numpy() if w]
  print(json.dumps({"intent": out["intent"][row].numpy().decode(),
                    "tags": [t.decode() for t in out["slot_tags"][row].numpy()[:len(words)]],
                    "cut": int(out["words_cut"][row])}))
loaded = [m for m in sys.modules if m.split(".")[0] in ("jax", "atm_jax")]
assert not loaded, loaded
"""


@pytest.fixture(scope="module")
def parity_input(nlu_data, tmp_path_factory):  # noqa: F811
  """The test split's utterances and one longer than the maximum length."""
  _, test_rows = _test_split(nlu_data)
  texts = [r["utt"] for r in test_rows] + [" ".join(["seven"] * 200)]
  path = tmp_path_factory.mktemp("parity") / "utterances.txt"
  path.write_text("\n".join(texts) + "\n", encoding="utf-8")
  return str(path), texts


@pytest.fixture(scope="module")
def expected(run_dir, parity_input):
  """atm_jax.predict's answers: the reference every export must give."""
  gin.clear_config()
  predictor = nlu.NluPredictor(run_dir)
  answers = [p.as_dict() for p in predictor.predict(parity_input[1])]
  gin.clear_config()
  return answers


def _outside(script, *args, stdin):
  return subprocess.run([sys.executable, WITHOUT_ATM_JAX, script, *args],
                        cwd="/", capture_output=True, text=True, input=stdin,
                        timeout=600)


def _check_parity(spec, texts):
  parity = spec["parity"]
  assert parity["utterances"] == len(texts)
  assert parity["equal_fraction"] >= 0.999, parity
  assert parity["max_intent_logit_difference"] <= 1e-4, parity
  assert parity["max_slot_logit_difference"] <= 1e-4, parity


def test_saved_model_gives_predicts_answers_without_atm_jax(
    run_dir, parity_input, expected, tmp_path, clean_gin):
  path, texts = parity_input
  output = str(tmp_path / "saved_model")
  spec = exporter.export(run_dir, "saved_model", output, parity_input=path)
  _check_parity(spec, texts)
  with open(os.path.join(output, "serving.json")) as f:
    assert json.load(f) == spec
  script = tmp_path / "serve.py"
  script.write_text(SAVED_MODEL_CLIENT)
  served = _outside(str(script), output, stdin="\n".join(texts) + "\n")
  assert served.returncode == 0, served.stderr[-3000:]
  rows = [json.loads(line) for line in served.stdout.splitlines()]
  assert len(rows) == len(texts)
  for row, want in zip(rows, expected):
    assert row["intent"] == want["intent"], want["text"]
    tags = ["O"] * len(row["tags"])
    for slot in want["slots"]:
      for word in range(slot["first_word"], slot["last_word"] + 1):
        tags[word] = slot["slot"]
    assert [t[2:] if t != "O" else t for t in row["tags"]] == tags
  assert rows[-1]["cut"] > 0 and rows[-1]["tags"][-1] == "O"
  assert any(want["slots"] for want in expected)


def test_onnx_client_gives_predicts_answers_without_atm_jax(
    run_dir, parity_input, expected, tmp_path, clean_gin):
  path, texts = parity_input
  output = str(tmp_path / "onnx")
  spec = exporter.export(run_dir, "onnx", output, parity_input=path)
  _check_parity(spec, texts)
  assert sorted(os.listdir(output)) == [
      "model.onnx", "predict_onnx.py", "serving.json", "spm.model"]
  served = _outside(os.path.join(output, "predict_onnx.py"), output,
                    stdin="\n".join(texts) + "\n")
  assert served.returncode == 0, served.stderr[-3000:]
  rows = [json.loads(line) for line in served.stdout.splitlines()]
  assert len(rows) == len(texts)
  for row, want in zip(rows, expected):
    assert row["intent_score"] == pytest.approx(want["intent_score"], abs=1e-5)
    assert dict(row, intent_score=0) == dict(want, intent_score=0)


def test_export_refusals_leave_nothing_behind(run_dir, tmp_path, clean_gin,
                                              monkeypatch):
  taken = tmp_path / "taken"
  taken.mkdir()
  (taken / "keep.txt").write_text("mine")
  with pytest.raises(UserError, match=f"--output {taken} is not empty; give "
                     "a new folder or remove that one first"):
    exporter.export(run_dir, "onnx", str(taken))
  assert os.listdir(taken) == ["keep.txt"]
  with pytest.raises(UserError, match="is not a local folder"):
    exporter.export(run_dir, "onnx", "gs://bucket/export")

  mlm = tmp_path / "mlm"
  mlm.mkdir()
  (mlm / "config.gin").write_text(
      "import atm_jax.configurables\nMlmModel.config = @EncoderConfig()\n"
      "evaluate.model = @MlmModel()\n")
  with pytest.raises(UserError, match="is not an intent and slot run"):
    exporter.export(str(mlm), "saved_model", str(tmp_path / "never"))

  def half_written(predictor, vocabulary_path, folder):
    del predictor, vocabulary_path
    (tmp_path / "seen").write_text(folder)
    with open(os.path.join(folder, "model.onnx"), "wb") as f:
      f.write(b"half")
    raise OSError("No space left on device")

  monkeypatch.setattr(onnx_model, "write", half_written)
  gin.clear_config()
  with pytest.raises(OSError, match="No space left"):
    exporter.export(run_dir, "onnx", str(tmp_path / "out" / "onnx"))
  assert os.listdir(tmp_path / "out") == []  # neither the export nor its stage
  assert (tmp_path / "seen").read_text().startswith(
      str(tmp_path / "out" / ".onnx.partial-"))


def test_export_command_line_refusal(run_dir, tmp_path):
  empty = tmp_path / "empty.txt"
  empty.write_text("wake me up\n\n")
  result = subprocess.run(
      [sys.executable, "-m", "atm_jax.export", f"--run={run_dir}",
       "--format=onnx", f"--output={tmp_path / 'out'}",
       f"--parity_input={empty}"],
      cwd=ROOT, capture_output=True, text=True, timeout=600)
  assert result.returncode == 2, result.stderr[-2000:]
  assert "Traceback" not in result.stderr
  assert result.stderr.strip().splitlines()[-1] == (
      f"error: Line 2 of {empty} is empty; give one utterance a line.")
  assert not (tmp_path / "out").exists()
