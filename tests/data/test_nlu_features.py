"""Labels get stable ids (unseen -> 0) and examples become fixed-length inputs
whose word positions point at each word's first piece."""
import json

import numpy as np
import pytest
import sentencepiece as spm

from atm_jax.data import nlu_features
from atm_jax.data import synthetic
from atm_jax.data.nlu_features import UNSEEN, LabelVocab
from atm_jax.data.nlu_formats import NluExample
from atm_jax.errors import UserError
from atm_jax.vocab import special_tokens
from atm_jax.vocab import vocabulary

CLS, EOS, UNK = special_tokens.CLS_ID, special_tokens.EOS_ID, special_tokens.UNK_ID
TRAIN = [
    NluExample(("wake", "me", "at", "five", "am"), ("O", "O", "O", "B-time", "I-time"),
               "alarm_set"),
    NluExample(("play", "abba"), ("O", "B-artist"), "play_music"),
]
# Fake pieces: each word's pieces are chosen so positions are easy to follow.
PIECES = {"wake": [10], "me": [11], "at": [12], "five": [13, 14], "am": [15, 16, 17],
          "play": [20], "abba": [21, 22]}


@pytest.fixture(scope="module")
def labels() -> LabelVocab:
  return nlu_features.build_labels(TRAIN)


def test_labels_reserve_zero_for_unseen_and_put_o_first(labels):
  assert labels.intents == (UNSEEN, "alarm_set", "play_music")
  assert labels.slot_tags == (UNSEEN, "O", "B-artist", "B-time", "I-time")
  assert labels.intent_id("play_music") == 2 and labels.tag_id("I-time") == 4
  assert labels.intent_id("weather_query") == 0 and labels.tag_id("B-date") == 0


def test_labels_survive_save_and_load(labels, tmp_path):
  path = nlu_features.save_labels(labels, str(tmp_path / "run"))
  assert path == str(tmp_path / "run" / "labels.json")
  assert nlu_features.load_labels(str(tmp_path / "run")) == labels
  assert sorted(p.name for p in (tmp_path / "run").iterdir()) == ["labels.json"]


@pytest.mark.parametrize("content", [
    "{not json", json.dumps({"intents": [UNSEEN]}),
    json.dumps({"intents": ["a"], "slot_tags": [UNSEEN, "O"]}),
])
def test_a_broken_labels_file_is_a_user_error(tmp_path, content):
  (tmp_path / "labels.json").write_text(content)
  with pytest.raises(UserError, match="labels.json is not a labels file"):
    nlu_features.load_labels(str(tmp_path))


def test_loading_labels_from_an_empty_directory_says_where(tmp_path):
  with pytest.raises(UserError, match="labels.json does not exist"):
    nlu_features.load_labels(str(tmp_path))


def _encode(example, labels, length, pieces=PIECES):
  return nlu_features.encode_example(example, lambda word: pieces.get(word, []),
                                     labels, length)


def test_slot_labels_sit_on_each_words_first_piece(labels):
  arrays = _encode(TRAIN[0], labels, 16)
  np.testing.assert_array_equal(
      arrays["tokens"], [CLS, 10, 11, 12, 13, 14, 15, 16, 17, EOS] + [0] * 6)
  np.testing.assert_array_equal(arrays["word_positions"], [1, 2, 3, 4, 6] + [0] * 11)
  np.testing.assert_array_equal(arrays["word_mask"], [1] * 5 + [0] * 11)
  np.testing.assert_array_equal(arrays["slot_ids"], [1, 1, 1, 3, 4] + [0] * 11)
  np.testing.assert_array_equal(arrays["segment_ids"], [1] * 10 + [0] * 6)
  np.testing.assert_array_equal(arrays["positions"], list(range(10)) + [0] * 6)
  assert arrays["intent"] == 1 and arrays["dropped_words"] == 0
  for name in nlu_features.SEQUENCE_FEATURES:
    assert arrays[name].shape == (16,) and arrays[name].dtype == np.int32
  assert arrays["intent"].dtype == np.int32 and arrays["intent"].shape == ()


def test_words_that_do_not_fit_are_dropped_whole_and_counted(labels):
  arrays = _encode(TRAIN[0], labels, 8)  # room for 6 pieces: wake me at five
  np.testing.assert_array_equal(arrays["tokens"], [CLS, 10, 11, 12, 13, 14, EOS, 0])
  np.testing.assert_array_equal(arrays["word_mask"], [1, 1, 1, 1, 0, 0, 0, 0])
  np.testing.assert_array_equal(arrays["slot_ids"], [1, 1, 1, 3, 0, 0, 0, 0])
  assert arrays["dropped_words"] == 1
  assert _encode(TRAIN[0], labels, 3)["dropped_words"] == 4
  with pytest.raises(UserError, match="sequence_length=2"):
    _encode(TRAIN[0], labels, 2)


def test_unseen_labels_map_to_zero_and_pieceless_words_to_unk(labels):
  example = NluExample(("play", "\u200b", "abba"), ("O", "B-date", "B-artist"),
                       "weather_query")
  arrays = _encode(example, labels, 8)
  np.testing.assert_array_equal(arrays["tokens"][:6], [CLS, 20, UNK, 21, 22, EOS])
  np.testing.assert_array_equal(arrays["word_positions"][:3], [1, 2, 3])
  np.testing.assert_array_equal(arrays["slot_ids"][:4], [1, 0, 2, 0])
  assert arrays["intent"] == 0


def test_real_sentencepiece_words_start_where_word_positions_say(labels, tmp_path):
  text = synthetic.write_text_file(str(tmp_path / "text.txt"), 1000)
  processor = spm.SentencePieceProcessor(model_file=vocabulary.train_sentencepiece(
      [text], 300, str(tmp_path / "spm.model")))
  with open(text, encoding="utf-8") as f:
    words = tuple(f.readline().split()) + ("unbelievably",)
  example = NluExample(words, ("O",) * len(words), "alarm_set")
  arrays = nlu_features.encode_example(example, processor.encode, labels, 64)
  assert arrays["dropped_words"] == 0
  starts = [*arrays["word_positions"][:len(words)], arrays["segment_ids"].sum() - 1]
  assert any(end - start > 1 for start, end in zip(starts, starts[1:]))
  for word, start, end in zip(words, starts, starts[1:]):
    assert processor.decode(arrays["tokens"][start:end].tolist()) == word


def test_length_buckets_are_powers_of_two_up_to_the_maximum():
  assert [nlu_features.length_bucket(n, 64) for n in (1, 16, 17, 33, 64)] == [
      16, 16, 32, 64, 64]
  assert nlu_features.length_bucket(40, 48) == 48
