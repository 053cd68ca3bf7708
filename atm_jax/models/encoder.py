"""RoBERTa-style transformer encoder: embeddings, a stack of blocks, final norm."""
import dataclasses

import flax.linen as nn
import jax
import jax.numpy as jnp

from atm_jax import precision
from atm_jax.models import layers
from atm_jax.models.config import EncoderConfig
from atm_jax.partitioning.vocab_parallel import token_logits, token_lookup

Array = jax.Array
HIDDEN_AXES = ("activation_batch", "activation_length", "activation_embed")

_POLICIES = jax.checkpoint_policies
# The "dots" policies also keep the 16-bit products of `precision.einsum`.
_NAMED_MATMULS = _POLICIES.save_only_these_names(precision.MATMUL_NAME)
_REMAT_POLICIES = {
    "full": _POLICIES.nothing_saveable,
    "dots": _POLICIES.save_from_both_policies(_POLICIES.checkpoint_dots,
                                              _NAMED_MATMULS),
    "dots_no_batch": _POLICIES.save_from_both_policies(
        _POLICIES.checkpoint_dots_with_no_batch_dims, _NAMED_MATMULS),
}


def _lookup(table: Array, ids: Array) -> Array:
  """Rows of a small embedding table (positions, token types) for
  [batch, length] ids.

  The whole table is gathered first (what FSDP does before using a
  parameter), so the lookup result can be split over the batch directly.
  """
  table = layers.constrain(table, (None, "activation_embed"))
  return layers.constrain(jnp.take(table, ids, axis=0), HIDDEN_AXES)


class Embeddings(nn.Module):
  """Token + learned absolute position (+ optional token type) embeddings."""

  config: EncoderConfig
  deterministic: bool

  def setup(self):
    cfg = self.config
    self.token_embedding = layers.param(
        self, "token_embedding", layers.DENSE_INIT,
        (cfg.vocab_size, cfg.embed_dim), ("vocab", "embed"))
    self.position_embedding = layers.param(
        self, "position_embedding", layers.DENSE_INIT,
        (cfg.max_length + cfg.position_offset, cfg.embed_dim),
        ("positions", "embed"))
    if cfg.type_vocab_size:
      self.type_embedding = layers.param(
          self, "type_embedding", layers.DENSE_INIT,
          (cfg.type_vocab_size, cfg.embed_dim), ("token_types", "embed"))
    self.norm = layers.LayerNorm(cfg.layer_norm_epsilon, jnp.dtype(cfg.dtype))
    self.dropout = nn.Dropout(cfg.dropout_rate)

  def __call__(self, tokens: Array, positions: Array,
               token_types: Array | None) -> Array:
    cfg = self.config
    dtype = jnp.dtype(cfg.dtype)
    x = token_lookup(self.token_embedding, tokens, dtype).astype(jnp.float32)
    x = x + _lookup(self.position_embedding, positions + cfg.position_offset)
    if cfg.type_vocab_size:
      types = jnp.zeros_like(tokens) if token_types is None else token_types
      x = x + _lookup(self.type_embedding, types)
    x = self.norm(x.astype(dtype))
    return self.dropout(x, deterministic=self.deterministic)

  def decode(self, hidden: Array) -> Array:
    """Logits against the (tied) token embedding, in float32."""
    return token_logits(hidden, self.token_embedding)


class EncoderBlock(nn.Module):
  """Attention + feed-forward with residuals; pre- or post-LayerNorm."""

  config: EncoderConfig
  deterministic: bool

  @nn.compact
  def __call__(self, x: Array, mask: Array) -> tuple[Array, None]:
    cfg = self.config
    dtype = jnp.dtype(cfg.dtype)
    attention = layers.SelfAttention(cfg, self.deterministic, name="attention")
    feed_forward = layers.FeedForward(cfg, name="mlp")
    attention_norm = layers.LayerNorm(cfg.layer_norm_epsilon, dtype,
                                      name="attention_norm")
    mlp_norm = layers.LayerNorm(cfg.layer_norm_epsilon, dtype, name="mlp_norm")
    dropout = lambda y: nn.Dropout(cfg.dropout_rate)(
        y, deterministic=self.deterministic)
    if cfg.pre_layer_norm:
      x = x + dropout(attention(attention_norm(x), mask))
      x = x + dropout(feed_forward(mlp_norm(x)))
    else:
      x = attention_norm(x + dropout(attention(x, mask)))
      x = mlp_norm(x + dropout(feed_forward(x)))
    x = layers.constrain(x, HIDDEN_AXES)
    # Kept only when the caller makes `intermediates` mutable (distillation).
    self.sow("intermediates", "hidden", x)
    return x, None


