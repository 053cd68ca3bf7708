"""The NLU task reads MASSIVE or JointBERT data, keeps label ids across runs and
yields model inputs beside the gold strings."""
import json
import pathlib

import gin
import numpy as np
import pytest
import seqio

from atm_jax.data import nlu_features
from atm_jax.data import synthetic
from atm_jax.errors import UserError
from atm_jax.vocab import vocabulary
from tasks import nlu

NAME = "test_nlu"
LENGTH = 24
SNIPS = pathlib.Path(__file__).resolve().parents[2].parent / "shared" / "data" / "snips"
# (partition, intent, annotation); dev has an intent and a slot train never had.
ROWS = [
    ("train", "alarm_set", "wake me up at [time : five am] [date : this week]"),
    ("train", "alarm_set", "set an alarm for [time : nine]"),
    ("train", "play_music", "play [artist_name : abba]"),
    ("dev", "weather_query", "weather [date : tomorrow] in [place_name : paris]"),
    ("dev", "play_music", "play some [artist_name : queen] now"),
    ("test", "alarm_set", "alarm at [time : six]"),
]


def _write_massive(path: pathlib.Path, locale: str = "en-US") -> None:
  with open(path, "w", encoding="utf-8") as f:
    for index, (partition, intent, annotation) in enumerate(ROWS):
      f.write(json.dumps({"id": str(index), "locale": locale, "partition": partition,
                          "intent": intent, "annot_utt": annotation}) + "\n")


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> dict:
  folder = tmp_path_factory.mktemp("nlu")
  _write_massive(folder / "en-US.jsonl")
  _write_massive(folder / "de-DE.jsonl", locale="de-DE")
  text = synthetic.write_text_file(str(folder / "text.txt"), 2000)
  vocab = vocabulary.train_sentencepiece([text], 500, str(folder / "spm.model"))
  return {"massive": str(folder), "vocab": vocab, "folder": folder}


def _examples(split: str) -> list[dict]:
  task = seqio.get_mixture_or_task(NAME)
  dataset = task.get_dataset({"tokens": LENGTH}, split=split, shuffle=False)
  return list(dataset.as_numpy_iterator())


def test_massive_task_yields_inputs_and_gold_strings(data):
  registered = nlu.register_nlu_task(data["massive"] + "/en-US.jsonl", "massive",
                                     data["vocab"], name=NAME)
  assert registered.name == NAME
  task = seqio.get_mixture_or_task(NAME)
  assert sorted(task.splits) == ["test", "train", "validation"]
  examples = _examples("validation")
  assert [e["text"].decode() for e in examples] == [
      "weather tomorrow in paris", "play some queen now"]
  first = examples[0]
  assert [w.decode() for w in first["words"]] == ["weather", "tomorrow", "in", "paris"]
  assert [t.decode() for t in first["gold_tags"]] == ["O", "B-date", "O", "B-place_name"]
  assert first["gold_intent"] == b"weather_query" and first["id"] == b"3"
  for name in nlu_features.SEQUENCE_FEATURES:
    assert first[name].shape == (LENGTH,) and first[name].dtype == np.int32
  assert first["intent"] == 0  # weather_query is not in train
  labels = registered.labels
  np.testing.assert_array_equal(first["slot_ids"][:5],
                                [1, labels.tag_id("B-date"), 1, 0, 0])
  np.testing.assert_array_equal(first["word_mask"][:5], [1, 1, 1, 1, 0])
  assert first["tokens"][0] == 4 and first["tokens"][first["word_positions"][1]] > 5
  assert labels.intents == ("<unseen>", "alarm_set", "play_music")


