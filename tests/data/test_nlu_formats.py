"""MASSIVE annotations and JointBERT files become words with one BIO tag each;
bad lines fail in one sentence naming file and line."""
import json
import pathlib

import pytest

from atm_jax.data import nlu_formats
from atm_jax.data.nlu_formats import AnnotationError, parse_annotation
from atm_jax.errors import UserError

SHARED_DATA = pathlib.Path(__file__).resolve().parents[2].parent / "shared" / "data"
MASSIVE_EN = SHARED_DATA / "massive" / "en-US.jsonl"
SNIPS = SHARED_DATA / "snips"


@pytest.mark.parametrize("annotation, words, tags", [
    ("wake me up at [time : five am] [date : this week]",
     "wake me up at five am this week",
     "O O O O B-time I-time B-date I-date"),
    ("[date : today] [date : tomorrow] please",
     "today tomorrow please", "B-date B-date O"),
    ("olly what's [time : five am]'s alarm.",
     "olly what's five am's alarm.", "O O B-time I-time O"),
    ("remind me ([time : 5 : 30 pm]).",
     "remind me (5 : 30 pm).", "O O B-time I-time I-time I-time"),
    ("  play [artist_name :  beyoncé ]  now ",
     "play beyoncé now", "O B-artist_name O"),
    ("réveille-moi à [time : cinq heures] [date : demain]",
     "réveille-moi à cinq heures demain", "O O B-time I-time B-date"),
    ("[place_name : münchen][date : morgen] wetter",
     "münchenmorgen wetter", "B-place_name O"),
])
def test_annotation_words_and_bio_tags(annotation, words, tags):
  assert parse_annotation(annotation) == (tuple(words.split()), tuple(tags.split()))


def test_character_locales_split_non_ascii_tokens_into_characters():
  words, tags = parse_annotation("[date : 明日]の天気 tokyo [place : 東京]",
                                 split_characters=True)
  assert words == ("明", "日", "の", "天", "気", "tokyo", "東", "京")
  assert tags == ("B-date", "I-date", "O", "O", "O", "O", "B-place", "I-place")


@pytest.mark.parametrize("annotation, reason", [
    ("wake me at [time : five am", "never closed"),
    ("wake me at five am]", "has no '['"),
    ("[time : [date : five]]", "never closed"),
    ("wake me at [time five am]", "[slot_name : "),
    ("wake me at [time: five am]", "[slot_name : "),
    ("wake me at [ : five am]", "[slot_name : "),
    ("wake me at [time of day : five]", "[slot_name : "),
    ("wake me at [time :  ]", "is empty"),
    ("   ", "no words"),
])
def test_malformed_annotations_say_why(annotation, reason):
  with pytest.raises(AnnotationError) as error:
    parse_annotation(annotation)
  assert reason in str(error.value)


def _row(index, annotation, partition="train", intent="alarm_set", locale="en-US"):
  return json.dumps({"id": str(index), "locale": locale, "partition": partition,
                     "scenario": "alarm", "intent": intent, "utt": "",
                     "annot_utt": annotation}, ensure_ascii=False)


def test_read_massive_groups_partitions_and_reads_a_folder_in_order(tmp_path):
  (tmp_path / "b.jsonl").write_text(
      _row(2, "hi [date : today]", "dev") + "\n\n" + _row(3, "bye", "test") + "\n")
  (tmp_path / "a.jsonl").write_text(_row(1, "[time : nine] ok") + "\n")
  (tmp_path / "notes.txt").write_text("not json")
  partitions = nlu_formats.read_massive(str(tmp_path))
  assert {name: [e.id for e in examples] for name, examples in partitions.items()} == {
      "train": ["1"], "dev": ["2"], "test": ["3"]}
  assert partitions["dev"][0] == nlu_formats.NluExample(
      words=("hi", "today"), tags=("O", "B-date"), intent="alarm_set", id="2",
      locale="en-US")
  assert nlu_formats.read_massive(str(tmp_path / "a.jsonl")).keys() == {"train"}


