"""The bag-of-words floor predicts the evaluator's utterances, tags words as
train did, and writes metrics that match its predictions."""
import json
import os
import subprocess
import sys
import warnings

import pytest
from sklearn.exceptions import ConvergenceWarning

from atm_jax import metrics
from atm_jax.baselines import bag_of_words
from atm_jax.data.nlu_formats import NluExample, read_massive
from atm_jax.data.synthetic_nlu import write_nlu_dataset
from atm_jax.errors import UserError

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))
_SHARED_MASSIVE = os.path.join(ROOT, "..", "shared", "data", "massive",
                               "en-US.jsonl")
_KEYS = {"id", "text", "gold_intent", "predicted_intent", "gold_tags",
         "predicted_tags"}


@pytest.fixture(scope="module")
def massive_file(tmp_path_factory) -> str:
  folder = tmp_path_factory.mktemp("nlu")
  written = write_nlu_dataset(str(folder), seed=0, locales=["en-US"],
                              sizes={"train": 600, "dev": 60, "test": 120,
                                     "unlabelled": 0})
  path = written["en-US"]["jsonl"]
  with open(path, encoding="utf-8") as f:
    rows = [json.loads(line) for line in f]
  for row in rows[::3]:  # Some capitals, which text must keep.
    for field in ("utt", "annot_utt"):
      row[field] = row[field][:1].upper() + row[field][1:]
  with open(path, "w", encoding="utf-8") as f:
    f.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
  return path


@pytest.fixture(scope="module")
def records(massive_file) -> list[dict]:
  with warnings.catch_warnings():
    warnings.simplefilter("error", ConvergenceWarning)
    return bag_of_words.predict(massive_file, "massive", "en-US", "test")


def _as_evaluator_writes(example: NluExample) -> dict:
  """The fields `evaluation.decode_nlu` copies from the task's examples."""
  return {"id": example.id, "text": " ".join(example.words),
          "gold_intent": example.intent, "gold_tags": list(example.tags)}


def _gold_fields(record: dict) -> dict:
  return {key: record[key] for key in ("id", "text", "gold_intent",
                                       "gold_tags")}


@pytest.mark.parametrize("split, partition",
                         [("test", "test"), ("validation", "dev")])
def test_records_carry_the_evaluators_utterances(massive_file, split,
                                                 partition):
  predicted = bag_of_words.predict(massive_file, "massive", "en-US", split)
  expected = [_as_evaluator_writes(example)
              for example in read_massive(massive_file)[partition]]
  assert [_gold_fields(record) for record in predicted] == expected
  assert all(set(record) == _KEYS for record in predicted)


def test_word_tags_follow_the_majority_in_train():
  train = [
      NluExample(words=("wake", "me", "at", "Five", "in", "Paris"),
                 tags=("O", "O", "O", "B-time", "O", "B-place"),
                 intent="alarm_set"),
      NluExample(words=("at", "FIVE", "am"),
                 tags=("O", "B-time", "I-time"), intent="alarm_set"),
      NluExample(words=("five", "songs"),
                 tags=("O", "O"), intent="play_music"),
  ]
  word_tags = bag_of_words.fit_word_tags(train)
  assert bag_of_words.tag_words(
      ["five", "am", "at", "paris", "berlin"], word_tags) == [
          "B-time", "I-time", "O", "B-place", "O"]


def test_generated_words_get_their_train_tag_or_outside(massive_file, records):
  train = read_massive(massive_file)["train"]
  tags_of = {}
  for example in train:
    for word, tag in zip(example.words, example.tags):
      tags_of.setdefault(word.lower(), set()).add(tag)
  checked = {"single": 0, "unseen": 0}
  for record in records:
    for word, tag in zip(record["text"].split(), record["predicted_tags"]):
      seen = tags_of.get(word.lower())
      if seen is None:
        assert tag == "O", word
        checked["unseen"] += 1
      elif len(seen) == 1:
        assert tag == next(iter(seen)), word
        checked["single"] += 1
  assert checked["single"] > 100 and checked["unseen"] > 0, checked


