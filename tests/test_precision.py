"""`precision.einsum`: float32 unchanged; 16-bit values and gradients as a
float32 einsum of the rounded operands gives them, every product of the
backward pass 16-bit in and float32 out."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from atm_jax.precision import einsum

CASES = [("...e,ve->...v", (2, 3, 8), (11, 8)),
         ("ble,ehd->blhd", (2, 5, 8), (8, 3, 4)),
         ("blhd,hde->ble", (2, 5, 3, 4), (3, 4, 8)),
         ("bqhd,bkhd->bhqk", (2, 5, 3, 4), (2, 6, 3, 4))]


def _operands(lhs_shape, rhs_shape):
  lhs_key, rhs_key, weight_key = jax.random.split(jax.random.key(0), 3)
  return (jax.random.normal(lhs_key, lhs_shape),
          jax.random.normal(rhs_key, rhs_shape), weight_key)


@pytest.mark.parametrize("equation,lhs_shape,rhs_shape", CASES)
def test_float32_is_the_plain_einsum(equation, lhs_shape, rhs_shape):
  lhs, rhs, _ = _operands(lhs_shape, rhs_shape)
  got = jax.make_jaxpr(lambda a, b: einsum(equation, a, b))(lhs, rhs)
  want = jax.make_jaxpr(lambda a, b: jnp.einsum(equation, a, b))(lhs, rhs)
  assert str(got) == str(want)


@pytest.mark.parametrize("equation,lhs_shape,rhs_shape", CASES)
def test_bfloat16_value_and_gradients(equation, lhs_shape, rhs_shape):
  lhs, rhs, weight_key = _operands(lhs_shape, rhs_shape)
  lhs, rhs = lhs.astype(jnp.bfloat16), rhs.astype(jnp.bfloat16)
  out_shape = jnp.einsum(equation, lhs, rhs).shape
  weights = jax.random.normal(weight_key, out_shape)

  def mixed(a, b):
    return (einsum(equation, a, b, jnp.float32) * weights).sum()

  def reference(a, b):
    product = jnp.einsum(equation, a.astype(jnp.float32),
                         b.astype(jnp.float32))
    return (product * weights).sum()

  value, grads = jax.value_and_grad(mixed, argnums=(0, 1))(lhs, rhs)
  want_value, want_grads = jax.value_and_grad(reference, argnums=(0, 1))(
      lhs, rhs)
  np.testing.assert_allclose(value, want_value, rtol=1e-5)
  for got, want in zip(grads, want_grads):
    assert got.dtype == jnp.bfloat16
    # The cotangent and the result are each rounded to bf16 (2^-8 relative
    # apiece); terms that cancel make an entry's own relative error larger,
    # so the bound is on the scale of the largest entry.
    scale = float(np.abs(want).max())
    np.testing.assert_allclose(got.astype(np.float32), want,
                               rtol=2**-6, atol=2**-6 * scale)


def test_bfloat16_output_dtype_defaults_to_the_operands():
  lhs, rhs, _ = _operands((2, 5, 8), (8, 3, 4))
  out = einsum("ble,ehd->blhd", lhs.astype(jnp.bfloat16),
               rhs.astype(jnp.bfloat16))
  assert out.dtype == jnp.bfloat16


def test_backward_products_are_16_bit_in_float32_out():
  lhs, rhs, _ = _operands((2, 3, 8), (11, 8))
  lhs, rhs = lhs.astype(jnp.bfloat16), rhs.astype(jnp.bfloat16)
  jaxpr = jax.make_jaxpr(jax.grad(
      lambda a, b: einsum("...e,ve->...v", a, b, jnp.float32).sum(),
      argnums=(0, 1)))(lhs, rhs)
  dots = [eqn for eqn in _equations(jaxpr.jaxpr)
          if eqn.primitive.name == "dot_general"]
  assert len(dots) == 3  # forward, and one for each operand's gradient
  for dot in dots:
    assert [v.aval.dtype for v in dot.invars] == [jnp.bfloat16] * 2
    assert dot.params["preferred_element_type"] == jnp.float32


def _equations(jaxpr):
  """Every equation, those of nested jaxprs (custom VJPs, jits) too."""
  for eqn in jaxpr.eqns:
    yield eqn
    for value in eqn.params.values():
      for inner in value if isinstance(value, (list, tuple)) else [value]:
        inner = getattr(inner, "jaxpr", inner)
        if hasattr(inner, "eqns"):
          yield from _equations(inner)
