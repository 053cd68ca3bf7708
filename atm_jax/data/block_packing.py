"""Packs a whole block of token sequences into fixed-length rows at once.

seqio's packer takes one example per tf.data element, tens of microseconds
each; packing a block of a thousand examples with a few vectorized ops and
one loop step per row is what lets the input keep ahead of a small model's
step on a few CPU cores. Pure TensorFlow ops, so the pipeline's position can
still be saved and restored.
"""
import tensorflow as tf


def _row_starts(starts: tf.Tensor, ends: tf.Tensor, length: int) -> tf.Tensor:
  """Index of the first example of each row, filling rows in order: a row
  takes examples while they fit and the next one that does not opens a new
  row (next fit). Every example must be at most `length` long."""
  count = tf.size(starts, out_type=tf.int64)

  def next_row(first, found):
    limit = tf.gather(starts, first) + length
    after = tf.searchsorted(ends, limit[None], side="right",
                            out_type=tf.int64)[0]
    return after, found.write(found.size(), first)

  _, found = tf.while_loop(
      lambda first, _: first < count, next_row,
      (tf.constant(0, tf.int64),
       tf.TensorArray(tf.int64, size=0, dynamic_size=True)))
  return found.stack()


def pack_rows(examples: tf.RaggedTensor, length: int) -> dict[str, tf.Tensor]:
  """[examples, (tokens)] int32, each at most `length` tokens ->
  `targets`, `targets_segment_ids` (1, 2, ... within a row, 0 = padding)
  and `targets_positions` (0, 1, ... within an example), each int32
  [rows, length], examples kept in order."""
  lengths = examples.row_lengths()
  ends = tf.cumsum(lengths)
  starts = ends - lengths
  row_starts = _row_starts(starts, ends, length)
  index = tf.range(tf.size(lengths, out_type=tf.int64))
  example_row = tf.searchsorted(row_starts, index, side="right",
                                  out_type=tf.int64) - 1
  first_in_row = tf.gather(row_starts, example_row)
  column = starts - tf.gather(starts, first_in_row)
  segment = index - first_in_row + 1

  token_example = examples.value_rowids()
  position = (tf.range(tf.size(token_example, out_type=tf.int64))
              - tf.gather(starts, token_example))
  at = tf.stack([tf.gather(example_row, token_example),
                 tf.gather(column, token_example) + position], axis=1)
  shape = tf.stack([tf.size(row_starts, out_type=tf.int64),
                    tf.constant(length, tf.int64)])

  def scatter(values: tf.Tensor) -> tf.Tensor:
    return tf.scatter_nd(at, tf.cast(values, tf.int32), shape)

  return {"targets": scatter(examples.flat_values),
          "targets_segment_ids": scatter(tf.gather(segment, token_example)),
          "targets_positions": scatter(position)}
