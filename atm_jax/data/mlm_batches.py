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

from atm_jax.data import pipeline_options, registry, text_blocks
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


def _examples(dataset_provider: seqio.DatasetProviderBase, split: str,
              sequence_length: int, *, seed: int, shuffle: bool,
              num_epochs: int | None, pack: bool) -> tf.data.Dataset:
  """Rows read one example at a time through SeqIO, packed by its packer
  or one example per row."""
  dataset = dataset_provider.get_dataset(
      sequence_length={_FEATURE: sequence_length}, split=split, shuffle=shuffle,
      seed=seed, num_epochs=num_epochs)
  if pack:
    return seqio.utils.trim_and_pack_dataset(
        dataset, {_FEATURE: sequence_length}, use_custom_ops=False)
  return _one_example_per_row(dataset, sequence_length)


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
    blocks: text_blocks.BlockSettings | None = None,
) -> BatchStream:
  """Yields whole global batches: int32 [global_batch_size, sequence_length]
  arrays `tokens`, `segment_ids` (0 = padding) and `positions`.

  `num_epochs=None` repeats forever (training); a set `num_epochs` (evaluation)
  ends with a zero-padded batch rather than dropping the remainder. Packed
  training on text tasks reads them in blocks (`text_blocks`; `blocks`,
  from gin by default, says how, or turns it off).
  """
  dataset_provider = registry.provider(task_name)
  if split not in dataset_provider.splits:
    raise UserError(f"{task_name!r} has no split {split!r}; use one of "
                    f"{list(dataset_provider.splits)}.")
  blocks = blocks or text_blocks.BlockSettings()
  training = pack and shuffle and num_epochs is None and split == "train"
  tasks = (text_blocks.text_tasks(dataset_provider)
           if training and blocks.block_lines else None)
  if tasks:
    dataset = text_blocks.training_rows(tasks, sequence_length, seed, blocks)
  else:
    dataset = _examples(dataset_provider, split, sequence_length, seed=seed,
                        shuffle=shuffle, num_epochs=num_epochs, pack=pack)
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
