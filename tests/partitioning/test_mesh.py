"""Mesh sizes from gin-style configs, and their errors."""
import jax
import pytest

from atm_jax.errors import UserError
from atm_jax.partitioning.mesh import MeshConfig, create_mesh


def test_minus_one_takes_the_remaining_devices():
  assert MeshConfig(data=-1, fsdp=2, model=2).sizes(8) == (2, 2, 2)
  assert MeshConfig(data=2, fsdp=-1, model=1).sizes(8) == (2, 4, 1)


def test_create_mesh_names_axes_and_uses_every_device():
  mesh = create_mesh(MeshConfig(data=4, model=2))
  assert dict(mesh.shape) == {"data": 4, "fsdp": 1, "model": 2}
  assert mesh.devices.size == jax.device_count() == 8


def test_create_mesh_on_a_subset_of_devices():
  mesh = create_mesh(MeshConfig(), devices=jax.devices()[:1])
  assert dict(mesh.shape) == {"data": 1, "fsdp": 1, "model": 1}


@pytest.mark.parametrize("config, words", [
    (MeshConfig(data=3), "does not divide the 8"),
    (MeshConfig(data=2, fsdp=2, model=1), "uses 4 of the 8"),
    (MeshConfig(data=-1, fsdp=-1), "at most one -1"),
    (MeshConfig(model=0), "positive size"),
])
def test_bad_mesh_is_one_clear_sentence(config, words):
  with pytest.raises(UserError, match=words) as error:
    config.sizes(8)
  assert "\n" not in str(error.value)
