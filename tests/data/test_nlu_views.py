"""Views of an NLU split: other MASSIVE locales found beside the data, and the
spoken form, served by `nlu_batches` with the run's label ids."""
import dataclasses
import json

import numpy as np
import pytest
import seqio

from atm_jax.data import nlu_batches, nlu_views, synthetic
from atm_jax.errors import UserError
from atm_jax.vocab import vocabulary
from tasks import nlu

NAME = "test_nlu_views"


def _write(path, locale, rows):
  with open(path, "w", encoding="utf-8") as f:
    for index, (partition, intent, annotation) in enumerate(rows):
      f.write(json.dumps({"id": f"u{index}", "locale": locale,
                          "partition": partition, "intent": intent,
                          "annot_utt": annotation}) + "\n")


ROWS = [("train", "alarm_set", "wake me up at [time : 5 am]"),
        ("train", "play_music", "play [song : yesterday]"),
        ("dev", "alarm_set", "wake me at [time : 6 am]"),
        ("test", "alarm_set", "set 2 alarms for [time : 7 pm]"),
        ("test", "weather_query", "weather in [place : paris]")]


@pytest.fixture(scope="module")
def data(tmp_path_factory):
  """en-US, a de-DE copy and a fr-FR file with an intent en-US never had."""
  folder = tmp_path_factory.mktemp("nlu_views")
  _write(folder / "en-US.jsonl", "en-US", ROWS)
  _write(folder / "de-DE.jsonl", "de-DE", ROWS)
  _write(folder / "fr-FR.jsonl", "fr-FR",
         ROWS[:3] + [("test", "brand_new", "[brand_new_slot : 3] réveils")])
  text = synthetic.write_text_file(str(folder / "text.txt"), 500)
  vocab = vocabulary.train_sentencepiece([text], 300, str(folder / "spm.model"))
  task = nlu.register_nlu_task(str(folder / "en-US.jsonl"), "massive", vocab,
                               name=NAME, locale="en-US")
  return folder, task


@pytest.mark.parametrize("given", ["folder", "file"])
def test_locales_are_found_beside_the_data(data, given):
  folder, _ = data
  data_dir = folder if given == "folder" else folder / "en-US.jsonl"
  splits = nlu_views.locale_splits(["de-DE"], "validation",
                                   data_dir=str(data_dir),
                                   data_format="massive")
  assert [e.words for e in splits["de-DE"]] == [("wake", "me", "at", "6",
                                                 "am")]


def test_a_missing_locale_names_those_found(data):
  folder, _ = data
  with pytest.raises(UserError) as error:
    nlu_views.locale_splits(["de-DE", "ja-JP", "xx-XX"], "test",
                            data_dir=str(folder / "en-US.jsonl"),
                            data_format="massive")
  assert str(error.value).splitlines()[0] == (
      f"No <locale>.jsonl for ja-JP, xx-XX in {folder}; set EVAL_LOCALES to "
      "locales found there: de-DE, en-US, fr-FR.")


def test_locales_need_massive_data(data):
  folder, _ = data
  with pytest.raises(UserError, match="EVAL_LOCALES needs MASSIVE data"):
    nlu_views.locale_splits(["de-DE"], "test", data_dir=str(folder),
                            data_format="jointbert")


def test_a_string_of_locales_is_refused(data):
  with pytest.raises(UserError, match="must be a list"):
    nlu_views.register_views(data[1], "test", "de-DE", False)


def _batch(task, split="test"):
  (batch,) = nlu_batches.nlu_batches(task, split, 16, 4, shuffle=False,
                                     seed=0, num_epochs=1)
  return batch


def test_a_view_is_served_with_the_run_labels(data):
  folder, task = data
  split = nlu_views.locale_splits(["fr-FR"], "test", data_dir=str(folder),
                                  data_format="massive")["fr-FR"]
  view = nlu_views.register_view(task.name, "fr-FR", "test", split)
  assert view == f"{NAME}.fr_FR"
  # The view is encoded by the run task's preprocessors, so with its label
  # ids, and batches with the same features: the run's model scores it.
  assert (seqio.get_mixture_or_task(view).preprocessors
          == seqio.get_mixture_or_task(task.name).preprocessors)
  batch = _batch(view)
  assert batch.keys() == _batch(task.name).keys()
  np.testing.assert_array_equal(batch["example_mask"], [1, 0, 0, 0])
  assert "brand_new" not in task.labels.intents
  assert batch["intent"][0] == 0 and batch["slot_ids"][0][0] == 0  # unseen
  assert batch["gold_intent"][0] == "brand_new"
  assert batch["locale"][0] == "fr-FR"


def test_a_copied_locale_batches_like_the_run_task(data):
  _, task = data
  views = nlu_views.register_views(task, "test", ["de-DE"], True)
  assert sorted(views) == ["de-DE", "spoken"]
  original, copy = _batch(task.name), _batch(views["de-DE"])
  for name in ("tokens", "word_positions", "slot_ids", "intent", "text"):
    np.testing.assert_array_equal(original[name], copy[name])
  spoken = _batch(views["spoken"])
  assert list(spoken["text"][:2]) == ["set two alarms for seven p m",
                                      "weather in paris"]
  assert list(spoken["gold_tags"][:2]) == ["O O O O B-time I-time I-time",
                                           "O O B-place"]


def test_locales_need_the_folder_the_task_was_read_from(data):
  unplaced = dataclasses.replace(data[1], data_dir=None, data_format=None)
  with pytest.raises(UserError, match="needs the folder task"):
    nlu_views.register_views(unplaced, "test", ["de-DE"], False)


def test_views_check_the_split(data):
  with pytest.raises(UserError, match="has no split 'dev'"):
    nlu_views.register_views(data[1], "dev", [], True)


def test_a_missing_folder_has_no_locales(tmp_path):
  with pytest.raises(UserError, match="locales found there: none"):
    nlu_views.locale_splits(["de-DE"], "test",
                            data_dir=str(tmp_path / "absent" / "en-US.jsonl"),
                            data_format="massive")
