"""BERT-style MLM masking: how many, which positions, and what replaces them."""
import dataclasses
import functools

import jax
import jax.numpy as jnp
import numpy as np

from atm_jax.models.masking import MaskingConfig, mask_tokens
from atm_jax.vocab.special_tokens import MASK_ID, NUM_SPECIAL, PAD_ID

VOCAB_SIZE = 1000
CONFIG = MaskingConfig(vocab_size=VOCAB_SIZE)


@functools.partial(jax.jit, static_argnums=3)
def mask_tokens_as_dict(rng, tokens, segment_ids, config):
  return dataclasses.asdict(mask_tokens(rng, tokens, segment_ids, config))


def make_rows(num_rows, length, seed=0):
  """Rows of regular tokens with special tokens sprinkled in and padded tails."""
  rng = np.random.default_rng(seed)
  tokens = rng.integers(NUM_SPECIAL, VOCAB_SIZE, (num_rows, length))
  specials = rng.random((num_rows, length)) < 0.1
  tokens[specials] = rng.integers(0, NUM_SPECIAL, specials.sum())
  real_lengths = rng.integers(1, length + 1, num_rows)
  segment_ids = (np.arange(length)[None, :] < real_lengths[:, None]).astype(
      np.int32)
  # Pack a second example into every other row.
  second = (np.arange(length)[None, :] >= real_lengths[:, None] // 2) & (
      segment_ids > 0)
  segment_ids[::2][second[::2]] = 2
  tokens[segment_ids == 0] = PAD_ID
  return tokens.astype(np.int32), segment_ids


def expected_counts(tokens, segment_ids):
  """round(0.15 x candidates), at least one; either neighbour on an exact .5."""
  candidates = ((segment_ids > 0) & (tokens >= NUM_SPECIAL)).sum(axis=1)
  low = np.floor(candidates * 3 / 20).astype(int)
  tie = candidates * 3 % 20 == 10
  high = np.where(tie | (candidates * 3 % 20 > 10), low + 1, low)
  low = np.where(tie, low, high)
  at_least_one = candidates > 0
  return (np.where(at_least_one, np.maximum(low, 1), 0),
          np.where(at_least_one, np.maximum(high, 1), 0))


def masked_numpy(rng, tokens, segment_ids, config=CONFIG):
  masked = mask_tokens_as_dict(rng, jnp.asarray(tokens),
                               jnp.asarray(segment_ids), config)
  return {name: np.asarray(value) for name, value in masked.items()}


def test_same_rng_same_masks_other_rng_other_masks():
  tokens, segment_ids = make_rows(8, 64)
  first = masked_numpy(jax.random.key(0), tokens, segment_ids)
  again = masked_numpy(jax.random.key(0), tokens, segment_ids)
  other = masked_numpy(jax.random.key(1), tokens, segment_ids)
  for name in first:
    np.testing.assert_array_equal(first[name], again[name])
  assert not np.array_equal(first["positions"], other["positions"])
  assert not np.array_equal(first["inputs"], other["inputs"])


def test_shapes_and_a_fixed_number_of_prediction_slots():
  tokens, segment_ids = make_rows(4, 50)
  masked = masked_numpy(jax.random.key(0), tokens, segment_ids)
  predictions = CONFIG.max_predictions(50)
  assert predictions == 8
  assert masked["inputs"].shape == tokens.shape
  for name in ("positions", "targets", "weights"):
    assert masked[name].shape == (4, predictions)
  assert masked["positions"].dtype == np.int32
  assert masked["weights"].dtype == np.float32