def test_intents_beat_chance_by_far(massive_file, records):
  intents = {example.intent for example in read_massive(massive_file)["train"]}
  report = metrics.nlu_report(
      [r["gold_intent"] for r in records],
      [r["predicted_intent"] for r in records],
      [r["gold_tags"] for r in records], [r["predicted_tags"] for r in records])
  assert len(intents) >= 30
  assert report["intent_accuracy"] > 0.8
  assert report["slot_f1"] > 0.3


def test_run_writes_metrics_of_its_predictions(massive_file, tmp_path):
  output = str(tmp_path / "bow")
  returned = bag_of_words.run(massive_file, "massive", "en-US", output)
  with open(os.path.join(output, "predictions.jsonl"), encoding="utf-8") as f:
    written = [json.loads(line) for line in f]
  with open(os.path.join(output, "metrics.json"), encoding="utf-8") as f:
    saved = json.load(f)
  train = read_massive(massive_file)["train"]
  expected = metrics.nlu_report(
      [r["gold_intent"] for r in written],
      [r["predicted_intent"] for r in written],
      [r["gold_tags"] for r in written], [r["predicted_tags"] for r in written],
      known_intents={example.intent for example in train},
      known_tags={tag for example in train for tag in example.tags})
  assert saved == returned == expected
  assert saved["num_examples"] == len(read_massive(massive_file)["test"])
  assert sorted(os.listdir(output)) == ["metrics.json", "predictions.jsonl"]


def test_missing_data_is_named(tmp_path):
  with pytest.raises(UserError, match="does not exist"):
    bag_of_words.predict(str(tmp_path / "absent.jsonl"), "massive", None)
  with pytest.raises(UserError, match="does not exist"):
    bag_of_words.predict(str(tmp_path), "jointbert", None)


def test_unknown_or_empty_split_is_refused(massive_file, tmp_path):
  with pytest.raises(UserError, match="Unknown split 'dev'"):
    bag_of_words.predict(massive_file, "massive", "en-US", "dev")
  no_test = tmp_path / "en-US.jsonl"
  with open(massive_file, encoding="utf-8") as f:
    no_test.write_text("".join(line for line in f
                               if json.loads(line)["partition"] != "test"),
                       encoding="utf-8")
  with pytest.raises(UserError, match="no 'test' examples"):
    bag_of_words.predict(str(no_test), "massive", "en-US")


def _command(*args: str) -> subprocess.CompletedProcess:
  return subprocess.run(
      [sys.executable, "-m", "atm_jax.baselines.bag_of_words", *args],
      cwd=ROOT, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_cli_prints_metrics_and_fails_in_one_sentence(massive_file, tmp_path):
  output = str(tmp_path / "bow")
  result = _command(f"--data_dir={massive_file}", "--data_format=massive",
                    "--locale=en-US", f"--output={output}")
  assert result.returncode == 0, result.stderr[-2000:]
  with open(os.path.join(output, "metrics.json"), encoding="utf-8") as f:
    saved = json.load(f)
  assert f"intent_accuracy {saved['intent_accuracy']:.4f}" in result.stdout
  assert "slot_f1" in result.stdout and "exact_match" in result.stdout
  missing = _command(f"--data_dir={tmp_path / 'absent'}",
                     "--data_format=massive", f"--output={output}")
  assert missing.returncode == 2
  assert "error: MASSIVE data" in missing.stderr
  assert "Traceback" not in missing.stderr


@pytest.mark.shared_data
def test_real_massive_en_us(tmp_path):
  if not os.path.exists(_SHARED_MASSIVE):
    pytest.skip("../shared/data/massive is not beside the checkout")
  report = bag_of_words.run(_SHARED_MASSIVE, "massive", "en-US",
                            str(tmp_path / "bow"))
  assert report["num_examples"] == 2974
  assert report["intent_accuracy"] > 0.80
  assert report["slot_f1"] > 0.45
