"""The in-domain generator writes parseable, varied, spoken-form MASSIVE data."""
import json
import os
import random
import re
import types

import pytest

from atm_jax.data import nlu_formats
from atm_jax.data import synthetic_nlu
from atm_jax.data import synthetic_templates
from atm_jax.errors import UserError

SIZES = {"train": 600, "dev": 100, "test": 100, "unlabelled": 400}
_SHARED_MASSIVE = os.path.join(os.path.dirname(__file__), "..", "..", "..",
                               "shared", "data", "massive", "en-US.jsonl")
# Letters, with an apostrophe only inside a word (what's, l'alarme, o'clock).
_SPOKEN_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")


@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> dict:
  folder = str(tmp_path_factory.mktemp("nlu"))
  return {"folder": folder,
          "summary": synthetic_nlu.write_nlu_dataset(folder, seed=0, sizes=SIZES)}


def _records(dataset: dict, locale: str) -> list[dict]:
  with open(dataset["summary"][locale]["jsonl"], encoding="utf-8") as f:
    return [json.loads(line) for line in f]


def _unlabelled(dataset: dict, locale: str) -> list[str]:
  with open(dataset["summary"][locale]["unlabelled"], encoding="utf-8") as f:
    return f.read().splitlines()


def _slot_names(locale: str) -> set[str]:
  return {synthetic_nlu.slot_name(key)
          for key in synthetic_templates.LOCALES[locale].VALUES}


def test_writes_every_locale_with_the_asked_counts(dataset):
  assert set(dataset["summary"]) == {"en-US", "de-DE", "fr-FR", "es-ES"}
  for locale, summary in dataset["summary"].items():
    assert summary["jsonl"] == os.path.join(dataset["folder"], f"{locale}.jsonl")
    assert summary["unlabelled"] == os.path.join(
        dataset["folder"], "unlabelled", f"{locale}.txt")
    assert (summary["train"], summary["dev"], summary["test"]) == (600, 100, 100)
    assert len(_unlabelled(dataset, locale)) == summary["unlabelled_lines"] == 400


def test_every_line_parses_with_the_massive_reader(dataset):
  for locale in dataset["summary"]:
    partitions = nlu_formats.read_massive(dataset["summary"][locale]["jsonl"])
    assert {p: len(examples) for p, examples in partitions.items()} == {
        "train": 600, "dev": 100, "test": 100}
    records = {r["id"]: r for r in _records(dataset, locale)}
    for example in (e for examples in partitions.values() for e in examples):
      record = records[example.id]
      assert example.words == tuple(record["utt"].split())
      assert example.intent == record["intent"] and example.locale == locale
      slots = {tag[2:] for tag in example.tags if tag != "O"}
      assert slots <= _slot_names(locale)


def test_records_have_massive_fields_and_scenarios(dataset):
  for locale in dataset["summary"]:
    for index, record in enumerate(_records(dataset, locale)):
      assert record["id"] == str(index) and record["locale"] == locale
      assert record["scenario"] == record["intent"].split("_")[0]
      assert record["partition"] in ("train", "dev", "test")
      assert record["annot_utt"].count("[") == record["annot_utt"].count("]")


@pytest.mark.shared_data
def test_fields_match_the_real_massive_file(dataset):
  if not os.path.exists(_SHARED_MASSIVE):
    pytest.skip("../shared/data/massive is not beside the checkout")
  with open(_SHARED_MASSIVE, encoding="utf-8") as f:
    real = json.loads(f.readline())
  ours = _records(dataset, "en-US")[0]
  assert set(ours) == set(real) - {"worker_id"}
  assert all(type(ours[field]) is type(real[field]) for field in ours)


def test_coverage_per_locale(dataset):
  for locale in dataset["summary"]:
    records = _records(dataset, locale)
    slots = {tag[2:] for partition in nlu_formats.read_massive(
        dataset["summary"][locale]["jsonl"]).values()
             for example in partition for tag in example.tags if tag != "O"}
    assert len({r["scenario"] for r in records}) >= 8
    assert len({r["intent"] for r in records}) >= 30
    assert len(slots) >= 20


