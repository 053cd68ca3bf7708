"""MlmModel: loss scale at init, tied output embedding, summed loss and weight."""
import functools
import math

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np

from atm_jax.models import masking
from atm_jax.models.config import EncoderConfig
from atm_jax.models.masking import MaskingConfig
from atm_jax.models.mlm import (MlmModel, add_output_bias,
                                weighted_cross_entropy)
from atm_jax.vocab.special_tokens import CLS_ID, NUM_SPECIAL

VOCAB_SIZE = 160
BATCH_SIZE = 4
LENGTH = 24
# Never in the inputs: below NUM_SPECIAL, so never a random replacement either.
ABSENT_TOKEN = CLS_ID

CONFIG = EncoderConfig(vocab_size=VOCAB_SIZE, num_layers=2, embed_dim=32,
                       num_heads=4, head_dim=8, mlp_dim=64, max_length=32)
MODEL = MlmModel(CONFIG, MaskingConfig(vocab_size=VOCAB_SIZE))


@functools.cache
def init_params():
  variables = jax.jit(MODEL.init, static_argnums=(1, 2))(
      jax.random.key(0), BATCH_SIZE, LENGTH)
  return nn.unbox(variables)["params"]


def make_batch():
  """Four rows: full, two packed examples, padded, and a short padded one."""
  rng = np.random.default_rng(0)
  tokens = rng.integers(NUM_SPECIAL, VOCAB_SIZE, (BATCH_SIZE, LENGTH))
  segment_ids = np.ones((BATCH_SIZE, LENGTH), np.int32)
  positions = np.tile(np.arange(LENGTH), (BATCH_SIZE, 1))
  segment_ids[1, 10:] = 2
  positions[1, 10:] -= 10
  segment_ids[2, 17:] = 0
  segment_ids[3, 5:] = 0
  tokens[segment_ids == 0] = 0
  return {"tokens": jnp.asarray(tokens, jnp.int32),
          "segment_ids": jnp.asarray(segment_ids),
          "positions": jnp.asarray(positions, jnp.int32)}


@jax.jit
def model_loss(params, batch, rng):
  return MODEL.loss(params, batch, rng, False)


@jax.jit
def model_logits(params, inputs, segment_ids, positions, predict_positions):
  logits, _ = MODEL.module(train=False).apply(
      {"params": params}, inputs, segment_ids, positions, predict_positions)
  return logits


def test_initial_loss_is_close_to_uniform():
  """A fresh model predicts nearly uniformly: loss per target near ln(vocab)."""
  loss_sum, metrics = model_loss(init_params(), make_batch(), jax.random.key(1))
  mean_loss = float(loss_sum / metrics["weight"])
  assert abs(mean_loss - math.log(VOCAB_SIZE)) < 0.3


def test_output_projection_is_the_token_embedding():
  """The head has no vocab-sized kernel; its logits use `token_embedding`."""
  params = init_params()
  vocab_shaped = {
      jax.tree_util.keystr(path)
      for path, leaf in jax.tree_util.tree_flatten_with_path(params)[0]
      if VOCAB_SIZE in leaf.shape}
  assert vocab_shaped == {"['encoder']['embeddings']['token_embedding']",
                          "['mlm_head']['output_bias']"}

  batch = make_batch()
  assert not (batch["tokens"] == ABSENT_TOKEN).any()
  predict = jnp.tile(jnp.arange(4, dtype=jnp.int32), (BATCH_SIZE, 1))
  args = (batch["tokens"], batch["segment_ids"], batch["positions"], predict)
  before = np.asarray(model_logits(params, *args))

  changed = jax.tree.map(lambda x: x, params)
  embedding = changed["encoder"]["embeddings"]["token_embedding"]
  # A random direction: a constant shift would vanish against a normed hidden.
  direction = jax.random.normal(jax.random.key(5), (CONFIG.embed_dim,))
  changed["encoder"]["embeddings"]["token_embedding"] = embedding.at[
      ABSENT_TOKEN].add(direction)
  after = np.asarray(model_logits(changed, *args))

  others = np.arange(VOCAB_SIZE) != ABSENT_TOKEN
  np.testing.assert_allclose(after[..., others], before[..., others],
                             atol=1e-6)
  assert np.abs(after[..., ABSENT_TOKEN] - before[..., ABSENT_TOKEN]).min() > 1e-3


def test_loss_gradient_reaches_embedding_rows_only_through_the_head():
  """A token absent from the inputs still gets a gradient: the tied head's."""
  grads = jax.jit(jax.grad(lambda p: model_loss(p, make_batch(),
                                                jax.random.key(2))[0]))(
                                                    init_params())
  embedding_grad = grads["encoder"]["embeddings"]["token_embedding"]
  assert np.abs(embedding_grad[ABSENT_TOKEN]).max() > 0


