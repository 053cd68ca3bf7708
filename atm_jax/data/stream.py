"""Whole global batches from a tf.data pipeline, with a position that can be
saved and restored without replaying the stream.

Every process reads the same stream and keeps all rows of each global batch;
the partitioner hands each device its rows. Batch s is therefore the same
whatever the number of hosts, and the saved position (tf.data's own iterator
state: shuffle buffers, packing carry-over, file offsets) is valid on any
host count. The price is that every host tokenizes and packs the whole global
batch; docs/scaling.md says when that matters.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import tensorflow as tf

from atm_jax.errors import UserError

Batch = dict[str, np.ndarray]

# tf.data refuses to serialize a pipeline whose ops keep state outside it
# (py_function, unseeded random ops): their position could not be restored.
_FAIL_ON_EXTERNAL_STATE = 2


class NotCheckpointable(Exception):
  """The pipeline holds state tf.data cannot write down."""


class BatchStream(Iterator[Batch]):
  """Iterates numpy batches; `state()` and `restore()` move its position.

  `finish` turns each batch of numpy arrays into what callers see (decoding
  strings, filling a short last batch).
  """

  def __init__(self, dataset: tf.data.Dataset,
               finish: Callable[[Batch], Batch] | None = None):
    self._iterator = iter(dataset)
    self._finish = finish or (lambda batch: batch)

  def __iter__(self) -> BatchStream:
    return self

  def __next__(self) -> Batch:
    batch = next(self._iterator)
    return self._finish({name: value.numpy() for name, value in batch.items()})

  def state(self) -> bytes:
    """The iterator's position (and buffered elements) as bytes."""
    try:
      variant = tf.raw_ops.SerializeIterator(
          resource_handle=self._iterator._iterator_resource,  # pylint: disable=protected-access
          external_state_policy=_FAIL_ON_EXTERNAL_STATE)
    except tf.errors.FailedPreconditionError as error:
      raise NotCheckpointable(error.message.splitlines()[0]) from error
    return tf.io.serialize_tensor(variant).numpy()

  def restore(self, state: bytes) -> None:
    """Moves to a position `state()` returned for the same pipeline."""
    try:
      tf.raw_ops.DeserializeIterator(
          resource_handle=self._iterator._iterator_resource,  # pylint: disable=protected-access
          serialized=tf.io.parse_tensor(state, tf.variant))
    except (tf.errors.InvalidArgumentError, tf.errors.NotFoundError) as error:
      raise UserError(
          "The saved input position does not fit this run's input pipeline "
          f"({error.message.splitlines()[0]}); resume with the data config "
          "the run was saved with.") from error
