"""A gin run config read for planning: model, TrainConfig and optimizer,
with no data, vocabulary or run directory touched."""
import dataclasses
from collections.abc import Sequence

import gin

from atm_jax import cli
from atm_jax.errors import UserError
from atm_jax.models.nlu import JointNluModel
from atm_jax.partitioning.mesh import MeshConfig
from atm_jax.trainer.config import TrainConfig
from atm_jax.trainer.optimizer import OptimizerConfig

# Macros the run files mark %gin.REQUIRED, which gin checks when it parses;
# a plan reads no data and writes no run, so they get placeholders (a user's
# --gin binding still wins). The task is a registration the trainer calls
# when it prepares a run, so reading the config registers nothing and trains
# no vocabulary.
PLACEHOLDERS = ("MODEL_DIR = '/nonexistent/plan'", "TEXT_GLOB = None",
                "TEACHER_CHECKPOINT = None", "VOCAB_PATH = None")
# Applied last: no checkpoint is opened.
NO_CHECKPOINTS = ("TrainConfig.init_checkpoint = None",
                  "TrainConfig.teacher_checkpoint = None")


@dataclasses.dataclass(frozen=True)
class PlannedRun:
  """What `trainer.loop.train` would be called with."""

  model: object
  config: TrainConfig
  optimizer: OptimizerConfig
  mesh: MeshConfig


def load(gin_files: Sequence[str], bindings: Sequence[str]) -> PlannedRun:
  """Parse the gin files and bindings as `atm_jax.train` does; evaluate the
  arguments bound to `train` without calling it."""
  from atm_jax import configurables  # noqa: F401  pylint: disable=g-import-not-at-top
  from atm_jax.trainer import loop  # pylint: disable=g-import-not-at-top
  cli.parse_gin(gin_files, [*PLACEHOLDERS, *bindings, *NO_CHECKPOINTS],
                typed=bindings)
  arguments = gin.get_bindings(loop.train)
  if "model" not in arguments or "config" not in arguments:
    raise UserError("The gin files bind no train.model or train.config; "
                    "plan an experiment that includes a run file from "
                    "gin_configs/runs/.")
  if isinstance(arguments["model"], JointNluModel):
    raise UserError("Planning fine-tuning runs is not supported (their heads "
                    "are sized from the task's data); plan a pretraining or "
                    "distillation config.")
  return PlannedRun(arguments["model"], arguments["config"],
                    arguments.get("optimizer") or OptimizerConfig(),
                    arguments.get("mesh") or MeshConfig())
