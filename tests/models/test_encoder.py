"""Encoder behaviour: packing, padding, LayerNorm placement, scan/remat, dtypes."""
import contextlib
import functools
import io

import flax
import flax.linen as nn
import jax
from jax.ad_checkpoint import print_saved_residuals
import jax.numpy as jnp
import numpy as np
import pytest

from atm_jax.models.config import EncoderConfig
from atm_jax.models.encoder import _REMAT_POLICIES, Encoder
from atm_jax.models.masking import MaskingConfig
from atm_jax.models.mlm import MlmModel
from atm_jax import precision

VOCAB_SIZE = 128
LENGTH = 16


def tiny_config(**overrides) -> EncoderConfig:
  settings = dict(vocab_size=VOCAB_SIZE, num_layers=2, embed_dim=32,
                  num_heads=4, head_dim=8, mlp_dim=64, max_length=32)
  settings.update(overrides)
  return EncoderConfig(**settings)


@functools.cache
def fresh_encoder_params(config):
  ints = jnp.ones((2, LENGTH), jnp.int32)
  variables = jax.jit(Encoder(config).init)(jax.random.key(0), ints, ints, ints)
  return nn.unbox(variables)["params"]


@functools.cache
def init_encoder(config, noise=0.0):
  """Encoder params; `noise` perturbs them so the residual branches matter."""
  leaves, treedef = jax.tree.flatten(fresh_encoder_params(config))
  keys = jax.random.split(jax.random.key(1), len(leaves))
  return treedef.unflatten([
      leaf + noise * jax.random.normal(key, leaf.shape)
      for leaf, key in zip(leaves, keys)])


@functools.cache
def encoder_apply(config, deterministic):
  return jax.jit(lambda params, rng, *args: Encoder(config, deterministic)
                 .apply({"params": params}, *args, rngs={"dropout": rng}))


def run_encoder(config, params, tokens, segment_ids, positions,
                token_types=None, deterministic=True, dropout_seed=0):
  args = [jnp.asarray(tokens, jnp.int32), jnp.asarray(segment_ids, jnp.int32),
          jnp.asarray(positions, jnp.int32)]
  if token_types is not None:
    args.append(jnp.asarray(token_types, jnp.int32))
  hidden = encoder_apply(config, deterministic)(
      params, jax.random.key(dropout_seed), *args)
  return np.asarray(hidden.astype(jnp.float32))


def random_tokens(seed, length):
  return np.random.default_rng(seed).integers(6, VOCAB_SIZE, length)


def padded_row(pieces, length, pad_token=0):
  """(tokens, segment_ids, positions) for examples packed into one row."""
  tokens, segments, positions = [], [], []
  for segment, piece in enumerate(pieces, start=1):
    tokens += list(piece)
    segments += [segment] * len(piece)
    positions += list(range(len(piece)))
  padding = length - len(tokens)
  return (tokens + [pad_token] * padding, segments + [0] * padding,
          positions + [0] * padding)


def stack_rows(*rows):
  return tuple(np.array(column) for column in zip(*rows))


