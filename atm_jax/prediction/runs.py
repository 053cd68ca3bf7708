"""A fine-tuned run read back for prediction: its config.gin, which model it
evaluates, and its parameters restored from a checkpoint."""
from __future__ import annotations

import os
from collections.abc import Sequence

import gin
import jax

from atm_jax import cli, fs
from atm_jax.checkpoints.init_from import find_checkpoint, restore_params
from atm_jax.errors import UserError
from atm_jax.partitioning.mesh import MeshConfig, create_mesh
from atm_jax.partitioning.partitioner import Partitioner


def config_path(run_dir: str) -> str:
  path = os.path.join(run_dir, "config.gin")
  if not fs.isfile(path):
    raise UserError(f"{run_dir} holds no config.gin, so it is not an atm_jax "
                    "run; give the MODEL_DIR of a fine-tuning run.")
  return path


def load_config(run_dir: str, bindings: Sequence[str] = ()) -> str | None:
  """Parses the run's config.gin (and `bindings`); returns the name of the
  model it evaluates, read from the binding before anything is built."""
  cli.parse_gin([config_path(run_dir)], list(bindings))
  try:
    reference = gin.get_bindings("evaluate", resolve_references=False).get(
        "model")
  except ValueError:
    reference = None
  return getattr(getattr(reference, "configurable", None), "name", None)


def load_config_of(run_dir: str, bindings: Sequence[str], model: str,
                   kind: str, run_file: str) -> None:
  """`load_config`, refused in one sentence unless the run evaluates
  `model` (a run of `kind`, fine-tuned with gin_configs/runs/`run_file`)."""
  name = load_config(run_dir, bindings)
  if name != model:
    raise UserError(f"{run_dir} is not {kind} run (its config.gin evaluates "
                    f"{name or 'no fine-tuned model'}); give the MODEL_DIR of "
                    f"a run fine-tuned with gin_configs/runs/{run_file}.")


def restore(run_dir: str, step: int | None, model, sequence_length: int):
  """(step, params, partitioner): the run's parameters at `step` (the
  latest when None), laid out on this machine's devices."""
  checkpoints_dir, latest = find_checkpoint(run_dir)
  step = latest if step is None else step
  step_dir = os.path.join(checkpoints_dir, str(step))
  if not fs.isdir(step_dir):
    raise UserError(f"{run_dir} has no checkpoint step {step} (the latest "
                    f"is {latest}); give --step of a saved step or leave "
                    "it out for the latest.")
  partitioner = Partitioner(create_mesh(MeshConfig()))
  abstract, _ = partitioner.abstract_state(
      lambda rng: model.init(rng, 1, sequence_length)["params"],
      jax.random.key(0))
  return step, restore_params(step_dir, abstract), partitioner
