"""The one place that turns logical axis names into shardings on a mesh."""
import contextlib
import dataclasses
import math
from collections.abc import Callable, Iterator

import flax.linen as nn
import gin
import jax
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec

from atm_jax.errors import UserError
from atm_jax.partitioning.rules import Rules, standard_rules

BATCH_AXES = ("data", "fsdp")


@gin.configurable
@dataclasses.dataclass(frozen=True)
class Partitioner:
  """Mesh + rules; builds every sharding the trainer uses.

  `min_sharded_size`: a parameter with at least this many elements must be
  split somewhere when the mesh has a model or fsdp axis larger than one.

  `optimizer_axes`: mesh axes (usually `("data",)`) over which the optimizer
  moments and the gradients are split further than the parameters. Data
  replicas then each update one slice and all-gather the new parameters
  (ZeRO stages 1 and 2), instead of all holding every moment.
  """

  mesh: Mesh
  rules: Rules = dataclasses.field(default_factory=standard_rules)
  min_sharded_size: int = 2**20
  optimizer_axes: tuple[str, ...] = ()

  def __post_init__(self):
    axes = self.optimizer_axes
    # gin reads ('data') as the string 'data': take it as the one axis.
    object.__setattr__(self, "optimizer_axes",
                       (axes,) if isinstance(axes, str) else tuple(axes))
    unknown = [a for a in self.optimizer_axes if a not in self.mesh.shape]
    if unknown:
      raise UserError(
          f"Partitioner.optimizer_axes names {unknown}, which the mesh "
          f"{dict(self.mesh.shape)} does not have; use its axis names, "
          "usually ('data',).")

  @contextlib.contextmanager
  def activate(self) -> Iterator[None]:
    """Mesh and rules in scope, so activation constraints take effect."""
    with jax.set_mesh(self.mesh), nn.logical_axis_rules(self.rules):
      yield

  def logical_to_shardings(self, logical_specs):
    return nn.logical_to_mesh_sharding(logical_specs, self.mesh, self.rules)

  def replicated(self) -> NamedSharding:
    return NamedSharding(self.mesh, PartitionSpec())

  def batch_sharding(self) -> NamedSharding:
    """Leading (batch) dimension split over data and fsdp."""
    return NamedSharding(self.mesh, PartitionSpec(BATCH_AXES))

  @property
  def batch_divisor(self) -> int:
    return math.prod(self.mesh.shape[a] for a in BATCH_AXES)

  def global_batch(self, batch: dict[str, np.ndarray]
                   ) -> dict[str, jax.Array]:
    """The whole batch, held on every host -> one global array per feature,
    sharded over batch; each local device takes exactly its rows, so the
    array is the same whatever the hosts and the order of their devices."""
    sharding = self.batch_sharding()
    return {name: jax.make_array_from_callback(
                value.shape, sharding, lambda index, value=value: value[index])
            for name, value in batch.items()}

  def abstract_state(self, boxed_init: Callable, *args):
    """(unboxed abstract state carrying shardings, shardings) of `boxed_init`.

    `boxed_init` returns a tree whose parameters are flax `Partitioned` boxes;
    nothing is allocated here. Call it outside `activate()`: unboxing under
    active rules would add sharding constraints outside jit.
    """
    boxed = jax.eval_shape(boxed_init, *args)
    shardings = self.logical_to_shardings(nn.get_partition_spec(boxed))
    abstract = jax.tree.map(
        lambda leaf, sharding: jax.ShapeDtypeStruct(leaf.shape, leaf.dtype,
                                                    sharding=sharding),
        nn.unbox(boxed), shardings)
    self.check_sufficiently_sharded(abstract)
    return abstract, shardings

  def optimizer_sharding(self, shape: tuple[int, ...],
                         sharding: NamedSharding) -> NamedSharding:
    """`sharding` further split over `optimizer_axes` it does not use yet.

    The split goes to the first dimension, already split ones first (so a
    device's moments are a slice of its parameter shard), then the largest,
    that divides evenly; an array none divides (a bias, a
    scale) keeps `sharding`.
    """
    spec = list(sharding.spec) + [None] * (len(shape) - len(sharding.spec))
    used = {axis for entry in spec for axis in _axes_of(entry)}
    extra = tuple(a for a in self.optimizer_axes
                  if a not in used and self.mesh.shape[a] > 1)
    if not extra:
      return sharding
    extra_size = math.prod(self.mesh.shape[a] for a in extra)
    def split(dim):
      return any(self.mesh.shape[a] > 1 for a in _axes_of(spec[dim]))
    order = sorted(range(len(shape)), key=lambda d: (not split(d), -shape[d]))
    for dim in order:
      current = _axes_of(spec[dim])
      ways = math.prod(self.mesh.shape[a] for a in current) * extra_size
      if shape[dim] % ways == 0:
        joined = current + extra
        spec[dim] = joined if len(joined) > 1 else joined[0]
        return NamedSharding(self.mesh, PartitionSpec(*spec))
    return sharding

  def optimizer_layout(self, abstract):
    """`abstract` (ShapeDtypeStructs with shardings) re-laid by
    `optimizer_sharding`; unchanged without `optimizer_axes`."""
    return jax.tree.map(
        lambda leaf: jax.ShapeDtypeStruct(
            leaf.shape, leaf.dtype,
            sharding=self.optimizer_sharding(leaf.shape, leaf.sharding)),
        abstract)

  def check_sufficiently_sharded(self, abstract) -> None:
    """Refuse a big parameter left whole on every device of a split mesh."""
    if self.mesh.shape["model"] * self.mesh.shape["fsdp"] == 1:
      return
    for path, leaf in jax.tree_util.tree_leaves_with_path(abstract):
      size = math.prod(leaf.shape)
      if size >= self.min_sharded_size and leaf.sharding.is_fully_replicated:
        raise UserError(
            f"Parameter {jax.tree_util.keystr(path)} ({size:,} elements, "
            f"shape {leaf.shape}) is fully replicated on mesh "
            f"{dict(self.mesh.shape)}; add a rule that maps one of its "
            "logical axes to 'model' or 'fsdp'.")


def _axes_of(entry) -> tuple[str, ...]:
  """A PartitionSpec entry (None, an axis, or a tuple of axes) as a tuple."""
  if entry is None:
    return ()
  return tuple(entry) if isinstance(entry, tuple) else (entry,)
