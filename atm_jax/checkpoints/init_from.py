"""Starting a new run's params from another run's checkpoint.

Stage 2 starts from Stage 1 and fine-tuning starts from a pretrained encoder,
as T5X's RestoreCheckpointConfig does it: only the `params` subtree of the
checkpoint's `state` item is read (never the optimizer state), a regex
assignment map renames or drops params, and params with no source (a new
head) may keep their from-scratch values.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import jax
import orbax.checkpoint as ocp
from etils import epath
from flax import traverse_util

from atm_jax.checkpoints import integrity
from atm_jax.checkpoints.manager import (flatten_with_paths, name_some,
                                         shape_mismatch)
from atm_jax.errors import UserError

_SCRATCH_NAMES_SHOWN = 10


def find_checkpoint(path: str) -> tuple[str, int]:
  """(checkpoints dir, step) of the newest complete step that `path` names.

  `path` may be a run dir (holding `checkpoints/`), a checkpoints dir or one
  step dir; orbax's temporary dirs from unfinished saves never count.
  """
  given = epath.Path(path)
  name_format = ocp.step.standard_name_format()
  if given.name.isdigit() and (given / "state").is_dir():
    return str(given.parent), int(given.name)
  checkpoints_dir = given / "checkpoints"
  if not checkpoints_dir.is_dir():
    checkpoints_dir = given
  latest = ocp.step.latest_step_metadata(checkpoints_dir, name_format)
  if latest is None:
    raise UserError(
        f"No checkpoint found at {path}; give a run directory holding "
        "checkpoints/, a checkpoints directory or one finished step directory.")
  return str(checkpoints_dir), latest.step


def init_params_from_checkpoint(
    path: str,
    abstract_params: Any,
    scratch_params: Any,
    *,
    assignment_map: Sequence[tuple[str, str | None]] = (),
    fallback_to_scratch: bool = True,
) -> Any:
  """Params shaped and sharded as `abstract_params`, read from a checkpoint.

  Each target path goes through `assignment_map` (first full regex match
  wins): the replacement names the source path in the checkpoint, None keeps
  the scratch value; unmatched paths are looked up under their own name.
  """
  checkpoints_dir, step = find_checkpoint(path)
  step_dir = ocp.step.build_step_path(
      epath.Path(checkpoints_dir), ocp.step.standard_name_format(), step)
  _check_intact(step_dir)
  targets = flatten_with_paths(abstract_params)
  with ocp.Checkpointer(ocp.PyTreeCheckpointHandler()) as reader:
    stored = _stored_params(reader, step_dir)
    sources = _resolve_sources(targets, assignment_map)
    _drop_missing_sources(sources, stored, step_dir, fallback_to_scratch)
    _check_shapes(targets, sources, stored, step_dir)
    restored = _read_params(reader, step_dir, targets, sources)

  scratch = flatten_with_paths(scratch_params)

  def pick(keypath: Any, abstract: jax.ShapeDtypeStruct) -> jax.Array:
    target = jax.tree_util.keystr(keypath, simple=True, separator="/")
    source = sources[target]
    if source is None:
      return scratch[target]
    value = restored[source]
    if value.dtype != abstract.dtype:
      value = value.astype(abstract.dtype)
    return jax.device_put(value, abstract.sharding)

  params = jax.tree_util.tree_map_with_path(pick, abstract_params)
  _print_summary(sources, step_dir)
  return params


def _check_intact(step_dir: epath.Path) -> None:
  """Another run's checkpoint is read, never repaired: damage is refused."""
  problem = integrity.damage(step_dir)
  if problem:
    raise UserError(
        f"Checkpoint {step_dir} is damaged ({problem}); point at another "
        f"step of {step_dir.parent} or at an intact copy of the run.")


def _stored_params(reader: ocp.Checkpointer,
                   step_dir: epath.Path) -> dict[str, Any]:
  """Array metadata of the checkpoint's params, keyed by path."""
  tree = reader.handler.metadata(step_dir / "state").tree
  if "params" not in tree:
    raise UserError(
        f"Checkpoint {step_dir} has no params in its state item; point the "
        "init checkpoint at a run saved by atm_jax.")
  return flatten_with_paths(tree["params"])


def _resolve_sources(
    targets: dict[str, Any],
    assignment_map: Sequence[tuple[str, str | None]],
) -> dict[str, str | None]:
  """Source path for each target path; None means keep the scratch value."""
  rules = []
  for pattern, replacement in assignment_map:
    try:
      rules.append((re.compile(pattern), replacement))
    except re.error as error:
      raise UserError(
          f"assignment_map pattern {pattern!r} is not a valid regex ({error}); "
          "fix the pattern.") from error

  def source_of(target: str) -> str | None:
    for regex, replacement in rules:
      match = regex.fullmatch(target)
      if match:
        return None if replacement is None else match.expand(replacement)
    return target

  return {target: source_of(target) for target in targets}


