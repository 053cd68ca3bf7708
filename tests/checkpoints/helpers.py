"""Shared pieces of the checkpoint tests."""
import jax
from jax.sharding import AxisType


def make_mesh(shape: tuple[int, int]) -> jax.sharding.Mesh:
  """A (data, model) mesh over the first data*model fake devices."""
  count = shape[0] * shape[1]
  return jax.make_mesh(shape, ("data", "model"), (AxisType.Auto,) * 2,
                       devices=jax.devices()[:count])
