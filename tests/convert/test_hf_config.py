"""config.json -> EncoderConfig, and configs our encoder cannot express."""
import json

import pytest

from atm_jax.convert import hf_config
from atm_jax.errors import UserError

BERT = {"model_type": "bert", "vocab_size": 100, "hidden_size": 32,
        "num_hidden_layers": 2, "num_attention_heads": 4,
        "intermediate_size": 64, "max_position_embeddings": 40,
        "type_vocab_size": 2, "layer_norm_eps": 1e-12, "hidden_act": "gelu"}


def _folder(tmp_path, **changes):
  config = dict(BERT, **changes)
  (tmp_path / "config.json").write_text(json.dumps(config))
  return str(tmp_path)


def test_bert_maps_onto_a_post_layer_norm_encoder(tmp_path):
  model = hf_config.read_config(_folder(tmp_path))
  config = hf_config.encoder_config(model, vocab_size=101)
  assert (config.num_layers, config.embed_dim, config.num_heads,
          config.head_dim, config.mlp_dim) == (2, 32, 4, 8, 64)
  assert not config.pre_layer_norm
  assert (config.position_offset, config.max_length) == (0, 40)
  assert config.layer_norm_epsilon == 1e-12


def test_roberta_positions_start_after_the_padding_id(tmp_path):
  model = hf_config.read_config(_folder(
      tmp_path, model_type="xlm-roberta", pad_token_id=1,
      max_position_embeddings=514, type_vocab_size=1))
  assert model.family == "roberta"
  assert model.encoder["position_offset"] == 2
  assert model.encoder["max_length"] == 512


@pytest.mark.parametrize("changes,message", [
    ({"position_embedding_type": "relative_key"}, "absolute learned positions"),
    ({"hidden_act": "relu"}, "exact \\(erf\\) GELU"),
    ({"hidden_act": "gelu_new"}, "exact \\(erf\\) GELU"),
    ({"model_type": "gpt2"}, "model_type 'gpt2'"),
    ({"is_decoder": True}, "decoder"),
    ({"num_attention_heads": 5}, "not divisible"),
])
def test_configs_our_encoder_cannot_express(tmp_path, changes, message):
  with pytest.raises(UserError, match=message):
    hf_config.read_config(_folder(tmp_path, **changes))


def test_missing_config(tmp_path):
  with pytest.raises(UserError, match="no config.json"):
    hf_config.read_config(str(tmp_path))


def test_gin_text_names_every_setting(tmp_path):
  model = hf_config.read_config(_folder(tmp_path))
  text = hf_config.gin_text(hf_config.encoder_config(model, 101), "/src")
  assert "VOCAB_SIZE = 101" in text
  assert "EncoderConfig.pre_layer_norm = False" in text
  assert "EncoderConfig.layer_norm_epsilon = 1e-12" in text
