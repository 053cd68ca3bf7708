"""Einsum with float32 accumulation whose gradients stay 16-bit products.

The encoder's projections and the tied vocabulary head go through
`einsum`; the attention products stay plain einsums (`layers.py`).
"""
import functools

import jax
from jax.ad_checkpoint import checkpoint_name
import jax.numpy as jnp

Array = jax.Array
# The name 16-bit products carry for remat policies: inside a custom VJP
# they are not `dot_general`s to `checkpoint_dots`.
MATMUL_NAME = "matmul"


def einsum(equation: str, lhs: Array, rhs: Array,
           out_dtype: jnp.dtype | None = None) -> Array:
  """`jnp.einsum(equation, lhs, rhs)` in `out_dtype` (the operands' dtype
  by default), accumulated in float32.

  Float32 operands take the plain einsum. With 16-bit operands, the forward
  and both gradients are 16-bit products with float32 results
  (`_mixed_einsum`): plain autodiff would multiply the float32 cotangent of
  a float32 result by a 16-bit operand, a product no backend runs at its
  16-bit speed (XLA:CPU with AVX512-BF16 runs bf16 x bf16 -> f32 at 1.8x
  the f32 rate, and bf16 -> bf16 or f32 x bf16 at the f32 rate or below).
  """
  out_dtype = jnp.dtype(out_dtype or lhs.dtype)
  if lhs.dtype == rhs.dtype == out_dtype == jnp.float32:
    return jnp.einsum(equation, lhs, rhs)
  return checkpoint_name(_mixed_einsum(equation, out_dtype, lhs, rhs),
                         MATMUL_NAME)


@functools.partial(jax.custom_vjp, nondiff_argnums=(0, 1))
def _mixed_einsum(equation, out_dtype, lhs, rhs):
  return jnp.einsum(equation, lhs, rhs,
                    preferred_element_type=jnp.float32).astype(out_dtype)


def _mixed_einsum_forward(equation, out_dtype, lhs, rhs):
  return _mixed_einsum(equation, out_dtype, lhs, rhs), (lhs, rhs)


def _mixed_einsum_backward(equation, out_dtype, residuals, cotangent):
  """Each operand's gradient is the einsum of the cotangent with the other
  operand, into that operand's subscripts."""
  lhs, rhs = residuals
  inputs, out = equation.replace(" ", "").split("->")
  lhs_subscripts, rhs_subscripts = inputs.split(",")
  cotangent = cotangent.astype(lhs.dtype)
  d_lhs = jnp.einsum(f"{out},{rhs_subscripts}->{lhs_subscripts}", cotangent,
                     rhs.astype(lhs.dtype), preferred_element_type=jnp.float32)
  d_rhs = jnp.einsum(f"{lhs_subscripts},{out}->{rhs_subscripts}", lhs,
                     cotangent.astype(rhs.dtype),
                     preferred_element_type=jnp.float32)
  return (_varying_like(d_lhs.astype(lhs.dtype), lhs),
          _varying_like(d_rhs.astype(rhs.dtype), rhs))


def _varying_like(gradient: Array, operand: Array) -> Array:
  """`gradient` over the same `shard_map` axes as `operand`: summed over
  those it varies along and the operand does not (as autodiff would),
  marked varying along those the operand does and it does not."""
  have, want = _varying_axes(gradient), _varying_axes(operand)
  if have - want:
    gradient = jax.lax.psum(gradient, tuple(sorted(have - want)))
  if want - have:
    gradient = jax.lax.pcast(gradient, tuple(sorted(want - have)),
                             to="varying")
  return gradient


def _varying_axes(x: Array) -> set:
  return set(jax.typeof(x).mat.varying)


_mixed_einsum.defvjp(_mixed_einsum_forward, _mixed_einsum_backward)
