"""The split token lookup and tied output layer equal the plain ones on one
device, values and gradients, whichever side each gathers."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from atm_jax.partitioning.mesh import MeshConfig, create_mesh
from atm_jax.partitioning.partitioner import Partitioner
from atm_jax.partitioning.rules import fsdp_rules, standard_rules
from atm_jax.partitioning.vocab_parallel import token_logits, token_lookup

EMBED = 16
MESHES = {
    "data2_fsdp2_model2": (MeshConfig(data=2, fsdp=2, model=2), fsdp_rules()),
    "fsdp8": (MeshConfig(data=1, fsdp=8), fsdp_rules()),
    "data2_fsdp4": (MeshConfig(data=2, fsdp=4), fsdp_rules()),
    "data4_model2": (MeshConfig(data=4, model=2), standard_rules()),
}


def _partitioner(name):
  mesh_config, rules = MESHES[name]
  return Partitioner(create_mesh(mesh_config), rules)


def _table(vocab):
  return jax.random.normal(jax.random.key(0), (vocab, EMBED), jnp.float32)


def _sharded(partitioner, fn, table, *args):
  """fn(table, *args) and its gradients, jitted on the partitioner's mesh
  with the table split as its parameter is."""
  table = jax.device_put(table, partitioner.logical_to_shardings(
      jax.sharding.PartitionSpec("vocab", "embed")))
  argnums = tuple(range(1 + len(args)))
  with partitioner.activate():
    return jax.jit(jax.value_and_grad(fn, argnums=argnums))(table, *args)


# (ids shape, vocab): few ids against many rows gather the ids where the
# batch and the rows share fsdp; many ids against few rows gather the table.
@pytest.mark.parametrize("name", list(MESHES))
@pytest.mark.parametrize("shape,vocab", [((8, 4), 1024), ((16, 64), 64)])
def test_lookup_equals_take(name, shape, vocab):
  table = _table(vocab)
  ids = jax.random.randint(jax.random.key(1), shape, 0, vocab)
  weights = jax.random.normal(jax.random.key(2), shape + (EMBED,))

  def lookup(table):
    return (token_lookup(table, ids, jnp.float32) * weights).sum()

  def plain(table):
    return (jnp.take(table, ids, axis=0) * weights).sum()

  value, (grad,) = _sharded(_partitioner(name), lookup, table)
  want_value, want_grad = jax.value_and_grad(plain)(table)
  np.testing.assert_allclose(value, want_value, rtol=1e-6)
  np.testing.assert_allclose(grad, want_grad, rtol=1e-5, atol=1e-5)


def test_few_ids_are_gathered_instead_of_the_table():
  partitioner = _partitioner("data2_fsdp2_model2")
  ids = jnp.zeros((8, 4), jnp.int32)
  with partitioner.activate():
    few = str(jax.make_jaxpr(lambda t: token_lookup(t, ids, jnp.float32))(
        _table(1024)))
    many = str(jax.make_jaxpr(lambda t: token_lookup(
        t, jnp.zeros((16, 64), jnp.int32), jnp.float32))(_table(64)))
  assert "reduce_scatter" in few and "reduce_scatter" not in many


@pytest.mark.parametrize("name", list(MESHES))
@pytest.mark.parametrize("rows,vocab", [(4, 1024), (16, 64)])
def test_logits_equal_einsum(name, rows, vocab):
  table = _table(vocab)
  hidden = jax.random.normal(jax.random.key(1), (8, rows, EMBED))
  weights = jax.random.normal(jax.random.key(2), (8, rows, vocab))

  def decode(table, hidden):
    return (token_logits(hidden, table) * weights).sum()

  def plain(table, hidden):
    return (jnp.einsum("...e,ve->...v", hidden, table) * weights).sum()

  value, grads = _sharded(_partitioner(name), decode, table, hidden)
  want_value, want_grads = jax.value_and_grad(plain, argnums=(0, 1))(
      table, hidden)
  np.testing.assert_allclose(value, want_value, rtol=1e-5)
  # The hidden states' gradient sums over the vocab, in parts when it is
  # split: equal up to float32 rounding of sums of ~1,000 terms.
  for got, want in zip(grads, want_grads):
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)


def test_compute_dtype_rows_and_float32_logits():
  partitioner = _partitioner("data2_fsdp2_model2")
  table = _table(64)
  ids = jnp.zeros((8, 4), jnp.int32)
  hidden = jnp.ones((8, 4, EMBED), jnp.bfloat16)
  with partitioner.activate():
    rows = jax.jit(lambda t: token_lookup(t, ids, jnp.bfloat16))(table)
    logits = jax.jit(lambda t: token_logits(hidden, t))(table)
  assert rows.dtype == jnp.bfloat16 and logits.dtype == jnp.float32
  np.testing.assert_array_equal(rows[0, 0], table[0].astype(jnp.bfloat16))


@pytest.mark.parametrize("name", list(MESHES))
def test_bfloat16_logits_gradients_equal_einsum(name):
  """The 16-bit head's own backward pass (`precision.einsum`) sums the
  hidden states' gradient over the vocab's devices as autodiff would."""
  table = _table(1024)
  hidden = jax.random.normal(jax.random.key(1), (8, 4, EMBED))
  weights = jax.random.normal(jax.random.key(2), (8, 4, 1024))

  def decode(table, hidden):
    return (token_logits(hidden.astype(jnp.bfloat16), table) * weights).sum()

  def plain(table, hidden):
    rounded = [x.astype(jnp.bfloat16).astype(jnp.float32)
               for x in (table, hidden)]
    return (jnp.einsum("...e,ve->...v", rounded[1], rounded[0])
            * weights).sum()

  value, grads = _sharded(_partitioner(name), decode, table, hidden)
  want_value, want_grads = jax.value_and_grad(plain, argnums=(0, 1))(
      table, hidden)
  np.testing.assert_allclose(value, want_value, rtol=1e-4)
  for got, want in zip(grads, want_grads):
    # bf16 partial sums over the vocab's devices: a few bf16 roundings.
    np.testing.assert_allclose(got, want, rtol=0.03, atol=0.03 * float(
        np.abs(want).max()))