def test_chosen_count_and_only_real_regular_tokens_chosen():
  """round(15%) of the candidates per row, never a special token or padding."""
  tokens, segment_ids = make_rows(64, 48)
  # Rows with one, two and three candidates still get one prediction.
  segment_ids[:3] = 0
  segment_ids[0, :1] = segment_ids[1, :2] = segment_ids[2, :3] = 1
  tokens[:3] = np.where(segment_ids[:3] > 0, 100, PAD_ID)
  masked = masked_numpy(jax.random.key(3), tokens, segment_ids)
  weights = masked["weights"]
  low, high = expected_counts(tokens, segment_ids)
  counts = weights.sum(axis=1)
  assert ((counts >= low) & (counts <= high)).all()
  assert (counts[:3] == 1).all()
  # Real predictions come first, so a fixed-length slice holds them all.
  assert (np.diff(weights, axis=1) <= 0).all()

  rows = np.arange(len(tokens))[:, None]
  chosen = masked["positions"]
  real = weights > 0
  assert (segment_ids[rows, chosen][real] > 0).all()
  assert (tokens[rows, chosen][real] >= NUM_SPECIAL).all()
  np.testing.assert_array_equal(masked["targets"], tokens[rows, chosen])
  for row in range(len(tokens)):
    row_chosen = chosen[row][real[row]]
    assert len(set(row_chosen.tolist())) == len(row_chosen)


def test_exact_rounding_on_known_rows():
  """20 candidates -> 3, 7 -> 1, 40 -> 6 (all 40 slots but 6 idle), 24 -> 4."""
  length = 40
  tokens = np.full((4, length), 500, np.int32)
  segment_ids = np.zeros((4, length), np.int32)
  for row, candidates in enumerate((20, 7, 40, 24)):
    segment_ids[row, :candidates] = 1
  counts = masked_numpy(jax.random.key(0), tokens, segment_ids)[
      "weights"].sum(axis=1)
  np.testing.assert_array_equal(counts, [3, 1, 6, 4])


def test_replacement_split_is_80_10_10():
  """Chosen tokens: ~80% mask id, ~10% random regular token, ~10% unchanged."""
  tokens, segment_ids = make_rows(1024, 128, seed=1)
  masked = masked_numpy(jax.random.key(4), tokens, segment_ids)
  rows = np.arange(len(tokens))[:, None]
  real = masked["weights"] > 0
  replaced = masked["inputs"][rows, masked["positions"]][real]
  original = masked["targets"][real]
  assert real.sum() > 8000

  is_mask = replaced == MASK_ID
  unchanged = replaced == original
  is_random = ~is_mask & ~unchanged
  assert abs(is_mask.mean() - 0.8) < 0.02
  assert abs(is_random.mean() - 0.1) < 0.02
  assert abs(unchanged.mean() - 0.1) < 0.02
  random_ids = replaced[is_random]
  assert (random_ids >= NUM_SPECIAL).all() and (random_ids < VOCAB_SIZE).all()
  # Random replacements spread over the regular vocabulary.
  assert len(np.unique(random_ids)) > 0.3 * (VOCAB_SIZE - NUM_SPECIAL)


def test_unchosen_positions_keep_their_tokens():
  tokens, segment_ids = make_rows(32, 64, seed=2)
  masked = masked_numpy(jax.random.key(5), tokens, segment_ids)
  chosen = np.zeros(tokens.shape, bool)
  for row in range(len(tokens)):
    chosen[row, masked["positions"][row][masked["weights"][row] > 0]] = True
  np.testing.assert_array_equal(masked["inputs"][~chosen], tokens[~chosen])
  assert (masked["inputs"][chosen] != tokens[chosen]).mean() > 0.8


def test_rows_without_candidates_get_no_predictions():
  """All padding, or only special tokens: weight 0 and the row untouched."""
  tokens = np.full((3, 20), PAD_ID, np.int32)
  segment_ids = np.zeros((3, 20), np.int32)
  tokens[1, :6] = np.arange(NUM_SPECIAL)
  segment_ids[1, :6] = 1
  tokens[2, :] = 200  # Regular ids, but all of them padding.
  masked = masked_numpy(jax.random.key(6), tokens, segment_ids)
  np.testing.assert_array_equal(masked["weights"], 0.0)
  np.testing.assert_array_equal(masked["inputs"], tokens)
