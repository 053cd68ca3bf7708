"""The train state: what a checkpoint holds besides the data position."""
import dataclasses
from typing import Any

import flax.struct
import jax
from flax import serialization


@flax.struct.dataclass
class TrainState:
  """`loss_guard` holds the loss spike guard's running statistics (see
  `atm_jax.trainer.step.init_loss_guard`), or None when the guard is off."""

  step: jax.Array
  params: Any
  opt_state: Any
  loss_guard: dict[str, jax.Array] | None = None


def _saved_fields(state: TrainState) -> list[str]:
  """Every field but an absent guard, so that a guard-less state has the
  checkpoint tree written before the guard existed and old checkpoints
  restore."""
  return [field.name for field in dataclasses.fields(state)
          if field.name != "loss_guard" or state.loss_guard is not None]


def _to_state_dict(state: TrainState) -> dict[str, Any]:
  return {name: serialization.to_state_dict(getattr(state, name))
          for name in _saved_fields(state)}


def _from_state_dict(target: TrainState, state_dict: dict[str, Any]
                     ) -> TrainState:
  names = _saved_fields(target)
  if sorted(state_dict) != sorted(names):
    raise ValueError(f"A TrainState needs the fields {sorted(names)} but the "
                     f"state dict has {sorted(state_dict)}.")
  return target.replace(**{
      name: serialization.from_state_dict(getattr(target, name),
                                          state_dict[name], name=name)
      for name in names})


serialization.register_serialization_state(
    TrainState, _to_state_dict, _from_state_dict, override=True)