def _drop_missing_sources(sources: dict[str, str | None],
                          stored: dict[str, Any], step_dir: epath.Path,
                          fallback_to_scratch: bool) -> None:
  """Sends targets whose source is not stored to scratch, or refuses."""
  missing = [t for t, s in sources.items() if s is not None and s not in stored]
  if missing and not fallback_to_scratch:
    described = [t if sources[t] == t else f"{t} (source {sources[t]})"
                 for t in missing]
    raise UserError(
        f"{name_some(described)} not in checkpoint {step_dir}; map them in "
        "assignment_map (None keeps the scratch value) or set "
        "fallback_to_scratch.")
  for target in missing:
    sources[target] = None


def _check_shapes(targets: dict[str, Any], sources: dict[str, str | None],
                  stored: dict[str, Any], step_dir: epath.Path) -> None:
  for target, source in sources.items():
    if source is None:
      continue
    want, have = tuple(targets[target].shape), tuple(stored[source].shape)
    if want != have:
      raise UserError(
          f"Checkpoint {step_dir} does not fit the model: param {target} has "
          f"shape {want} in the config but its source {source} has shape "
          f"{have} in the checkpoint; fix the model config or map {target} to "
          "None in assignment_map to start it from scratch.")


def _read_params(reader: ocp.Checkpointer, step_dir: epath.Path,
                 targets: dict[str, Any],
                 sources: dict[str, str | None]) -> dict[str, jax.Array]:
  """Reads only the needed source arrays (a partial restore of `state`)."""
  wanted: dict[tuple[str, ...], jax.ShapeDtypeStruct] = {}
  for target, source in sources.items():
    if source is not None:
      wanted.setdefault(("params", *source.split("/")), targets[target])
  if not wanted:
    return {}
  item = traverse_util.unflatten_dict(wanted)
  restored = reader.restore(
      step_dir / "state",
      args=ocp.args.PyTreeRestore(
          item=item,
          restore_args=ocp.checkpoint_utils.construct_restore_args(item),
          partial_restore=True,
      ),
  )
  return flatten_with_paths(restored["params"])


def _print_summary(sources: dict[str, str | None],
                   step_dir: epath.Path) -> None:
  scratch = [t for t, s in sources.items() if s is None]
  line = (f"Initialised {len(sources) - len(scratch)} of {len(sources)} params "
          f"from {step_dir}; {len(scratch)} from scratch")
  if scratch:
    shown = ", ".join(scratch[:_SCRATCH_NAMES_SHOWN])
    more = len(scratch) - _SCRATCH_NAMES_SHOWN
    line += f": {shown}" + (f" and {more} more" if more > 0 else "")
  if jax.process_index() == 0:
    print(line + ".")


def checkpoint_params(path: str) -> dict[str, Any]:
  """Array metadata (shape, dtype) of the params of the checkpoint at `path`,
  keyed by path, read without restoring any array."""
  checkpoints_dir, step = find_checkpoint(path)
  step_dir = ocp.step.build_step_path(
      epath.Path(checkpoints_dir), ocp.step.standard_name_format(), step)
  with ocp.Checkpointer(ocp.PyTreeCheckpointHandler()) as reader:
    return _stored_params(reader, step_dir)


def restore_params(path: str, abstract_params: Any,
                   unused: Sequence[str] = ()) -> Any:
  """Every parameter of `abstract_params` from the checkpoint at `path`.

  For frozen parameters such as a distillation teacher: nothing may fall
  back to fresh values, so a checkpoint of another architecture is refused,
  naming the first parameter that is missing or shaped differently. The
  checkpoint's top-level subtrees named in `unused` are ignored (a teacher's
  MLM head when it teaches without it).
  """
  checkpoints_dir, step = find_checkpoint(path)
  step_dir = ocp.step.build_step_path(
      epath.Path(checkpoints_dir), ocp.step.standard_name_format(), step)
  stored = {name: meta for name, meta in checkpoint_params(path).items()
            if name.split("/")[0] not in unused}
  mismatch = shape_mismatch(abstract_params, stored)
  if mismatch:
    raise UserError(
        f"Checkpoint {step_dir} holds another architecture than the config "
        f"describes: {mismatch}; point it at a checkpoint of that model or "
        "fix the model config.")
  return init_params_from_checkpoint(path, abstract_params, abstract_params,
                                     fallback_to_scratch=False)