def test_loss_is_summed_and_weight_counts_masked_positions():
  """`loss()` sums cross entropy over the masked positions and counts them."""
  params, batch, rng = init_params(), make_batch(), jax.random.key(3)
  loss_sum, metrics = model_loss(params, batch, rng)

  mask_rng, _ = jax.random.split(rng)
  masked = masking.mask_tokens(mask_rng, batch["tokens"], batch["segment_ids"],
                               MODEL.masking_config)
  logits = model_logits(params, masked.inputs, batch["segment_ids"],
                        batch["positions"], masked.positions)
  log_probs = np.asarray(jax.nn.log_softmax(logits))
  targets = np.asarray(masked.targets)
  nll = -np.take_along_axis(log_probs, targets[..., None], axis=-1)[..., 0]
  weights = np.asarray(masked.weights)
  np.testing.assert_allclose(loss_sum, (nll * weights).sum(), rtol=1e-5)
  np.testing.assert_allclose(metrics["loss"], loss_sum)

  candidates = np.asarray(batch["segment_ids"] > 0).sum(axis=1)
  assert metrics["weight"] == sum(max(1, round(0.15 * n)) for n in candidates)
  assert metrics["weight"] == weights.sum()
  assert 0 <= metrics["accuracy"] <= metrics["weight"]


def test_half_batches_sum_to_the_full_batch(monkeypatch):
  """Summed loss and metrics make microbatch accumulation exact."""
  params, batch, rng = init_params(), make_batch(), jax.random.key(4)
  full_loss, full_metrics = model_loss(params, batch, rng)

  mask_rng, _ = jax.random.split(rng)
  full_masks = masking.mask_tokens(mask_rng, batch["tokens"],
                                   batch["segment_ids"], MODEL.masking_config)
  half = BATCH_SIZE // 2
  losses, metrics = [], []
  for rows in (slice(0, half), slice(half, None)):
    rows_masks = masking.MaskedBatch(
        *(getattr(full_masks, field)[rows]
          for field in ("inputs", "positions", "targets", "weights")))
    monkeypatch.setattr(masking, "mask_tokens",
                        lambda *args, masks=rows_masks: masks)
    half_batch = {name: value[rows] for name, value in batch.items()}
    loss, half_metrics = MODEL.loss(params, half_batch, rng, False)
    losses.append(loss)
    metrics.append(half_metrics)

  np.testing.assert_allclose(sum(losses), full_loss, rtol=1e-5)
  for name, value in full_metrics.items():
    np.testing.assert_allclose(metrics[0][name] + metrics[1][name], value,
                               rtol=1e-5)


def test_cross_entropy_matches_log_softmax_gather_and_argmax():
  rng = np.random.default_rng(1)
  logits = jnp.asarray(rng.normal(size=(3, 5, VOCAB_SIZE)) * 4, jnp.float32)
  targets = jnp.asarray(rng.integers(0, VOCAB_SIZE, (3, 5)))
  targets = targets.at[0, :3].set(jnp.argmax(logits[0, :3], -1))
  weights = jnp.asarray(rng.integers(0, 2, (3, 5)), jnp.float32)
  log_probs = jax.nn.log_softmax(logits)
  nll = -jnp.take_along_axis(log_probs, targets[..., None], -1)[..., 0]
  hits = (jnp.argmax(logits, -1) == targets).astype(jnp.float32)

  def loss(x):
    return weighted_cross_entropy(x, targets, weights)[0]

  def reference(x):
    picked = jnp.take_along_axis(jax.nn.log_softmax(x), targets[..., None],
                                 -1)[..., 0]
    return -(picked * weights).sum()
  total, correct = weighted_cross_entropy(logits, targets, weights)
  np.testing.assert_allclose(total, (nll * weights).sum(), rtol=1e-6)
  assert float(correct) == float((hits * weights).sum()) >= 1.0
  np.testing.assert_allclose(jax.grad(loss)(logits), jax.grad(reference)(
      logits), atol=1e-6)


def test_output_bias_gradient_is_the_column_sum():
  rng = np.random.default_rng(2)
  logits = jnp.asarray(rng.normal(size=(3, 5, 7)), jnp.float32)
  bias = jnp.asarray(rng.normal(size=(7,)), jnp.float32)
  upstream = jnp.asarray(rng.normal(size=(3, 5, 7)), jnp.float32)

  def ours(x, b):
    return (add_output_bias(x, b) * upstream).sum()

  def plain(x, b):
    return ((x + b) * upstream).sum()
  np.testing.assert_allclose(add_output_bias(logits, bias), logits + bias)
  for got, want in zip(jax.grad(ours, (0, 1))(logits, bias),
                       jax.grad(plain, (0, 1))(logits, bias)):
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)
