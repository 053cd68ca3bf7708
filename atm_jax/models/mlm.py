"""Masked language model: encoder + tied MLM head, with its loss.

`MlmModel` is what the trainer talks to: it initialises variables and turns a
batch into a summed loss plus summed metrics, so gradient accumulation over
microbatches and sharded batches give exactly the full-batch mean.
"""
import dataclasses

import flax.linen as nn
import gin
import jax
import jax.numpy as jnp

from atm_jax.models import layers
from atm_jax.models import masking
from atm_jax.models.base import Model
from atm_jax.models.config import EncoderConfig
from atm_jax.models.encoder import Encoder
from atm_jax.models.losses import weighted_cross_entropy

Array = jax.Array
Batch = dict[str, Array]


@jax.custom_vjp
def add_output_bias(logits: Array, bias: Array) -> Array:
  """logits + bias, whose bias gradient is a matmul with ones.

  The plain gradient is a column sum over [predictions, vocab], which
  XLA:CPU's YNNPACK reduction runs ~60x slower than this matmul.
  """
  return logits + bias


def _add_output_bias_forward(logits, bias):
  return logits + bias, None


def _add_output_bias_backward(_, grad):
  rows = grad.reshape(-1, grad.shape[-1])
  return grad, jnp.ones((rows.shape[0],), rows.dtype) @ rows


add_output_bias.defvjp(_add_output_bias_forward, _add_output_bias_backward)


class MlmHead(nn.Module):
  """Dense + GELU + LayerNorm, then logits against the tied embedding."""

  config: EncoderConfig

  @nn.compact
  def __call__(self, hidden: Array, encoder: Encoder) -> Array:
    cfg = self.config
    dtype = jnp.dtype(cfg.dtype)
    x = layers.Projection("...e,em->...m", (cfg.embed_dim, cfg.embed_dim),
                          ("embed", "mlp"), (cfg.embed_dim,), ("mlp",), dtype,
                          name="dense")(hidden)
    x = nn.gelu(x, approximate=False)
    x = layers.LayerNorm(cfg.layer_norm_epsilon, dtype, name="norm")(x)
    bias = layers.param(self, "output_bias", nn.initializers.zeros,
                        (cfg.vocab_size,), ("vocab",))
    return add_output_bias(encoder.decode(x), bias)


class MlmEncoder(nn.Module):
  """Encoder whose MLM logits are computed only at `predict_positions`."""

  config: EncoderConfig
  deterministic: bool = True

  def setup(self):
    self.encoder = Encoder(self.config, self.deterministic)
    self.mlm_head = MlmHead(self.config)

  def __call__(self, tokens: Array, segment_ids: Array, positions: Array,
               predict_positions: Array) -> tuple[Array, Array]:
    hidden = self.encoder(tokens, segment_ids, positions)
    picked = jnp.take_along_axis(hidden, predict_positions[..., None], axis=1)
    logits = self.mlm_head(picked, self.encoder)
    logits = layers.constrain(logits, ("activation_batch", "activation_length",
                                       "activation_vocab"))
    return logits, hidden


@gin.configurable
@dataclasses.dataclass(frozen=True)
class MlmModel(Model):
  """MLM pretraining objective over an `EncoderConfig`."""

  config: EncoderConfig
  masking_config: masking.MaskingConfig

  def module(self, train: bool) -> MlmEncoder:
    return MlmEncoder(self.config, deterministic=not train)

  def init(self, rng: Array, batch_size: int, length: int):
    """Boxed (logically annotated) variables; call under `jax.eval_shape`."""
    ints = jnp.ones((batch_size, length), jnp.int32)
    predict = jnp.zeros((batch_size, self.masking_config.max_predictions(
        length)), jnp.int32)
    return self.module(train=False).init(rng, ints, ints, ints, predict)

  def loss(self, params, batch: Batch, rng: Array, train: bool,
           frozen=None) -> tuple[Array, dict[str, Array]]:
    """(summed loss, summed metrics incl. `weight`) for one (micro)batch."""
    del frozen  # MLM has no frozen parameters
    mask_rng, dropout_rng = jax.random.split(rng)
    masked = masking.mask_tokens(mask_rng, batch["tokens"],
                                 batch["segment_ids"], self.masking_config)
    logits, _ = self.module(train).apply(
        {"params": params}, masked.inputs, batch["segment_ids"],
        batch["positions"], masked.positions, rngs={"dropout": dropout_rng})
    loss_sum, correct = weighted_cross_entropy(logits, masked.targets,
                                               masked.weights)
    return loss_sum, {"loss": loss_sum, "accuracy": correct,
                      "weight": masked.weights.sum()}
