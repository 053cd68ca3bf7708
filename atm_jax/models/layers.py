"""Encoder building blocks whose every parameter carries logical axis names.

Kernels are created at full rank (e.g. query as [embed, heads, kv]) and applied
with einsum, so the logical names map one-to-one onto array dimensions and any
rules table can shard them.
"""
from collections.abc import Sequence

import flax.linen as nn
import jax
import jax.numpy as jnp

from atm_jax.models.config import EncoderConfig
from atm_jax.precision import einsum

Array = jax.Array
Axes = tuple[str | None, ...]

DENSE_INIT = nn.initializers.normal(stddev=0.02)
NEG_INF = -1e9
# The collection the attention projections are sown into: made mutable only
# when a loss reads them, so other runs do not stack them per layer.
ATTENTION_STATES = "attention_states"


def constrain(x: Array, axes: Axes) -> Array:
  """Logical sharding constraint on an activation (no-op without rules)."""
  return nn.with_logical_constraint(x, axes)


def cast(x: Array, dtype: jnp.dtype, axes: Axes) -> Array:
  """A parameter in the compute dtype, cast where it lies: constrained to its
  own sharding, so the all-gather that follows moves `dtype` bytes."""
  return constrain(x.astype(dtype), axes)


def param(module: nn.Module, name: str, init, shape: Sequence[int],
          axes: Axes) -> Array:
  """A float32 parameter tagged with its logical axis names."""
  return module.param(name, nn.with_logical_partitioning(init, axes),
                      tuple(shape), jnp.float32)


class LayerNorm(nn.Module):
  """LayerNorm over the embed axis, computed in float32."""

  epsilon: float
  dtype: jnp.dtype

  @nn.compact
  def __call__(self, x: Array) -> Array:
    features = x.shape[-1]
    scale = param(self, "scale", nn.initializers.ones, (features,), ("embed",))
    bias = param(self, "bias", nn.initializers.zeros, (features,), ("embed",))
    x32 = x.astype(jnp.float32)
    mean = x32.mean(-1, keepdims=True)
    var = jnp.square(x32 - mean).mean(-1, keepdims=True)
    y = (x32 - mean) * jax.lax.rsqrt(var + self.epsilon) * scale + bias
    return y.astype(self.dtype)


class Projection(nn.Module):
  """An einsum with a full-rank kernel and a bias, both logically named."""

  equation: str
  kernel_shape: tuple[int, ...]
  kernel_axes: Axes
  bias_shape: tuple[int, ...]
  bias_axes: Axes
  dtype: jnp.dtype

  @nn.compact
  def __call__(self, x: Array) -> Array:
    kernel = param(self, "kernel", DENSE_INIT, self.kernel_shape,
                   self.kernel_axes)
    bias = param(self, "bias", nn.initializers.zeros, self.bias_shape,
                 self.bias_axes)
    y = einsum(self.equation, x.astype(self.dtype),
               cast(kernel, self.dtype, self.kernel_axes))
    return y + bias.astype(self.dtype)


def attention_mask(segment_ids: Array) -> Array:
  """[batch, 1, q, k] booleans: same packed example and not padding."""
  same = segment_ids[:, :, None] == segment_ids[:, None, :]
  real_key = (segment_ids > 0)[:, None, :]
  return (same & real_key)[:, None, :, :]


class SelfAttention(nn.Module):
  """Multi-head self-attention that never crosses packed-example borders."""

  config: EncoderConfig
  deterministic: bool

  @nn.compact
  def __call__(self, x: Array, mask: Array) -> Array:
    cfg = self.config
    dtype = jnp.dtype(cfg.dtype)
    qkv_shape = (cfg.embed_dim, cfg.num_heads, cfg.head_dim)

    def project_in(name):
      return Projection("ble,ehd->blhd", qkv_shape, ("embed", "heads", "kv"),
                        qkv_shape[1:], ("heads", "kv"), dtype, name=name)(x)

    head_axes = ("activation_batch", "activation_length", "activation_heads",
                 "activation_kv")
    query = constrain(project_in("query"), head_axes)
    key = constrain(project_in("key"), head_axes)
    value = constrain(project_in("value"), head_axes)
    # Kept for attention distillation when `attention_states` is mutable
    # (init makes every collection mutable: not there).
    if not self.is_initializing():
      for name, projected in (("query", query), ("key", key),
                              ("value", value)):
        self.sow(ATTENTION_STATES, f"{name}_states", projected)
    if cfg.attention == "fused":
      context = constrain(_fused_attention(query, key, value, mask), head_axes)
    else:
      context = constrain(self._einsum_attention(query, key, value, mask),
                          head_axes)
    return Projection("blhd,hde->ble", (cfg.num_heads, cfg.head_dim,
                                         cfg.embed_dim),
                      ("heads", "kv", "embed"), (cfg.embed_dim,), ("embed",),
                      dtype, name="out")(context)

  def _einsum_attention(self, query: Array, key: Array, value: Array,
                        mask: Array) -> Array:
    cfg = self.config
    dtype = jnp.dtype(cfg.dtype)
    query = query / jnp.sqrt(cfg.head_dim).astype(dtype)
    # Plain einsums: XLA:CPU runs these batched products with a generic
    # kernel that has no bf16 x bf16 -> f32 form (`precision.einsum`).
    scores = jnp.einsum("bqhd,bkhd->bhqk", query, key).astype(jnp.float32)
    scores = jnp.where(mask, scores, NEG_INF)
    probs = jax.nn.softmax(scores, axis=-1).astype(dtype)
    probs = nn.Dropout(cfg.attention_dropout_rate)(
        probs, deterministic=self.deterministic)
    return jnp.einsum("bhqk,bkhd->bqhd", probs, value)


def _fused_attention(query: Array, key: Array, value: Array,
                     mask: Array) -> Array:
  """`jax.nn.dot_product_attention`: cuDNN's fused kernel where it applies (a
  GPU, 16-bit inputs), XLA's elsewhere. Every query also sees itself, so a
  padding row is never fully masked (an empty row is undefined in a kernel)."""
  length = query.shape[1]
  mask = mask | jnp.eye(length, dtype=bool)[None, None]
  on_gpu = jax.default_backend() == "gpu"
  implementation = ("cudnn" if on_gpu and query.dtype in
                    (jnp.bfloat16, jnp.float16) else "xla")
  return jax.nn.dot_product_attention(query, key, value, mask=mask,
                                      implementation=implementation)


class FeedForward(nn.Module):
  """Two projections with GELU (exact erf form, as BERT and XLM-R use)."""

  config: EncoderConfig

  @nn.compact
  def __call__(self, x: Array) -> Array:
    cfg = self.config
    dtype = jnp.dtype(cfg.dtype)
    hidden = Projection("ble,em->blm", (cfg.embed_dim, cfg.mlp_dim),
                        ("embed", "mlp"), (cfg.mlp_dim,), ("mlp",), dtype,
                        name="wi")(x)
    hidden = nn.gelu(hidden, approximate=False)
    hidden = constrain(hidden, ("activation_batch", "activation_length",
                                "activation_mlp"))
    return Projection("blm,me->ble", (cfg.mlp_dim, cfg.embed_dim),
                      ("mlp", "embed"), (cfg.embed_dim,), ("embed",), dtype,
                      name="wo")(hidden)
