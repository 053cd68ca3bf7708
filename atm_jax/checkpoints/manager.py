"""Saving and restoring a run's train state and data position with orbax.

Each step directory holds two or three items: `state` (the train state as a
plain nested dict of arrays, so the on-disk tree does not depend on Python
class names), `data` (a small JSON dict: how many batches were read) and,
when the input stream can write it down, `input` (the stream's own position,
restored without replaying the data). Orbax writes a
step into a temporary directory and renames it when complete, so a save killed
half-way is never listed or restored. Before that rename, the files of the
step are checksummed (`integrity`), so damage done to a committed step later
is found at restore: the step is set aside and the run falls back to the
previous intact one.
"""
from __future__ import annotations

import errno
import shutil
from typing import Any

import jax
import orbax.checkpoint as ocp
from etils import epath
from flax import serialization

from atm_jax.checkpoints import integrity
from atm_jax.checkpoints.input_position import (InputPositionRestore,
                                                InputPositionSave)
from atm_jax.errors import UserError, cause

_STATE = "state"
_DATA = "data"
_INPUT = "input"


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
      (_INPUT, InputPositionSave, InputPositionRestore),
  ):
    registry.add(item, save_args)
    registry.add(item, restore_args)
  return registry


class Checkpointer:
  """The trainer's view of its checkpoint directory: save, list, restore.

  Saves always run in orbax's background thread (`async_save=False` just
  waits for each one); a failed save is raised as one `UserError` by
  `check_last_save`, which the trainer calls after every step.
  """

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
        enable_async_checkpointing=True,
        cleanup_tmp_directories=True,  # what a killed save left behind
        async_options=ocp.AsyncOptions(
            post_finalization_callback=self._seal_step_in_flight),
    )
    self._manager = ocp.CheckpointManager(
        epath.Path(directory), options=options,
        handler_registry=_handler_registry())
    self._wait_after_save = not async_save
    self._step_in_flight: int | None = None
    self._save_failure_reported = False

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
           input_position: bytes | None = None, force: bool = False) -> bool:
    """Starts writing `step` in the background; False if it was skipped.

    Arrays are copied to host before this returns, so the caller may donate
    `state` to the next train step straight away.
    """
    step = int(step)
    self.check_last_save(wait=True)
    if step in self._manager.all_steps():
      return False
    self._check_free_space(step, state)
    self._step_in_flight = step
    items = {_STATE: ocp.args.StandardSave(serialization.to_state_dict(state)),
             _DATA: ocp.args.JsonSave(data_state)}
    if input_position is not None:
      items[_INPUT] = InputPositionSave(input_position)
    try:
      saved = self._manager.save(step, args=ocp.args.Composite(**items),
                                 force=force)
    except Exception as error:  # pylint: disable=broad-except
      raise self._save_failed(step, error) from error
    if not saved:
      self._step_in_flight = None
    elif self._wait_after_save:
      self.check_last_save(wait=True)
    return saved

  def check_last_save(self, *, wait: bool = False) -> None:
    """Raises one `UserError` if the last save failed (no space, read-only
    disk, ...) after removing its temporary folder. Without `wait`, returns
    at once while the save is still being written."""
    if self._step_in_flight is None:
      return
    if not wait and self._manager.is_saving_in_progress():
      return
    step = self._step_in_flight
    try:
      self._manager.wait_until_finished()
      self._manager.check_for_errors()
    except Exception as error:  # pylint: disable=broad-except
      raise self._save_failed(step, error) from error
    finally:
      self._step_in_flight = None

  def _check_free_space(self, step: int, state: Any) -> None:
    """Refuses a save that cannot fit before writing any of it: a disk that
    fills up half-way makes TensorStore fail in many threads at once (and
    their late callbacks print tracebacks). The previous step's size on disk
    is the estimate, else the arrays' bytes, with a margin for what else the
    run writes meanwhile (metrics, summaries)."""
    if "://" in self.directory:
      return
    latest = self._manager.latest_step()
    needed = int(_FREE_SPACE_MARGIN * (
        integrity.folder_bytes(self._step_dir(latest))
        if latest is not None else _tree_bytes(state)))
    free = shutil.disk_usage(self.directory).free
    if free < needed:
      raise self._save_failed(step, OSError(
          errno.ENOSPC, f"No space left on device: about {_mib(needed)} "
          f"needed, {_mib(free)} free"))

  def _seal_step_in_flight(self) -> None:
    """Orbax calls this when a save's files are written, before it renames
    the temporary folder: the checksums go in with the step, atomically."""
    if jax.process_index() != 0:
      return
    final, temporary = self._step_folders(self._step_in_flight)
    integrity.write_manifest(temporary if temporary.exists() else final)

  def _save_failed(self, step: int, error: Exception) -> UserError:
    self._save_failure_reported = True
    final, temporary = self._step_folders(step)
    if jax.process_index() == 0 and temporary.exists():
      temporary.rmtree()
    self._manager.reload()
    latest = self._manager.latest_step()
    resume = (f"step {latest}" if latest is not None else
              "the start (no checkpoint was saved before)")
    return UserError(
        f"Saving checkpoint step {step} to {final} failed ({cause(error)}); "
        "the run stopped and removed the partial save; free space or fix the "
        f"disk (or choose another MODEL_DIR), then rerun to resume from "
        f"{resume}.")

  def restore_latest_intact(self, abstract_state: Any
                            ) -> tuple[int, Any, dict] | None:
    """(step, state, data position) of the newest intact step, or None if
    there is no step yet. Newer damaged steps are set aside (renamed, never
    deleted) with one line each naming the step resumed from instead."""
    self.wait_until_finished()
    self._manager.reload()
    damaged = []
    for step in sorted(self._manager.all_steps(), reverse=True):
      restored, problem = self._restore_if_intact(step, abstract_state)
      if restored is not None:
        self._report_set_aside(damaged, f"step {step}")
        return (step, *restored)
      damaged.append((step, problem, self._set_aside(step)))
    if damaged:
      moved = ", ".join(moved for _, _, moved in damaged)
      raise UserError(
          f"No intact checkpoint is left in {self.directory}: every step was "
          f"damaged and set aside ({moved}); restore a copy of the run, or "
          "move the checkpoints folder away to train from scratch.")
    return None

  def _restore_if_intact(self, step: int, abstract_state: Any):
    """((state, data), None) for an intact step, else (None, what is wrong).

    A step with checksums is judged by them alone: if they pass, a failing
    restore is not damage and is raised. A step saved before checksums
    existed is damaged if it cannot be read."""
    step_dir = self._step_dir(step)
    problem = integrity.damage(step_dir)
    if problem:
      return None, problem
    try:
      return self.restore(step, abstract_state), None
    except UserError:
      raise
    except Exception as error:  # pylint: disable=broad-except
      if integrity.has_manifest(step_dir):
        raise
      return None, f"it cannot be read: {cause(error)}"

  def _set_aside(self, step: int) -> str:
    """Renames a damaged step so orbax no longer lists it; returns the name."""
    source = epath.Path(self._step_dir(step))
    target = source.parent / f"{source.name}.damaged"
    suffix = 1
    while target.exists():
      suffix += 1
      target = source.parent / f"{source.name}.damaged-{suffix}"
    if jax.process_index() == 0:
      source.rename(target)
    self._manager.reload()
    return str(target)

  def _report_set_aside(self, damaged: list[tuple[int, str, str]],
                        resumed: str) -> None:
    if jax.process_index() != 0:
      return
    for step, problem, moved in damaged:
      print(f"Checkpoint step {step} is damaged ({problem}); set it aside as "
            f"{moved} and resumed from {resumed} instead.", flush=True)

  def restore(self, step: int, abstract_state: Any) -> tuple[Any, dict]:
    """Reads `step` onto the shardings that `abstract_state` asks for.

    `abstract_state` has `jax.ShapeDtypeStruct` leaves with `.sharding`, so a
    checkpoint written on one mesh restores onto any other. The data dict
    holds the saved input position as bytes under "input_position" when the
    step has one.
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
    items = {_STATE: ocp.args.StandardRestore(abstract_dict),
             _DATA: ocp.args.JsonRestore()}
    has_input = (epath.Path(step_dir) / _INPUT).exists()
    if has_input:
      items[_INPUT] = InputPositionRestore()
    restored = self._manager.restore(step, args=ocp.args.Composite(**items))
    state = serialization.from_state_dict(abstract_state, restored[_STATE])
    data = dict(restored[_DATA])
    if has_input:
      data["input_position"] = restored[_INPUT]
    return state, data

  def wait_until_finished(self) -> None:
    """Blocks until the last save is committed, raising if it failed."""
    self.check_last_save(wait=True)

  def close(self) -> None:
    """Finishes pending writes and deletions; orbax needs this before exit.
    Orbax raises a failed save again here; once reported, it is not news."""
    try:
      self.check_last_save(wait=True)
    finally:
      try:
        self._manager.close()
      except Exception:  # pylint: disable=broad-except
        if not self._save_failure_reported:
          raise

  def __enter__(self) -> Checkpointer:
    return self

  def __exit__(self, *exc_info: object) -> None:
    self.close()

  def _step_folders(self, step: int) -> tuple[epath.Path, epath.Path]:
    """A step's committed folder and the temporary one orbax writes first."""
    final = epath.Path(self._step_dir(step))
    return final, final.parent / (final.name + _TMP_SUFFIX)

  def _step_dir(self, step: int) -> str:
    return str(ocp.step.build_step_path(
        self._manager.directory, ocp.step.standard_name_format(), step))


def _tree_bytes(tree: Any) -> int:
  return sum(leaf.nbytes for leaf in jax.tree.leaves(tree)
             if hasattr(leaf, "nbytes"))


def _mib(size: int) -> str:
  return f"{size / 2**20:.1f} MiB"


_TMP_SUFFIX = ".orbax-checkpoint-tmp"
# Free space a save needs, as a multiple of its estimated size.
_FREE_SPACE_MARGIN = 1.25
