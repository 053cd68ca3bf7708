"""Saving and restoring a run's train state and data position with orbax.

Each step directory holds two items: `state` (the train state as a plain nested
dict of arrays, so the on-disk tree does not depend on Python class names) and
`data` (a small JSON dict saying where the input pipeline is). Orbax writes a
step into a temporary directory and renames it when complete, so a save killed
half-way is never listed or restored.
"""
from __future__ import annotations

from typing import Any

import jax
import orbax.checkpoint as ocp
from etils import epath
from flax import serialization

from atm_jax.errors import UserError

_STATE = "state"
_DATA = "data"


def flatten_with_paths(tree: Any) -> dict[str, Any]:
  """Leaves keyed by "/"-joined path, the names used in every message."""
  leaves, _ = jax.tree_util.tree_flatten_with_path(tree)
  return {
      jax.tree_util.keystr(keypath, simple=True, separator="/"): leaf
      for keypath, leaf in leaves
  }


def shape_mismatch(expected: Any, found: Any) -> str | None:
  """Describes the first difference in paths or shapes between two trees.

  Both trees are given as leaves with a `.shape`; the description names one
  path so that an error stays one readable sentence, however large the model.
  """
  expected_shapes = _shapes(expected)
  found_shapes = _shapes(found)
  for path, shape in expected_shapes.items():
    if path in found_shapes and found_shapes[path] != shape:
      return (f"{path} has shape {shape} in the config but "
              f"{found_shapes[path]} in the checkpoint")
  missing = [p for p in expected_shapes if p not in found_shapes]
  if missing:
    return f"{name_some(missing)} in the config but not in the checkpoint"
  unexpected = [p for p in found_shapes if p not in expected_shapes]
  if unexpected:
    return f"{name_some(unexpected)} in the checkpoint but not in the config"
  return None


def name_some(paths: list[str], limit: int = 3) -> str:
  """"a is", "a, b are" or "a, b, c and 7 more are": short for long lists."""
  named = ", ".join(paths[:limit])
  if len(paths) > limit:
    named += f" and {len(paths) - limit} more"
  return named + (" is" if len(paths) == 1 else " are")


def _shapes(tree: Any) -> dict[str, tuple[int, ...]]:
  """Shapes by path, params first: they are what a model config decides."""
  shapes = {path: tuple(leaf.shape)
            for path, leaf in flatten_with_paths(tree).items()}
  return dict(sorted(shapes.items(),
                     key=lambda item: not item[0].startswith("params/")))


def _handler_registry() -> ocp.handlers.DefaultCheckpointHandlerRegistry:
  """Registers both items up front so a fresh process can read metadata."""
  registry = ocp.handlers.DefaultCheckpointHandlerRegistry()
  for item, save_args, restore_args in (
      (_STATE, ocp.args.StandardSave, ocp.args.StandardRestore),
      (_DATA, ocp.args.JsonSave, ocp.args.JsonRestore),
  ):
    registry.add(item, save_args)
    registry.add(item, restore_args)
  return registry


class Checkpointer:
  """The trainer's view of its checkpoint directory: save, list, restore."""

  def __init__(self, directory: str, *, save_interval_steps: int,
               max_to_keep: int | None, async_save: bool = True):
    if save_interval_steps < 1:
      raise UserError(
          f"save_interval_steps is {save_interval_steps}; set it to 1 or more.")
    # Explicit policies: orbax's defaults would also save the first step of a
    # run whatever the interval (InitialSavePolicy).
    options = ocp.CheckpointManagerOptions(
        save_decision_policy=ocp.checkpoint_managers.FixedIntervalPolicy(
            save_interval_steps),
        preservation_policy=ocp.checkpoint_managers.LatestN(max_to_keep),
        enable_async_checkpointing=async_save,
    )
    self._manager = ocp.CheckpointManager(
        epath.Path(directory), options=options,
        handler_registry=_handler_registry())
    self._step_in_flight: int | None = None

  @property
  def directory(self) -> str:
    return str(self._manager.directory)

  def latest_step(self) -> int | None:
    """The newest complete step; a save still being written does not count."""
    if self._manager.is_saving_in_progress():
      done = [s for s in self._manager.all_steps() if s != self._step_in_flight]
      return max(done, default=None)
    # Nothing in flight: the directory is the truth (a failed commit is gone).
    self._manager.reload()
    return self._manager.latest_step()

  def save(self, step: int, state: Any, data_state: dict, *,
           force: bool = False) -> bool:
    """Starts writing `step` in the background; False if it was skipped.

    Arrays are copied to host before this returns, so the caller may donate
    `state` to the next train step straight away.
    """
    step = int(step)
    if step in self._manager.all_steps():
      return False
    saved = self._manager.save(
        step,
        args=ocp.args.Composite(**{
            _STATE: ocp.args.StandardSave(serialization.to_state_dict(state)),
            _DATA: ocp.args.JsonSave(data_state),
        }),
        force=force,
    )
    if saved:
      self._step_in_flight = step
    return saved

  def restore(self, step: int, abstract_state: Any) -> tuple[Any, dict]:
    """Reads `step` onto the shardings that `abstract_state` asks for.

    `abstract_state` has `jax.ShapeDtypeStruct` leaves with `.sharding`, so a
    checkpoint written on one mesh restores onto any other.
    """
    step = int(step)
    self.wait_until_finished()
    step_dir = self._step_dir(step)
    if step not in self._manager.all_steps():
      raise UserError(
          f"No complete checkpoint for step {step} in {self.directory} (the "
          f"latest complete step is {self.latest_step()}); restore a step "
          "that exists.")
    abstract_dict = serialization.to_state_dict(abstract_state)
    stored = self._manager.metadata(step).item_metadata[_STATE].tree
    mismatch = shape_mismatch(abstract_dict, stored)
    if mismatch:
      raise UserError(
          f"Checkpoint {step_dir} does not match the model config: {mismatch}; "
          "point MODEL_DIR at a fresh directory or use the model config it "
          "was trained with.")
    restored = self._manager.restore(
        step,
        args=ocp.args.Composite(**{
            _STATE: ocp.args.StandardRestore(abstract_dict),
            _DATA: ocp.args.JsonRestore(),
        }),
    )
    state = serialization.from_state_dict(abstract_state, restored[_STATE])
    return state, restored[_DATA]

  def wait_until_finished(self) -> None:
    """Blocks until the last save is committed, raising if it failed."""
    self._manager.wait_until_finished()
    self._manager.check_for_errors()

  def close(self) -> None:
    """Finishes pending writes and deletions; orbax needs this before exit."""
    self._manager.close()

  def __enter__(self) -> Checkpointer:
    return self

  def __exit__(self, *exc_info: object) -> None:
    self.close()

  def _step_dir(self, step: int) -> str:
    return str(ocp.step.build_step_path(
        self._manager.directory, ocp.step.standard_name_format(), step))
