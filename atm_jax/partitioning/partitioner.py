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
  """

  mesh: Mesh
  rules: Rules = dataclasses.field(default_factory=standard_rules)
  min_sharded_size: int = 2**20

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
