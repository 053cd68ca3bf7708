"""Fixed-shape numpy batches of (packed) token sequences from a SeqIO task or mixture.

Packing several short utterances into one row keeps MLM from spending most of
its compute on padding; segment ids keep attention inside each example. Order
depends only on the seed and never on the number of hosts (`data.stream`), so
a resumed run sees exactly the batches it would have seen had it never
stopped: restored from the stream's saved state, or by skipping `start_batch`
batches when there is none.
"""
import seqio
import tensorflow as tf

from atm_jax.data import pipeline_options, registry
from atm_jax.data.stream import BatchStream
from atm_jax.errors import UserError

_FEATURE = "targets"
_OUTPUT_NAMES = {
    _FEATURE: "tokens",
    f"{_FEATURE}_segment_ids": "segment_ids",
    f"{_FEATURE}_positions": "positions",
}


def _one_example_per_row(dataset: tf.data.Dataset,
                         sequence_length: int) -> tf.data.Dataset:
  """The unpacked layout: segment 1 wherever there is a token, 0 on padding."""
  dataset = seqio.utils.trim_and_pad_dataset(dataset, {_FEATURE: sequence_length})

  def add_segments(example: dict[str, tf.Tensor]) -> dict[str, tf.Tensor]:
    segment_ids = tf.cast(example[_FEATURE] != 0, tf.int32)
    positions = tf.range(sequence_length, dtype=tf.int32) * segment_ids
    return {**example, f"{_FEATURE}_segment_ids": segment_ids,
            f"{_FEATURE}_positions": positions}

  return dataset.map(add_segments, num_parallel_calls=tf.data.AUTOTUNE)


def _batch(dataset: tf.data.Dataset, rows: int, sequence_length: int,
           pad_last: bool) -> tf.data.Dataset:
  """Batches rows; a final partial batch is padded with all-zero rows when kept.

  Padding keeps the shape static (no recompilation of the eval step); zero
  segment ids mark the extra rows as padding.
  """
  if not pad_last:
    return dataset.batch(rows, drop_remainder=True)

  def pad_rows(batch: dict[str, tf.Tensor]) -> dict[str, tf.Tensor]:
    missing = rows - tf.shape(batch[_FEATURE])[0]
    return {name: tf.ensure_shape(tf.pad(values, [[0, missing], [0, 0]]),
                                  [rows, sequence_length])
            for name, values in batch.items()}

  return dataset.batch(rows).map(pad_rows, num_parallel_calls=tf.data.AUTOTUNE)


def mlm_batches(
    task_name: str,
    split: str,
    sequence_length: int,
    global_batch_size: int,
    *,
    seed: int = 0,
    start_batch: int = 0,
    shuffle: bool = True,
    num_epochs: int | None = None,
    pack: bool = True,
) -> BatchStream:
  """Yields whole global batches: int32 [global_batch_size, sequence_length]
  arrays `tokens`, `segment_ids` (0 = padding) and `positions`.

  `num_epochs=None` repeats forever (training); a set `num_epochs` (evaluation)
  ends with a zero-padded batch rather than dropping the remainder.
  """
  dataset_provider = registry.provider(task_name)
  if split not in dataset_provider.splits:
    raise UserError(f"{task_name!r} has no split {split!r}; use one of "
                    f"{list(dataset_provider.splits)}.")
  dataset = dataset_provider.get_dataset(
      sequence_length={_FEATURE: sequence_length}, split=split, shuffle=shuffle,
      seed=seed, num_epochs=num_epochs)
  if pack:
    dataset = seqio.utils.trim_and_pack_dataset(
        dataset, {_FEATURE: sequence_length}, use_custom_ops=False)
  else:
    dataset = _one_example_per_row(dataset, sequence_length)
  dataset = _batch(dataset, global_batch_size, sequence_length, pad_last=num_epochs is not None)
  dataset = dataset.map(
      lambda batch: {new: batch[old] for old, new in _OUTPUT_NAMES.items()})
  options = pipeline_options.pipeline_options()
  # Per-element overhead dominates on small CPUs; fusing neighbouring maps cuts it.
  options.experimental_optimization.map_fusion = True
  options.experimental_optimization.map_and_filter_fusion = True
  options.experimental_optimization.filter_fusion = True
  dataset = dataset.skip(start_batch).prefetch(tf.data.AUTOTUNE).with_options(options)
  return BatchStream(dataset)