def test_spoken_form_lower_case_no_digits_no_punctuation(dataset):
  for locale in dataset["summary"]:
    lines = [r["utt"] for r in _records(dataset, locale)] + _unlabelled(dataset, locale)
    for line in lines:
      assert line == line.lower() and line == " ".join(line.split())
      assert all(_SPOKEN_WORD.fullmatch(word) for word in line.split()), line


def test_no_utterance_in_two_partitions_or_twice(dataset):
  for locale in dataset["summary"]:
    by_partition = {}
    for record in _records(dataset, locale):
      by_partition.setdefault(record["partition"], []).append(record["utt"])
    labelled = [utt for utts in by_partition.values() for utt in utts]
    unlabelled = _unlabelled(dataset, locale)
    assert len(set(labelled)) == len(labelled)
    assert len(set(unlabelled)) == len(unlabelled)
    assert not set(labelled) & set(unlabelled)


def test_same_seed_same_files_other_seed_other_files(dataset, tmp_path):
  again = synthetic_nlu.write_nlu_dataset(str(tmp_path / "a"), seed=0, sizes=SIZES,
                                          locales=["fr-FR"])
  other = synthetic_nlu.write_nlu_dataset(str(tmp_path / "b"), seed=1, sizes=SIZES,
                                          locales=["fr-FR"])
  first = dataset["summary"]["fr-FR"]
  for kind in ("jsonl", "unlabelled"):
    with open(first[kind], "rb") as a, open(again["fr-FR"][kind], "rb") as b, \
        open(other["fr-FR"][kind], "rb") as c:
      original = a.read()
      assert original == b.read() and original != c.read()


def test_varied_enough_not_to_memorise(dataset):
  for locale in dataset["summary"]:
    records = _records(dataset, locale)
    words = {word for r in records for word in r["utt"].split()}
    per_intent = {}
    for record in records:
      per_intent.setdefault(record["intent"], set()).add(record["utt"])
    assert len(words) > 600
    assert min(len(utts) for utts in per_intent.values()) >= 5


def test_every_language_has_the_same_intents_and_uses_all_its_values():
  intents = None
  for locale, language in synthetic_templates.LOCALES.items():
    used = {key for templates in language.TEMPLATES.values() for template in templates
            for key in re.findall(r"\{([a-z_@]+)\}", template)}
    assert used == set(language.VALUES), locale
    assert intents in (None, set(language.TEMPLATES)), locale
    intents = set(language.TEMPLATES)


def test_render_expands_choices_slots_and_spans():
  values = {"time": ("at <(five|six) am>",), "date@bare": ("tomorrow",)}
  rng = random.Random(0)
  seen = set()
  for _ in range(40):
    utt, annot = synthetic_nlu.render("(wake|get) me up {time}( {date@bare}|)",
                                      values, rng)
    seen.add(utt)
    assert re.fullmatch(
        r"(wake|get) me up at \[time : (five|six) am\]( \[date : tomorrow\])?", annot)
    assert utt == re.sub(r"\[\w+ : ([^\]]+)\]", r"\1", annot)
  assert len(seen) == 8


def test_render_avoids_repeating_a_filler():
  values = {"food_type": ("<milk>", "<eggs>")}
  rng = random.Random(0)
  for _ in range(20):
    utt, _ = synthetic_nlu.render("add {food_type} and {food_type}", values, rng)
    assert utt in ("add milk and eggs", "add eggs and milk")


def test_bad_requests_are_one_sentence_errors(tmp_path, monkeypatch):
  with pytest.raises(UserError, match="No templates for locale 'xx-XX'; choose"):
    synthetic_nlu.write_nlu_dataset(str(tmp_path), locales=["xx-XX"])
  with pytest.raises(UserError, match="The dev size must be a whole number"):
    synthetic_nlu.write_nlu_dataset(str(tmp_path), sizes={"dev": -3})
  with pytest.raises(UserError, match="Unknown size 'validation'"):
    synthetic_nlu.write_nlu_dataset(str(tmp_path), sizes={"validation": 3})
  tiny = types.SimpleNamespace(TEMPLATES={"general_greet": ("(hi|hello)",)},
                               VALUES={})
  monkeypatch.setitem(synthetic_templates.LOCALES, "en-US", tiny)
  with pytest.raises(UserError, match="gave only 2 new distinct utterances of the 5"):
    synthetic_nlu.generate_locale("en-US", sizes={**SIZES, "train": 5, "dev": 0,
                                                  "test": 0})
