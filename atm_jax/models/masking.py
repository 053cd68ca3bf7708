"""BERT-style MLM masking done on device, so it is deterministic per step.

Exactly round(rate x candidates) tokens of each row are chosen (candidates are
real, non-special tokens). A chosen token becomes the mask token with
probability 0.8, a random regular token with 0.1, and stays itself with 0.1.
Only the chosen positions are returned for the loss, a fixed number per row, so
the vocabulary projection runs on them alone.
"""
import dataclasses
import math

import flax.struct
import gin
import jax
import jax.numpy as jnp

from atm_jax.vocab import special_tokens


@gin.configurable
@dataclasses.dataclass(frozen=True)
class MaskingConfig:
  vocab_size: int
  mask_rate: float = 0.15
  mask_token_rate: float = 0.8
  random_token_rate: float = 0.1
  mask_id: int = special_tokens.MASK_ID
  num_special: int = special_tokens.NUM_SPECIAL

  def max_predictions(self, length: int) -> int:
    return max(1, math.ceil(self.mask_rate * length))


@flax.struct.dataclass
class MaskedBatch:
  inputs: jax.Array     # [batch, length] tokens with masking applied
  positions: jax.Array  # [batch, predictions] where predictions are made
  targets: jax.Array    # [batch, predictions] original tokens there
  weights: jax.Array    # [batch, predictions] 1.0 for a real prediction


def mask_tokens(rng: jax.Array, tokens: jax.Array, segment_ids: jax.Array,
                config: MaskingConfig) -> MaskedBatch:
  """Choose and corrupt MLM targets for a [batch, length] token array."""
  tokens, segment_ids = jnp.asarray(tokens), jnp.asarray(segment_ids)
  select_rng, action_rng, random_rng = jax.random.split(rng, 3)
  predictions = config.max_predictions(tokens.shape[1])
  candidates = (segment_ids > 0) & (tokens >= config.num_special)
  num_candidates = candidates.sum(axis=1)
  num_masked = jnp.round(config.mask_rate * num_candidates).astype(jnp.int32)
  num_masked = jnp.where(num_candidates > 0, jnp.maximum(num_masked, 1), 0)
  scores = jax.random.uniform(select_rng, tokens.shape)
  scores = jnp.where(candidates, scores, -1.0)
  _, positions = jax.lax.top_k(scores, predictions)
  weights = jnp.arange(predictions)[None, :] < num_masked[:, None]
  targets = jnp.take_along_axis(tokens, positions, axis=1)

  action = jax.random.uniform(action_rng, positions.shape)
  random_ids = jax.random.randint(random_rng, positions.shape,
                                  config.num_special, config.vocab_size)
  use_mask = action < config.mask_token_rate
  use_random = (~use_mask) & (
      action < config.mask_token_rate + config.random_token_rate)
  replaced = jnp.where(use_mask, config.mask_id,
                       jnp.where(use_random, random_ids, targets))
  replaced = jnp.where(weights, replaced, targets)
  rows = jnp.arange(tokens.shape[0])[:, None]
  inputs = tokens.at[rows, positions].set(replaced)
  return MaskedBatch(inputs, positions.astype(jnp.int32), targets,
                     weights.astype(jnp.float32))
