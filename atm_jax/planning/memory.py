"""Bytes per device: from the shardings of abstract arrays, and from XLA's
buffer assignment of the compiled step."""
import math

import jax

GIB = 2**30


def shard_bytes(leaf: jax.ShapeDtypeStruct) -> int:
  """Bytes of the largest shard of one sharded array (one device's part)."""
  shape = leaf.sharding.shard_shape(leaf.shape)
  return math.prod(shape) * jax.numpy.dtype(leaf.dtype).itemsize


def per_device_bytes(tree) -> int:
  """Bytes a device holds of every array in `tree` (exact for even splits,
  an upper bound otherwise)."""
  return sum(shard_bytes(leaf) for leaf in jax.tree.leaves(tree))


def largest_arrays(tree, count: int = 6) -> list[dict]:
  """The biggest arrays of `tree` with their PartitionSpec and shard size."""
  leaves = jax.tree_util.tree_leaves_with_path(tree)
  leaves.sort(key=lambda item: -math.prod(item[1].shape))
  return [{"path": jax.tree_util.keystr(path, simple=True, separator="/"),
           "shape": list(leaf.shape), "dtype": str(leaf.dtype),
           "spec": str(tuple(leaf.sharding.spec)),
           "bytes_per_device": shard_bytes(leaf)}
          for path, leaf in leaves[:count]]


def compiled_memory(compiled: jax.stages.Compiled) -> dict[str, int]:
  """XLA's per-device buffer sizes; `total` = arguments + outputs - aliased
  (donated) + temporaries, what must fit on the device at once."""
  stats = compiled.memory_analysis()
  sizes = {"argument": stats.argument_size_in_bytes,
           "output": stats.output_size_in_bytes,
           "alias": stats.alias_size_in_bytes,
           "temp": stats.temp_size_in_bytes,
           "generated_code": stats.generated_code_size_in_bytes}
  sizes["total"] = (sizes["argument"] + sizes["output"] - sizes["alias"] +
                    sizes["temp"] + sizes["generated_code"])
  return sizes