def mlm_batch(batch_size=4, length=LENGTH, seed=0):
  rng = np.random.default_rng(seed)
  tokens = rng.integers(6, VOCAB_SIZE, (batch_size, length))
  segment_ids = np.ones((batch_size, length), np.int32)
  segment_ids[1, length // 2:] = 2
  segment_ids[2, length - 4:] = 0
  positions = np.tile(np.arange(length), (batch_size, 1))
  positions[1, length // 2:] -= length // 2
  return {"tokens": jnp.asarray(tokens, jnp.int32),
          "segment_ids": jnp.asarray(segment_ids),
          "positions": jnp.asarray(positions, jnp.int32)}


@functools.cache
def mlm_loss_and_grads_fn(config, train):
  model = MlmModel(config, MaskingConfig(vocab_size=config.vocab_size))

  def mean_loss(params, batch):
    loss_sum, metrics = model.loss(params, batch, jax.random.key(7), train)
    return loss_sum / metrics["weight"]

  return jax.jit(jax.value_and_grad(mean_loss))


def mlm_loss_and_grads(config, params, batch, train):
  return mlm_loss_and_grads_fn(config, train)(params, batch)


@functools.cache
def mlm_params(config):
  model = MlmModel(config, MaskingConfig(vocab_size=config.vocab_size))
  variables = jax.jit(model.init, static_argnums=(1, 2))(
      jax.random.key(0), 2, LENGTH)
  return nn.unbox(variables)["params"]


def test_packed_examples_do_not_attend_to_each_other():
  """Packing two examples into a row gives each the hidden states it has alone."""
  config = tiny_config()
  params = init_encoder(config, noise=0.1)
  example_a, example_b = random_tokens(1, 5), random_tokens(2, 6)
  tokens, segment_ids, positions = stack_rows(
      padded_row([example_a, example_b], LENGTH),
      padded_row([example_a], LENGTH),
      padded_row([example_b], LENGTH))
  hidden = run_encoder(config, params, tokens, segment_ids, positions)

  np.testing.assert_allclose(hidden[0, :5], hidden[1, :5], atol=1e-5)
  np.testing.assert_allclose(hidden[0, 5:11], hidden[2, :6], atol=1e-5)

  # The same row with one segment id lets A see B: the check above is sensitive.
  merged = np.where(segment_ids[0] > 0, 1, 0)[None]
  leaky = run_encoder(config, params, tokens[:1], merged, positions[:1])
  assert not np.allclose(leaky[0, :5], hidden[1, :5], atol=1e-3)


def test_padding_does_not_change_real_tokens():
  """More padding, or other ids and positions under it, leave real tokens alone."""
  config = tiny_config()
  params = init_encoder(config, noise=0.1)
  example = random_tokens(3, 7)
  short = stack_rows(padded_row([example], 10))
  long = stack_rows(padded_row([example], 24, pad_token=1))
  noisy_tokens, noisy_segments, noisy_positions = stack_rows(
      padded_row([example], 10))
  noisy_tokens[0, 7:] = random_tokens(4, 3)
  noisy_positions[0, 7:] = [9, 3, 5]

  base = run_encoder(config, params, *short)
  np.testing.assert_allclose(run_encoder(config, params, *long)[0, :7],
                             base[0, :7], atol=1e-5)
  noisy = run_encoder(config, params, noisy_tokens, noisy_segments,
                      noisy_positions)
  np.testing.assert_allclose(noisy[0, :7], base[0, :7], atol=1e-5)


def test_pre_and_post_layer_norm_differ_and_only_pre_has_final_norm():
  """`pre_layer_norm` picks the architecture; only pre-LN owns a final norm."""
  pre_config = tiny_config(pre_layer_norm=True)
  post_config = tiny_config(pre_layer_norm=False)
  pre_params = init_encoder(pre_config, noise=0.1)
  post_params = init_encoder(post_config)
  assert "final_norm" in pre_params
  assert "final_norm" not in post_params

  shared = {name: value for name, value in pre_params.items()
            if name != "final_norm"}
  assert jax.tree.structure(shared) == jax.tree.structure(post_params)
  batch = stack_rows(padded_row([random_tokens(5, 12)], LENGTH))
  pre = run_encoder(pre_config, pre_params, *batch)
  post = run_encoder(post_config, shared, *batch)
  assert np.isfinite(pre).all() and np.isfinite(post).all()
  assert not np.allclose(pre, post, atol=1e-3)

  # Post-LN ends on the last block's LayerNorm (scale 1, bias 0 at init).
  fresh_post = run_encoder(post_config, post_params, *batch)[0, :12]
  np.testing.assert_allclose(fresh_post.mean(-1), 0.0, atol=1e-4)
  np.testing.assert_allclose(fresh_post.std(-1), 1.0, atol=1e-3)


def test_scanned_and_unrolled_layers_compute_the_same_function():
  """Stacked `layers` params, unstacked into layers_i, give the same outputs."""
  scanned_config = tiny_config(scan_layers=True)
  unrolled_config = tiny_config(scan_layers=False)
  scanned = init_encoder(scanned_config, noise=0.1)
  unrolled = {name: value for name, value in scanned.items()
              if name != "layers"}
  for index in range(scanned_config.num_layers):
    unrolled[f"layers_{index}"] = jax.tree.map(lambda x, i=index: x[i],
                                               scanned["layers"])
  assert (jax.tree.structure(unrolled) ==
          jax.tree.structure(init_encoder(unrolled_config)))

  batch = stack_rows(padded_row([random_tokens(6, 9), random_tokens(7, 4)],
                                LENGTH))
  np.testing.assert_allclose(
      run_encoder(unrolled_config, unrolled, *batch),
      run_encoder(scanned_config, scanned, *batch), atol=1e-5)
  # Scan gives each layer its own init, so a wrong layer order is caught too.
  fresh = init_encoder(scanned_config)["layers"]["mlp"]["wi"]["kernel"]
  assert not np.allclose(fresh[0], fresh[1])


@pytest.mark.parametrize("policy", ["full", "dots"])
def test_remat_keeps_loss_and_gradients(policy):
  """Rematerialisation trades memory for compute; it must not change the maths.

  Train mode, so dropout must also be replayed identically in the recompute.
  """
  base_config = tiny_config()
  remat_config = tiny_config(remat_policy=policy)
  params = mlm_params(base_config)
  batch = mlm_batch()
  base_loss, base_grads = mlm_loss_and_grads(base_config, params, batch, True)
  loss, grads = mlm_loss_and_grads(remat_config, params, batch, True)

  np.testing.assert_allclose(loss, base_loss, atol=1e-5)
  assert jax.tree.structure(grads) == jax.tree.structure(base_grads)
  for got, want in zip(jax.tree.leaves(grads), jax.tree.leaves(base_grads)):
    np.testing.assert_allclose(got, want, atol=1e-5)
  assert any(np.abs(g).max() > 0 for g in jax.tree.leaves(grads))


def test_bfloat16_compute_keeps_float32_params_and_close_results():
  """bf16 is a compute dtype only: params and grads stay float32, loss is close."""
  f32_config = tiny_config()
  bf16_config = tiny_config(dtype="bfloat16")
  bf16_model = MlmModel(bf16_config, MaskingConfig(vocab_size=VOCAB_SIZE))
  abstract = jax.eval_shape(lambda: bf16_model.init(jax.random.key(0), 2,
                                                    LENGTH))
  assert all(leaf.dtype == jnp.float32
             for leaf in jax.tree.leaves(nn.unbox(abstract)))
  params = mlm_params(f32_config)
  batch = mlm_batch()

  f32_loss, _ = mlm_loss_and_grads(f32_config, params, batch, True)
  bf16_loss, bf16_grads = mlm_loss_and_grads(bf16_config, params, batch, True)
  assert np.isfinite(bf16_loss)
  np.testing.assert_allclose(bf16_loss, f32_loss, rtol=5e-2)
  for grad in jax.tree.leaves(bf16_grads):
    assert grad.dtype == jnp.float32
    assert np.isfinite(grad).all()

  row = stack_rows(padded_row([random_tokens(10, 12)], LENGTH))
  bf16_hidden = encoder_apply(bf16_config, True)(
      params["encoder"], jax.random.key(0), *row)
  f32_hidden = run_encoder(f32_config, params["encoder"], *row)
  assert bf16_hidden.dtype == jnp.bfloat16
  np.testing.assert_allclose(np.asarray(bf16_hidden.astype(jnp.float32)),
                             f32_hidden, atol=0.15)


def test_token_types_have_an_embedding_that_matters():
  """With `type_vocab_size`, token types are embedded and change the outputs."""
  assert "type_embedding" not in init_encoder(tiny_config())["embeddings"]
  config = tiny_config(type_vocab_size=2)
  params = init_encoder(config, noise=0.1)
  assert params["embeddings"]["type_embedding"].shape == (2, 32)

  tokens, segment_ids, positions = stack_rows(
      padded_row([random_tokens(8, 12)], LENGTH))
  zeros = np.zeros_like(tokens)
  second_half = zeros.copy()
  second_half[0, 6:] = 1
  default = run_encoder(config, params, tokens, segment_ids, positions)
  all_zero = run_encoder(config, params, tokens, segment_ids, positions, zeros)
  typed = run_encoder(config, params, tokens, segment_ids, positions,
                      second_half)
  np.testing.assert_allclose(default, all_zero, atol=1e-6)
  assert not np.allclose(typed[0, :12], all_zero[0, :12], atol=1e-3)


def test_dropout_only_in_train_mode_and_driven_by_its_rng():
  """Eval is repeatable whatever the rng; train mode depends on the dropout rng."""
  config = tiny_config()
  assert config.dropout_rate > 0 and config.attention_dropout_rate > 0
  params = init_encoder(config, noise=0.1)
  batch = stack_rows(padded_row([random_tokens(9, 14)], LENGTH))

  eval_a = run_encoder(config, params, *batch, dropout_seed=1)
  eval_b = run_encoder(config, params, *batch, dropout_seed=2)
  np.testing.assert_array_equal(eval_a, eval_b)

  train_a = run_encoder(config, params, *batch, deterministic=False,
                        dropout_seed=1)
  train_again = run_encoder(config, params, *batch, deterministic=False,
                            dropout_seed=1)
  train_b = run_encoder(config, params, *batch, deterministic=False,
                        dropout_seed=2)
  np.testing.assert_array_equal(train_a, train_again)
  assert not np.allclose(train_a, train_b, atol=1e-3)
  assert not np.allclose(train_a, eval_a, atol=1e-3)


def test_fused_attention_computes_the_einsum_function_with_its_gradients():
  """`attention='fused'` (jax.nn.dot_product_attention) gives the same real
  tokens and the same MLM loss and gradients as the einsum kernel, packed and
  padded rows included."""
  einsum = tiny_config(attention_dropout_rate=0.0)
  fused = tiny_config(attention_dropout_rate=0.0, attention="fused")
  params = init_encoder(einsum, noise=0.1)
  rows = stack_rows(padded_row([random_tokens(1, 5), random_tokens(2, 6)],
                               LENGTH),
                    padded_row([random_tokens(3, 9)], LENGTH))
  real = rows[1] > 0
  np.testing.assert_allclose(run_encoder(fused, params, *rows)[real],
                             run_encoder(einsum, params, *rows)[real],
                             atol=1e-5)

  batch = mlm_batch()
  mlm = mlm_params(einsum)
  loss, grads = mlm_loss_and_grads(einsum, mlm, batch, train=False)
  fused_loss, fused_grads = mlm_loss_and_grads(fused, mlm, batch, train=False)
  np.testing.assert_allclose(fused_loss, loss, rtol=1e-6)
  for path, grad in flax.traverse_util.flatten_dict(grads).items():
    np.testing.assert_allclose(
        flax.traverse_util.flatten_dict(fused_grads)[path], grad, atol=1e-6,
        err_msg=str(path))


@pytest.mark.parametrize("policy", ["dots", "dots_no_batch"])
def test_dots_policies_keep_16_bit_projections(policy):
  """`precision.einsum` hides its product in a custom VJP; the policies
  still save it, as they save a plain einsum's."""

  def block(x, w1, w2, product):
    return product("bm,md->bd", jax.nn.gelu(product("bd,dm->bm", x, w1)),
                   w2).sum()

  operands = [jnp.ones(shape, jnp.bfloat16)
              for shape in ((4, 8), (8, 16), (16, 8))]
  saved = {}
  for name, product in (("plain", jnp.einsum),
                        ("precision", precision.einsum)):
    remat = jax.checkpoint(lambda *a, p=product: block(*a, p),
                           policy=_REMAT_POLICIES[policy])
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
      print_saved_residuals(remat, *operands)
    saved[name] = [line.split()[0] for line in printed.getvalue().splitlines()]
  assert "bf16[4,16]" in saved["plain"]
  assert sorted(saved["precision"]) == sorted(saved["plain"])
