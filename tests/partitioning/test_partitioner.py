"""Where `Partitioner.optimizer_sharding` puts the extra optimizer axes."""
import pytest
from jax.sharding import NamedSharding
from jax.sharding import PartitionSpec as P

from atm_jax.errors import UserError
from atm_jax.partitioning.mesh import MeshConfig, create_mesh
from atm_jax.partitioning.partitioner import Partitioner
from atm_jax.partitioning.rules import fsdp_rules

MESH = create_mesh(MeshConfig(data=4, fsdp=2))


def _split(shape, spec, axes=("data",)):
  partitioner = Partitioner(MESH, fsdp_rules(), optimizer_axes=axes)
  return partitioner.optimizer_sharding(shape, NamedSharding(MESH, spec)).spec


def test_joins_the_dimension_already_split():
  assert _split((16, 6), P("fsdp", None)) == P(("fsdp", "data"), None)


def test_otherwise_takes_the_largest_dimension_that_divides():
  assert _split((6, 12, 8), P()) == P(None, "data", None)


def test_skips_a_split_dimension_too_short_for_both():
  assert _split((2, 4), P("fsdp", None)) == P("fsdp", "data")


def test_leaves_an_array_no_dimension_divides():
  assert _split((3,), P()) == P()
  assert _split((), P()) == P()


def test_leaves_an_array_already_split_over_the_axis():
  assert _split((8, 8), P("data", "fsdp")) == P("data", "fsdp")


def test_no_optimizer_axes_is_the_identity():
  assert _split((16, 6), P("fsdp", None), axes=()) == P("fsdp", None)


def test_unknown_optimizer_axis_is_refused():
  with pytest.raises(UserError, match=r"optimizer_axes names \['replica'\]"):
    Partitioner(MESH, fsdp_rules(), optimizer_axes=("replica",))


def test_one_axis_given_as_a_string_is_taken_whole():
  partitioner = Partitioner(MESH, fsdp_rules(), optimizer_axes="data")
  assert partitioner.optimizer_axes == ("data",)
