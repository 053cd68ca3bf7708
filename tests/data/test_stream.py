"""A stream's saved position restores the same batches, or refuses in one
sentence."""
import numpy as np
import pytest
import tensorflow as tf

from atm_jax.data.stream import BatchStream, NotCheckpointable
from atm_jax.errors import UserError


def _dataset(seed: int = 1) -> tf.data.Dataset:
  rows = tf.data.Dataset.range(10_000).shuffle(500, seed=seed)
  return rows.map(lambda x: {"x": x * 2}).batch(4).prefetch(2)


def test_restoring_a_position_continues_exactly():
  stream = BatchStream(_dataset())
  for _ in range(300):
    next(stream)
  position = stream.state()
  expected = [next(stream)["x"] for _ in range(5)]
  restored = BatchStream(_dataset())
  restored.restore(position)
  for want in expected:
    np.testing.assert_array_equal(next(restored)["x"], want)


def test_batches_are_numpy_and_finished():
  stream = BatchStream(_dataset(), lambda batch: {"y": batch["x"] + 1})
  batch = next(stream)
  assert isinstance(batch["y"], np.ndarray) and batch["y"].shape == (4,)


def test_a_pipeline_with_outside_state_cannot_save_its_position():
  dataset = tf.data.Dataset.range(10).map(
      lambda x: {"x": tf.py_function(lambda v: v + 1, [x], tf.int64)})
  stream = BatchStream(dataset)
  next(stream)
  with pytest.raises(NotCheckpointable):
    stream.state()


def test_a_position_of_another_pipeline_is_refused():
  stream = BatchStream(_dataset())
  next(stream)
  other = BatchStream(tf.data.Dataset.range(5).map(lambda x: {"x": x}))
  with pytest.raises(UserError, match="does not fit this run's input pipeline"):
    other.restore(stream.state())
