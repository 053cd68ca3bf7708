"""The block packer against a plain next-fit packer written out in Python."""
import numpy as np
import pytest
import tensorflow as tf

from atm_jax.data.block_packing import pack_rows


def _next_fit(examples, length):
  """Rows as lists of examples: a row takes examples while they fit."""
  rows, used = [], length
  for example in examples:
    if used + len(example) > length:
      rows.append([])
      used = 0
    rows[-1].append(example)
    used += len(example)
  return rows


def _expected(examples, length):
  rows = _next_fit(examples, length)
  out = {name: np.zeros((len(rows), length), np.int32)
         for name in ("targets", "targets_segment_ids", "targets_positions")}
  for r, row in enumerate(rows):
    column = 0
    for segment, example in enumerate(row, start=1):
      span = slice(column, column + len(example))
      out["targets"][r, span] = example
      out["targets_segment_ids"][r, span] = segment
      out["targets_positions"][r, span] = np.arange(len(example))
      column += len(example)
  return out


@pytest.mark.parametrize("seed", range(5))
def test_matches_next_fit_on_random_lengths(seed):
  rng = np.random.default_rng(seed)
  length = 16
  examples = [list(rng.integers(2, 100, rng.integers(1, length + 1)))
              for _ in range(rng.integers(1, 60))]
  packed = pack_rows(tf.ragged.constant(examples, dtype=tf.int32), length)
  expected = _expected(examples, length)
  for name, values in expected.items():
    np.testing.assert_array_equal(packed[name].numpy(), values, err_msg=name)
    assert packed[name].dtype == tf.int32


def test_full_length_examples_take_a_row_each():
  examples = [[5] * 4, [6] * 4, [7, 8]]
  packed = pack_rows(tf.ragged.constant(examples, dtype=tf.int32), 4)
  np.testing.assert_array_equal(packed["targets"].numpy(),
                                [[5] * 4, [6] * 4, [7, 8, 0, 0]])
  np.testing.assert_array_equal(packed["targets_segment_ids"].numpy(),
                                [[1] * 4, [1] * 4, [1, 1, 0, 0]])


def test_no_examples_give_no_rows():
  empty = tf.RaggedTensor.from_row_lengths(tf.zeros([0], tf.int32),
                                           tf.zeros([0], tf.int64))
  assert pack_rows(empty, 8)["targets"].shape == (0, 8)


def test_runs_inside_a_dataset_map():
  examples = tf.ragged.constant([[3, 4, 5], [6], [7, 8]], dtype=tf.int32)
  dataset = tf.data.Dataset.from_tensors(examples).map(
      lambda block: pack_rows(block, 4))
  (packed,) = list(dataset)
  np.testing.assert_array_equal(packed["targets"].numpy(),
                                [[3, 4, 5, 6], [7, 8, 0, 0]])
  np.testing.assert_array_equal(packed["targets_positions"].numpy(),
                                [[0, 1, 2, 0], [0, 1, 0, 0]])
