"""The token embedding's lookup and the tied output layer, on a split table.

The table (150,016 x 4,096 for the 9.3B teacher: 2.3 GiB in float32) is
split over its vocab axis (`vocab` rule) and must never be held whole in
float32 by one device. Both functions run under `jax.shard_map` on the
active mesh, with mesh axes read from the active rules, so each collective
is explicit:

- the table is cast to the compute dtype on its shard, before any
  all-gather, so the gather moves (and its transpose, the gradient's
  reduce-scatter, sums) compute-dtype bytes;
- over a mesh axis that splits the table's rows but not the batch (model),
  rows stay split: a masked lookup summed over it, logits split over it;
- over one that splits both (fsdp), one side is gathered: the table's rows
  or the activations (token ids, hidden states), whichever is fewer rows
  per device.

Without a mesh, or where the table or the batch do not split evenly (a
one-row init batch), they fall back to plain `take` / `einsum` with logical
constraints, which any mesh partitions correctly.
"""
import dataclasses
import math

import flax.linen as nn
import jax
import jax.numpy as jnp
from jax.sharding import PartitionSpec as P

from atm_jax.precision import einsum

Array = jax.Array
Axes = tuple[str, ...]


def _mesh_axes(names: tuple[str | None, ...]) -> tuple[Axes, ...]:
  """Mesh axes of each dimension of an array with these logical names,
  under the active rules."""
  spec = nn.logical_to_mesh_axes(names)
  return tuple(() if a is None else (a,) if isinstance(a, str) else tuple(a)
               for a in spec)


def _entry(axes: Axes) -> str | Axes | None:
  return axes or None


def _size(axes: Axes) -> int:
  mesh = jax.sharding.get_abstract_mesh()
  return math.prod(mesh.shape[a] for a in axes)


def _prefix(axes: Axes, of: Axes) -> bool:
  return of[:len(axes)] == axes


def _not_in(axes: Axes, others: Axes) -> Axes:
  """The longest prefix of `axes` with no axis of `others`."""
  for i, axis in enumerate(axes):
    if axis in others:
      return axes[:i]
  return axes


def _gather(x: Array, have: Axes, want: Axes, axis: int) -> Array:
  """`x`, split over `have` along `axis`, gathered until it is split over
  `want` alone (a prefix of `have`)."""
  rest = have[len(want):]
  return jax.lax.all_gather(x, rest, axis=axis, tiled=True) if rest else x


@dataclasses.dataclass(frozen=True)
class _Table:
  """The mesh axes of the table's vocab and embed dimensions."""

  vocab: Axes
  embed: Axes

  @classmethod
  def active(cls, vocab_size: int) -> "_Table | None":
    """None without a mesh, when the table is whole on every device (the
    plain lookup and einsum then fuse best), or when its rows do not split
    evenly."""
    if jax.sharding.get_abstract_mesh().empty:
      return None
    vocab, embed = _mesh_axes(("vocab", "embed"))
    if _size(vocab) * _size(embed) == 1 or vocab_size % _size(vocab):
      return None
    return cls(vocab, embed)

  @property
  def spec(self) -> P:
    return P(_entry(self.vocab), _entry(self.embed))

  def rows(self, local: Array, dtype: jnp.dtype, vocab: Axes,
           meets: Axes) -> Array:
    """This device's shard in `dtype`, whole along embed and gathered until
    split over `vocab` (a prefix of the table's vocab axes). Marked as
    varying over the axes of `meets` (the other operand's) that the table
    is whole on, so the gradient's sum over those is taken on the shard,
    not on the gathered rows."""
    whole_on = tuple(a for a in meets if a not in self.vocab + self.embed)
    table = jax.lax.pcast(local, whole_on, to="varying").astype(dtype)
    table = _gather(table, self.embed, (), axis=1)
    return _gather(table, self.vocab, vocab, axis=0)


def _masked_take(rows: Array, ids: Array, first: Array) -> Array:
  """Rows of `ids` from `rows` (table rows `first`, `first` + 1, ...);
  zeros for ids outside them."""
  ids = ids - first
  inside = (ids >= 0) & (ids < rows.shape[0])
  found = jnp.take(rows, jnp.where(inside, ids, 0), axis=0)
  return jnp.where(inside[..., None], found, 0)