def _block_class(cfg: EncoderConfig) -> type[nn.Module]:
  if cfg.remat_policy == "none":
    return EncoderBlock
  return nn.remat(EncoderBlock, policy=_REMAT_POLICIES[cfg.remat_policy],
                  prevent_cse=not cfg.scan_layers)


class Encoder(nn.Module):
  """The encoder proper; returns hidden states [batch, length, embed]."""

  config: EncoderConfig
  deterministic: bool = True

  def setup(self):
    cfg = self.config
    self.embeddings = Embeddings(cfg, self.deterministic)
    block = _block_class(cfg)
    if cfg.scan_layers:
      scanned = nn.scan(block,
                        variable_axes={"params": 0, "intermediates": 0,
                                       layers.ATTENTION_STATES: 0},
                        split_rngs={"params": True, "dropout": True},
                        in_axes=nn.broadcast, length=cfg.num_layers,
                        metadata_params={nn.PARTITION_NAME: "layers"})
      self.layers = scanned(cfg, self.deterministic)
    else:
      self.layers = [block(cfg, self.deterministic, name=f"layers_{i}")
                     for i in range(cfg.num_layers)]
    if cfg.pre_layer_norm:
      self.final_norm = layers.LayerNorm(cfg.layer_norm_epsilon,
                                         jnp.dtype(cfg.dtype))

  def __call__(self, tokens: Array, segment_ids: Array, positions: Array,
               token_types: Array | None = None) -> Array:
    x = self.embeddings(tokens, positions, token_types)
    x = layers.constrain(x, HIDDEN_AXES)
    mask = layers.attention_mask(segment_ids)
    if self.config.scan_layers:
      x, _ = self.layers(x, mask)
    else:
      for block in self.layers:
        x, _ = block(x, mask)
    if self.config.pre_layer_norm:
      x = self.final_norm(x)
    return x

  def decode(self, hidden: Array) -> Array:
    return self.embeddings.decode(hidden)


def unscan_layers(encoder_params, config: EncoderConfig):
  """(config, params) of the same encoder with its layers unrolled: the
  stacked `layers` become `layers_0` ... `layers_{n-1}`. Exporters whose
  tracing cannot follow `nn.scan` with symbolic shapes use it."""
  if not config.scan_layers:
    return config, encoder_params
  params = dict(encoder_params)
  stacked = params.pop("layers")
  for i in range(config.num_layers):
    params[f"layers_{i}"] = jax.tree.map(lambda a, i=i: a[i], stacked)
  return dataclasses.replace(config, scan_layers=False), params


def layer_outputs(variables, config: EncoderConfig) -> dict[str, Array]:
  """Per-layer values sown by the encoder, stacked as [layers, ...].

  Keys: `hidden` (each block's output, in `intermediates`) and, when
  `attention_states` was mutable too, the attention `query`, `key` and
  `value` projections; the same whether or not the layers are scanned.
  """
  names = ("hidden",)
  if layers.ATTENTION_STATES in variables:
    names += ("query", "key", "value")

  def sown(name, block):
    """`name`'s value as sown by `block` ("layers" when scanned)."""
    if name == "hidden":
      return variables["intermediates"]["encoder"][block]["hidden"][0]
    attention = variables[layers.ATTENTION_STATES]["encoder"][block][
        "attention"]
    return attention[f"{name}_states"][0]

  if config.scan_layers:
    return {name: sown(name, "layers") for name in names}
  return {name: jnp.stack([sown(name, f"layers_{i}")
                           for i in range(config.num_layers)])
          for name in names}
