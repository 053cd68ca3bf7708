"""The device mesh: named axes (data, fsdp, model) with sizes from gin."""
import dataclasses
import math

import gin
import jax
import numpy as np
from jax.sharding import AxisType, Mesh

from atm_jax.errors import UserError
from atm_jax.field_types import check_field_types

AXIS_NAMES = ("data", "fsdp", "model")


@gin.configurable
@dataclasses.dataclass(frozen=True)
class MeshConfig:
  """Size of each mesh axis; at most one may be -1 (= the remaining devices)."""

  data: int = -1
  fsdp: int = 1
  model: int = 1

  def __post_init__(self):
    check_field_types(self)

  def sizes(self, num_devices: int) -> tuple[int, ...]:
    sizes = [self.data, self.fsdp, self.model]
    described = ", ".join(f"{n}={s}" for n, s in zip(AXIS_NAMES, sizes))
    if sizes.count(-1) > 1 or any(s == 0 or s < -1 for s in sizes):
      raise UserError(f"Mesh {described} is invalid; give every axis a "
                      "positive size, with at most one -1 for 'the rest'.")
    known = math.prod(s for s in sizes if s != -1)
    if num_devices % known:
      raise UserError(f"Mesh {described} does not divide the {num_devices} "
                      f"available devices; choose axis sizes whose product "
                      f"divides {num_devices}.")
    sizes = [num_devices // known if s == -1 else s for s in sizes]
    if math.prod(sizes) != num_devices:
      raise UserError(f"Mesh {described} uses {math.prod(sizes)} of the "
                      f"{num_devices} devices; make the product equal "
                      f"{num_devices} or set one axis to -1.")
    return tuple(sizes)


def create_mesh(config: MeshConfig,
                devices: list[jax.Device] | None = None) -> Mesh:
  """A mesh over all (or the given) devices, axes in (data, fsdp, model) order.

  Uses `jax.make_mesh` for the full device set so the physical topology is
  respected on TPU; axes are Auto so shardings come from the rules table.
  """
  axis_types = (AxisType.Auto,) * len(AXIS_NAMES)
  if devices is None:
    sizes = config.sizes(jax.device_count())
    return jax.make_mesh(sizes, AXIS_NAMES, axis_types=axis_types)
  sizes = config.sizes(len(devices))
  return Mesh(np.asarray(devices).reshape(sizes), AXIS_NAMES,
              axis_types=axis_types)
