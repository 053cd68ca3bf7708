"""Counting matmul FLOPs in a traced program."""
import jax
import jax.numpy as jnp

from atm_jax.models.config import EncoderConfig
from atm_jax.planning import flops


def _jaxpr(fn, *shapes):
  return jax.make_jaxpr(fn)(*[jax.ShapeDtypeStruct(s, jnp.float32)
                              for s in shapes])


def test_a_scan_counts_its_body_once_per_step():
  def layers(weights, x):
    return jax.lax.scan(lambda h, w: (h @ w, None), x, weights)[0]
  counted = flops.jaxpr_matmul_flops(_jaxpr(layers, (5, 32, 32), (8, 32)))
  assert counted == 5 * 2 * 8 * 32 * 32


def test_a_cond_counts_its_dearest_branch():
  def pick(x, y):
    return jax.lax.cond(x.sum() > 0, lambda: x @ y @ y, lambda: x @ y)
  counted = flops.jaxpr_matmul_flops(_jaxpr(pick, (4, 16), (16, 16)))
  assert counted == 2 * (2 * 4 * 16 * 16)


def test_a_shard_map_counts_its_body_on_every_device():
  mesh = jax.make_mesh((2, 4), ("data", "fsdp"),
                       axis_types=(jax.sharding.AxisType.Auto,) * 2)
  spec = jax.sharding.PartitionSpec(("data", "fsdp"))
  split = jax.shard_map(lambda x, w: x @ w, mesh=mesh,
                        in_specs=(spec, jax.sharding.PartitionSpec()),
                        out_specs=spec)
  counted = flops.jaxpr_matmul_flops(_jaxpr(split, (64, 32), (32, 16)))
  assert counted == 2 * 64 * 32 * 16  # 8 devices x their 8 rows


def test_gradients_of_a_remat_layer_count_the_recomputed_forward():
  layer = jax.checkpoint(lambda w, x: jnp.tanh(x @ w))
  grad = jax.grad(lambda w, x: layer(w, x).sum())
  counted = flops.jaxpr_matmul_flops(_jaxpr(grad, (64, 64), (16, 64)))
  forward = 2 * 16 * 64 * 64
  assert counted == 3 * forward  # forward again + one backward matmul (dW)


def test_encoder_flops_is_6nd_plus_attention_and_head():
  config = EncoderConfig(vocab_size=100, num_layers=2, embed_dim=16,
                         num_heads=2, head_dim=8, mlp_dim=32, max_length=8)
  forward = flops.encoder_flops(config, 1, 8, 0, 1)
  backward_too = flops.encoder_flops(config, 1, 8, 0, 3)
  assert backward_too == 3 * forward
  with_head = flops.encoder_flops(config, 1, 8, 2, 1)
  assert with_head - forward == 2 * 2 * 16 * 100
