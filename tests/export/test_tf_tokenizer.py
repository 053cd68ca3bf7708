"""The in-graph tokenizer gives the model inputs `atm_jax.predict` builds in
Python, for every kind of text: odd white space, characters, unknown words,
words cut at the maximum length."""
import numpy as np
import pytest
import tensorflow as tf

from atm_jax.data import nlu_features
from atm_jax.data import synthetic
from atm_jax.data.nlu_formats import NluExample
from atm_jax.export import tf_tokenizer
from atm_jax.prediction.inputs import split_words
from atm_jax.vocab import vocabulary

TEXTS = [
    "wake me up at seven am tomorrow",
    "  leading and trailing   spaces\t",
    "non\u00a0breaking\u3000ideographic\u2028line",
    "ÄÖÜ ß ☃ 東京 unknownwordzzzq",
    "x",
    " ".join(["seven"] * 40),  # longer than the maximum length
]
LENGTH = 24
LABELS = nlu_features.LabelVocab(intents=("<unseen>", "a"),
                                 slot_tags=("<unseen>", "O"))


@pytest.fixture(scope="module")
def model_path(tmp_path_factory) -> str:
  folder = tmp_path_factory.mktemp("vocab")
  text = synthetic.write_text_file(str(folder / "text.txt"), 2000)
  return vocabulary.train_sentencepiece([text], 300, str(folder / "spm.model"))


def _python_inputs(texts, model_path, characters):
  processor = vocabulary.load_processor(model_path)
  rows = []
  for text in texts:
    words = split_words(text, characters=characters).words
    example = NluExample(words=words, tags=("O",) * len(words), intent="a")
    rows.append(nlu_features.encode_example(
        example, processor.EncodeAsIds, LABELS, LENGTH))
  return rows


@pytest.mark.parametrize("characters", [False, True])
def test_graph_inputs_equal_the_python_ones(model_path, characters):
  with open(model_path, "rb") as f:
    encoder = tf_tokenizer.Encoder(f.read(), LENGTH, characters)
  inputs, words, kept = encoder(tf.constant(TEXTS))
  expected = _python_inputs(TEXTS, model_path, characters)
  width = inputs["tokens"].shape[1]
  assert width == LENGTH  # the long line needs the whole maximum length
  short, _, _ = encoder(tf.constant(["x", "wake"]))
  assert short["tokens"].shape[1] == 16  # the smallest bucket
  for row, want in enumerate(expected):
    for name in ("tokens", "segment_ids", "positions", "word_positions"):
      got = inputs[name][row].numpy()
      np.testing.assert_array_equal(got, want[name][:width], err_msg=name)
      assert not want[name][width:].any()
    split = split_words(TEXTS[row], characters=characters).words
    assert [w.decode() for w in words[row].numpy()] == list(split)
    assert int(kept[row]) == len(split) - int(want["dropped_words"])
  assert int(kept[-1]) < 40  # the long line was cut


def test_a_word_without_pieces_becomes_unk():
  pieces = tf.ragged.constant([[5, 6], [], [7]], dtype=tf.int32)
  fixed = tf_tokenizer._pieces_or_unk(pieces)  # pylint: disable=protected-access
  assert fixed.to_list() == [[5, 6], [2], [7]]