def token_lookup(table: Array, ids: Array, dtype: jnp.dtype) -> Array:
  """Rows of the token embedding `table` for [batch, length] `ids`, in
  `dtype`, split over the batch as activations are.

  Over the axes that split both rows and batch, either the table is
  gathered (each device looks up its own ids) or the ids are (each device
  looks up the ids in its rows, and the partial rows are reduce-scattered
  back over the batch): the second when a device's share of the ids is
  fewer than the table's rows, e.g. data:16,fsdp:16 (65,536 ids against
  150,016 rows) but not fsdp:256 (1,048,576 ids).
  """
  table_axes = _Table.active(table.shape[0])
  batch = _mesh_axes(("activation_batch", None))[0] if table_axes else ()
  if table_axes is None or ids.shape[0] % _size(batch):
    table = nn.with_logical_constraint(
        table.astype(dtype), ("activation_vocab", "activation_embed"))
    return nn.with_logical_constraint(
        jnp.take(table, ids, axis=0),
        ("activation_batch", "activation_length", "activation_embed"))
  kept = _not_in(table_axes.vocab, batch)
  shared = table_axes.vocab[len(kept):]
  batch_whole = batch[:len(batch) - len(shared)]
  gather_ids = (shared and batch[len(batch_whole):] == shared
                and ids.size // _size(batch_whole)
                < table.shape[0] // _size(kept))

  def by_rows(local, ids):
    rows = table_axes.rows(local, dtype, kept, batch)
    if not kept:
      return jnp.take(rows, ids, axis=0)
    first = jax.lax.axis_index(kept) * rows.shape[0]
    return jax.lax.psum(_masked_take(rows, ids, first), kept)

  def by_ids(local, ids):
    rows = table_axes.rows(local, dtype, table_axes.vocab, batch)
    first = jax.lax.axis_index(table_axes.vocab) * rows.shape[0]
    ids = _gather(ids, batch, batch_whole, axis=0)
    found = jax.lax.psum_scatter(_masked_take(rows, ids, first), shared,
                                 scatter_dimension=0, tiled=True)
    return jax.lax.psum(found, kept) if kept else found

  return jax.shard_map(by_ids if gather_ids else by_rows,
                       in_specs=(table_axes.spec, P(_entry(batch))),
                       out_specs=P(_entry(batch)))(table, ids)


def token_logits(hidden: Array, table: Array) -> Array:
  """Float32 logits of `hidden` [batch, ..., embed] against the token
  embedding `table` (the tied output layer).

  Where the rules split the logits' vocab over an axis that splits the
  batch too (fsdp under `fsdp_rules`), either `hidden` is gathered over it
  and the logits come out split as the rules say (vocab-parallel), or the
  table is, and they come out split over the batch for the caller's
  constraint to reshard: whichever gathers fewer rows (hidden states at
  data:16,fsdp:16, 9,856 against 150,016; the table at fsdp:256, where
  the batch has 157,696 predictions).
  """
  table_axes = _Table.active(table.shape[0])
  middle = (None,) * (hidden.ndim - 2)
  if table_axes is not None:
    batch, *_, embed = _mesh_axes(("activation_batch",) + middle
                                  + ("activation_embed",))
    out_batch, *_, vocab = _mesh_axes(("activation_batch",) + middle
                                      + ("activation_vocab",))
  if (table_axes is None or hidden.shape[0] % _size(batch)
      or not _prefix(out_batch, batch)
      or not _prefix(vocab, table_axes.vocab)):
    table = nn.with_logical_constraint(
        table.astype(hidden.dtype), ("activation_vocab", "activation_embed"))
    return einsum("...e,ve->...v", hidden, table, jnp.float32)
  kept = _not_in(table_axes.vocab, batch)
  if (math.prod(hidden.shape[:-1]) // _size(out_batch)
      > table.shape[0] // _size(kept)):
    out_batch, vocab = batch, kept

  def logits(hidden, local):
    hidden = _gather(_gather(hidden, embed, (), axis=-1), batch, out_batch,
                     axis=0)
    rows = table_axes.rows(local, hidden.dtype, vocab, out_batch)
    return einsum("...e,ve->...v", hidden, rows, jnp.float32)

  return jax.shard_map(
      logits,
      in_specs=(P(_entry(batch), *middle, _entry(embed)), table_axes.spec),
      out_specs=P(_entry(out_batch), *middle, _entry(vocab)))(hidden, table)
