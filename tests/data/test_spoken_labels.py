"""Slot tags follow written words onto their spoken form: a slot's first spoken
word keeps its B- (or I-), the words it grew into continue it, O stays O."""
import pytest

from atm_jax.data.nlu_formats import NluExample, parse_annotation
from atm_jax.data.spoken_labels import carry_tags, label_runs, spoken_example


@pytest.mark.parametrize("annotation, lang, words, tags", [
    ("wake me up at [time : 5 am]", "en-US",
     "wake me up at five a m", "O O O O B-time I-time I-time"),
    ("set 2 alarms for [time : 7:30 pm] [date : tomorrow]", "en-US",
     "set two alarms for seven thirty p m tomorrow",
     "O O O O B-time I-time I-time I-time B-date"),
    ("add 25 eggs to my [list_name : shopping] list", "en-US",
     "add twenty five eggs to my shopping list", "O O O O O O B-list_name O"),
    ("remind me on [date : march 21st]", "en-US",
     "remind me on march twenty first", "O O O B-date I-date I-date"),
    ("[date : 3] [date : 4] - ok", "en-US", "three four ok", "B-date B-date O"),
    ("weck mich um [time : 17:45] auf", "de-DE",
     "weck mich um siebzehn uhr fünfundvierzig auf",
     "O O O B-time I-time I-time O"),
    ("[time : 5時]に起こして", "ja-JP", "五 時 に 起 こ し て",
     "B-time I-time O O O O O"),
])
def test_tags_are_carried(annotation, lang, words, tags):
  written_words, written_tags = parse_annotation(
      annotation, split_characters=lang == "ja-JP")
  assert carry_tags(written_words, written_tags, lang) == (
      tuple(words.split()), tuple(tags.split()))


def test_a_slot_that_starts_with_i_keeps_it():
  assert carry_tags(["at", "5"], ["I-time", "I-time"], "en") == (
      ("at", "five"), ("I-time", "I-time"))


def test_a_slot_rendered_to_nothing_drops_out():
  assert carry_tags(["call", "-", "now"], ["O", "B-x", "O"], "en") == (
      ("call", "now"), ("O", "O"))


def test_runs_split_at_each_b_and_each_change_of_slot():
  assert label_runs(["O", "O", "B-a", "I-a", "B-a", "I-b", "O"]) == [
      (0, 2), (2, 4), (4, 5), (5, 6), (6, 7)]
  assert label_runs([]) == []


def test_an_example_without_locale_is_english():
  example = NluExample(words=("play", "track", "2"),
                       tags=("O", "O", "B-track"), intent="play", id="7")
  spoken = spoken_example(example)
  assert spoken == NluExample(words=("play", "track", "two"),
                              tags=("O", "O", "B-track"), intent="play",
                              id="7")