@pytest.mark.parametrize("bad_line, words", [
    (_row(9, "wake me at [time : five am"), ["line 2", "[time : five am", "never closed"]),
    (_row(9, "set [alarm] now"), ["line 2", "set [alarm] now", "[slot_name : "]),
    (_row(9, "[date : ] now"), ["line 2", "is empty"]),
    ("{not json", ["line 2", "not valid JSON"]),
    (json.dumps({"id": "9", "partition": "train"}), ["line 2", "'locale'"]),
])
def test_bad_massive_lines_name_file_line_and_text(tmp_path, bad_line, words):
  path = tmp_path / "en-US.jsonl"
  path.write_text(_row(1, "fine [time : now]") + "\n" + bad_line + "\n")
  with pytest.raises(UserError) as error:
    nlu_formats.read_massive(str(path))
  assert str(path) in str(error.value)
  for word in words:
    assert word in str(error.value)


def test_missing_massive_data_is_a_user_error(tmp_path):
  with pytest.raises(UserError, match="does not exist"):
    nlu_formats.read_massive(str(tmp_path / "nowhere"))
  with pytest.raises(UserError, match="no .jsonl file"):
    nlu_formats.read_massive(str(tmp_path))


def _write_jointbert(folder, split, seq_in, seq_out, labels):
  split_dir = folder / split
  split_dir.mkdir(parents=True)
  for name, lines in (("seq.in", seq_in), ("seq.out", seq_out), ("label", labels)):
    (split_dir / name).write_text("".join(line + "\n" for line in lines))


def test_read_jointbert_tolerates_trailing_spaces(tmp_path):
  _write_jointbert(tmp_path, "train", ["play abba ", "hi"], ["O B-artist ", "O"],
                   ["PlayMusic", "Greet "])
  examples = nlu_formats.read_jointbert(str(tmp_path), "train")
  assert examples == [
      nlu_formats.NluExample(("play", "abba"), ("O", "B-artist"), "PlayMusic", id="0"),
      nlu_formats.NluExample(("hi",), ("O",), "Greet", id="1")]


@pytest.mark.parametrize("seq_in, seq_out, labels, words", [
    (["a b", "a b c"], ["O O", "O O"], ["x", "y"],
     ["seq.out line 2", "2 tags", "3 words"]),
    (["a b", "c"], ["O O"], ["x", "y"], ["2 lines in seq.in, 1 in seq.out"]),
    (["a", ""], ["O", ""], ["x", "y"], ["seq.in line 2", "empty"]),
    (["a b"], ["O slot"], ["x"], ["seq.out line 1", "'slot'"]),
])
def test_bad_jointbert_files_name_file_and_line(tmp_path, seq_in, seq_out, labels, words):
  _write_jointbert(tmp_path, "dev", seq_in, seq_out, labels)
  with pytest.raises(UserError) as error:
    nlu_formats.read_jointbert(str(tmp_path), "dev")
  assert str(tmp_path / "dev") in str(error.value)
  for word in words:
    assert word in str(error.value)


def test_missing_jointbert_split_is_a_user_error(tmp_path):
  with pytest.raises(UserError, match="does not exist"):
    nlu_formats.read_jointbert(str(tmp_path), "test")


def _assert_well_formed_bio(tags):
  previous = "O"
  for tag in tags:
    if tag.startswith("I-"):
      assert previous[2:] == tag[2:], tags
    previous = tag


@pytest.mark.skipif(not MASSIVE_EN.exists(), reason="no ../shared/data/massive")
def test_every_massive_en_us_line_parses_into_utt_words():
  partitions = nlu_formats.read_massive(str(MASSIVE_EN))
  assert {name: len(examples) for name, examples in partitions.items()} == {
      "train": 11_514, "dev": 2_033, "test": 2_974}
  with open(MASSIVE_EN, encoding="utf-8") as lines:
    utterances = {row["id"]: row["utt"] for row in map(json.loads, lines)}
  for example in (e for examples in partitions.values() for e in examples):
    assert len(example.tags) == len(example.words)
    assert list(example.words) == utterances[example.id].split()
    _assert_well_formed_bio(example.tags)
  first_test = partitions["test"][0]
  assert (first_test.id, first_test.tags) == (
      "0", ("O", "O", "O", "O", "B-time", "I-time", "B-date", "I-date"))


@pytest.mark.skipif(not SNIPS.exists(), reason="no ../shared/data/snips")
def test_snips_splits_have_the_published_sizes():
  sizes = {split: len(nlu_formats.read_jointbert(str(SNIPS), split))
           for split in ("train", "dev", "test")}
  assert sizes == {"train": 13_084, "dev": 700, "test": 700}
