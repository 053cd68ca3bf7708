"""The converted tokenizer as a SeqIO vocabulary in our id numbering."""
import json
import os
import pickle
import shutil

import numpy as np
import pytest
import tensorflow as tf

from atm_jax.convert import importer
from atm_jax.errors import UserError
from atm_jax.vocab import special_tokens
from atm_jax.vocab import vocabulary as data_vocabulary
from atm_jax.vocab.converted import ConvertedVocabulary
from tests.convert import helpers


@pytest.fixture(scope="module")
def vocab_dirs(tmp_path_factory):
  dirs = {}
  for name in ("tiny_bert", "tiny_xlmr"):
    run_dir = tmp_path_factory.mktemp(name) / "run"
    importer.convert(helpers.fixture(name), str(run_dir))
    dirs[name] = str(run_dir / "vocab")
  return dirs


@pytest.mark.parametrize("name", ["tiny_bert", "tiny_xlmr"])
def test_the_data_code_loads_a_run_vocab_folder(vocab_dirs, name):
  data_vocabulary.check_vocabulary(vocab_dirs[name])
  vocabulary = data_vocabulary.load_vocabulary(vocab_dirs[name])
  assert isinstance(vocabulary, ConvertedVocabulary)
  assert (vocabulary.pad_id, vocabulary.eos_id, vocabulary.unk_id) == (
      special_tokens.PAD_ID, special_tokens.EOS_ID, special_tokens.UNK_ID)
  assert vocabulary == data_vocabulary.load_vocabulary(
      os.path.join(vocab_dirs[name], "vocabulary.json"))


@pytest.mark.parametrize("name", ["tiny_bert", "tiny_xlmr"])
def test_ids_stand_for_the_checkpoint_tokenizers_ids(vocab_dirs, name):
  ref = helpers.reference(name)
  vocabulary = ConvertedVocabulary(vocab_dirs[name])
  for sentence, hf_ids, mask in zip(ref["sentences"], ref["input_ids"],
                                    ref["attention_mask"]):
    ours = vocabulary.encode(str(sentence))
    # The reference adds cls and sep (or <s> and </s>) around the pieces.
    assert vocabulary.hf_ids[ours].tolist() == hf_ids[mask][1:-1].tolist()
    assert special_tokens.SEP_ID not in ours


def test_unknown_characters_become_our_unk(vocab_dirs):
  vocabulary = ConvertedVocabulary(vocab_dirs["tiny_bert"])
  assert vocabulary.encode("東") == [special_tokens.UNK_ID]
  assert vocabulary.decode(vocabulary.encode("play music")) == "play music"


def test_tensorflow_encoding_equals_python(vocab_dirs):
  vocabulary = ConvertedVocabulary(vocab_dirs["tiny_xlmr"])
  texts = ["play the song", "set an alarm for tomorrow", ""]
  dataset = tf.data.Dataset.from_tensor_slices(texts).map(vocabulary.encode_tf)
  for text, ids in zip(texts, dataset.as_numpy_iterator()):
    assert ids.tolist() == vocabulary.encode(text)
  ids = tf.constant([vocabulary.encode("play the song") + [1, 7]])
  assert vocabulary.decode_tf(ids).numpy().tolist() == [b"play the song"]


def test_copies_compare_equal_and_other_vocabularies_do_not(vocab_dirs,
                                                            tmp_path):
  copy = tmp_path / "vocab"
  shutil.copytree(vocab_dirs["tiny_bert"], copy)
  bert = ConvertedVocabulary(vocab_dirs["tiny_bert"])
  assert ConvertedVocabulary(str(copy)) == bert
  assert ConvertedVocabulary(vocab_dirs["tiny_xlmr"]) != bert
  restored = pickle.loads(pickle.dumps(bert))
  assert restored == bert and restored.encode("hello") == bert.encode("hello")


def test_broken_descriptor_is_one_sentence(vocab_dirs, tmp_path):
  copy = tmp_path / "vocab"
  shutil.copytree(vocab_dirs["tiny_bert"], copy)
  descriptor = json.loads((copy / "vocabulary.json").read_text())
  (copy / "vocabulary.json").write_text(json.dumps(dict(descriptor,
                                                        backend="magic")))
  with pytest.raises(UserError, match="not a vocabulary written by"):
    data_vocabulary.load_vocabulary(str(copy))
  os.remove(copy / "vocabulary.json")
  with pytest.raises(UserError, match="does not exist"):
    data_vocabulary.load_vocabulary(str(copy / "vocabulary.json"))


def test_the_id_map_is_stored_compactly(vocab_dirs):
  with open(os.path.join(vocab_dirs["tiny_bert"], "vocabulary.json")) as f:
    descriptor = json.load(f)
  hf_ids = ConvertedVocabulary(vocab_dirs["tiny_bert"]).hf_ids
  moved = np.flatnonzero(hf_ids != np.arange(len(hf_ids)))
  assert len(descriptor["moved"]) == len(moved) < 12