def test_label_dir_keeps_the_first_runs_ids(data, tmp_path):
  first = nlu.register_nlu_task(data["massive"], "massive", data["vocab"],
                                label_dir=str(tmp_path), name=NAME,
                                locale="en-US")
  saved = nlu_features.load_labels(str(tmp_path))
  assert saved == first.labels
  reordered = nlu_features.LabelVocab(
      intents=("<unseen>", "play_music", "alarm_set"), slot_tags=saved.slot_tags)
  nlu_features.save_labels(reordered, str(tmp_path))
  second = nlu.register_nlu_task(data["massive"], "massive", data["vocab"],
                                 label_dir=str(tmp_path), name=NAME,
                                 locale="en-US")
  assert second.labels == reordered
  assert [e["intent"] for e in _examples("train")] == [2, 2, 1]


def test_locale_picks_one_file_of_a_folder(data):
  nlu.register_nlu_task(data["massive"], "massive", data["vocab"], name=NAME,
                        locale="de-DE")
  assert {e["locale"] for e in _examples("train")} == {b"de-DE"}
  nlu.register_nlu_task(data["massive"], "massive", data["vocab"], name=NAME)
  assert len(_examples("train")) == 6
  with pytest.raises(UserError, match=r"no locale 'fr-FR'.*\['de-DE', 'en-US'\]"):
    nlu.register_nlu_task(data["massive"], "massive", data["vocab"], name=NAME,
                          locale="fr-FR")


def test_jointbert_task_maps_dev_to_validation(data):
  folder = data["folder"] / "jointbert"
  for split, words, tags, intent in (("train", "play abba ", "O B-artist ", "Play"),
                                     ("dev", "play queen", "O B-artist", "Play"),
                                     ("test", "hi", "O", "Greet")):
    (folder / split).mkdir(parents=True)
    for name, line in (("seq.in", words), ("seq.out", tags), ("label", intent)):
      (folder / split / name).write_text(line + "\n")
  nlu.register_nlu_task(str(folder), "jointbert", data["vocab"], name=NAME)
  assert [e["text"] for e in _examples("validation")] == [b"play queen"]
  assert [e["intent"] for e in _examples("test")] == [0]
  with pytest.raises(UserError, match="MASSIVE only"):
    nlu.register_nlu_task(str(folder), "jointbert", data["vocab"], name=NAME,
                          locale="en-US")


@pytest.mark.parametrize("data_format, message", [
    ("snips", "one of massive, jointbert"),
    ("jointbert", "does not exist"),
])
def test_bad_format_or_layout_is_a_user_error(data, data_format, message):
  with pytest.raises(UserError, match=message):
    nlu.register_nlu_task(data["massive"], data_format, data["vocab"], name=NAME)


def test_a_missing_partition_is_a_user_error(data, tmp_path):
  (tmp_path / "en-US.jsonl").write_text(
      (data["folder"] / "en-US.jsonl").read_text().replace('"test"', '"train"'))
  with pytest.raises(UserError, match="no 'test' examples"):
    nlu.register_nlu_task(str(tmp_path), "massive", data["vocab"], name=NAME)


def test_a_too_short_sequence_is_a_user_error(data):
  nlu.register_nlu_task(data["massive"], "massive", data["vocab"], name=NAME)
  task = seqio.get_mixture_or_task(NAME)
  with pytest.raises(UserError, match="sequence_length=2"):
    task.get_dataset({"tokens": 2}, split="train", shuffle=False)


def test_gin_binds_the_registration(data):
  with gin.unlock_config():
    gin.parse_config([
        f"register_nlu_task.data_dir = '{data['massive']}'",
        "register_nlu_task.data_format = 'massive'",
        f"register_nlu_task.vocab_path = '{data['vocab']}'",
        f"register_nlu_task.name = '{NAME}'",
    ])
  try:
    assert nlu.register_nlu_task().name == NAME
  finally:
    gin.clear_config()


@pytest.mark.skipif(not SNIPS.exists(), reason="no ../shared/data/snips")
def test_snips_task_counts(data):
  registered = nlu.register_nlu_task(str(SNIPS), "jointbert", data["vocab"],
                                     name=NAME)
  task = seqio.get_mixture_or_task(NAME)
  assert {split: task.num_input_examples(split) for split in task.splits} == {
      "train": 13_084, "validation": 700, "test": 700}
  assert len(registered.labels.intents) == 8
