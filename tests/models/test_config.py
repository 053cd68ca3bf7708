"""EncoderConfig refuses bad values up front, with a UserError."""
import dataclasses

import pytest

from atm_jax.errors import UserError
from atm_jax.models.config import EncoderConfig

VALID = dict(vocab_size=100, num_layers=2, embed_dim=32, num_heads=4,
             head_dim=8, mlp_dim=64)


def test_valid_config_and_defaults():
  config = EncoderConfig(**VALID)
  assert config.dtype == "float32"
  assert config.remat_policy == "none"
  assert config.scan_layers and config.pre_layer_norm
  for dtype in ("float32", "bfloat16"):
    for policy in ("none", "full", "dots", "dots_no_batch"):
      EncoderConfig(**VALID, dtype=dtype, remat_policy=policy)
  EncoderConfig(**VALID, dropout_rate=0.0, attention_dropout_rate=0.0)
  EncoderConfig(**VALID, type_vocab_size=0)


def test_config_is_frozen():
  with pytest.raises(dataclasses.FrozenInstanceError):
    EncoderConfig(**VALID).num_layers = 3


@pytest.mark.parametrize("field", ["vocab_size", "num_layers", "embed_dim",
                                   "num_heads", "head_dim", "mlp_dim",
                                   "max_length"])
@pytest.mark.parametrize("value", [0, -1])
def test_rejects_non_positive_sizes(field, value):
  with pytest.raises(UserError, match=field):
    EncoderConfig(**{**VALID, field: value})


@pytest.mark.parametrize("overrides,field", [
    ({"dtype": "float16"}, "dtype"),
    ({"dtype": "bf16"}, "dtype"),
    ({"remat_policy": "minimal"}, "remat_policy"),
    ({"remat_policy": "None"}, "remat_policy"),
    ({"dropout_rate": 1.0}, "dropout_rate"),
    ({"dropout_rate": -0.1}, "dropout_rate"),
    ({"attention_dropout_rate": 1.5}, "attention_dropout_rate"),
    ({"attention_dropout_rate": float("nan")}, "attention_dropout_rate"),
    ({"attention": "flash"}, "attention"),
    ({"attention": "fused"}, "attention_dropout_rate"),
])
def test_rejects_bad_choices(overrides, field):
  with pytest.raises(UserError, match=field):
    EncoderConfig(**VALID, **overrides)


@pytest.mark.parametrize("overrides,field", [
    ({"type_vocab_size": -1}, "type_vocab_size"),
    ({"position_offset": -1}, "position_offset"),
    ({"layer_norm_epsilon": -1.0}, "layer_norm_epsilon"),
])
def test_rejects_negative_optional_sizes(overrides, field):
  with pytest.raises(UserError, match=field):
    EncoderConfig(**VALID, **overrides)
