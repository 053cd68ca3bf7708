"""The trainer's own jitted train step, lowered and compiled for abstract
inputs: shapes and shardings only, nothing allocated."""
import dataclasses
import time

import jax
from jax import extend
import jax.numpy as jnp

from atm_jax.partitioning.mesh import MeshConfig, create_mesh
from atm_jax.partitioning.partitioner import Partitioner
from atm_jax.planning.run_config import PlannedRun
from atm_jax.trainer import step as step_lib
from atm_jax.trainer.setup import StepSetup, StepShape

BATCH_FEATURES = ("tokens", "segment_ids", "positions")


@dataclasses.dataclass(frozen=True)
class CompiledStep:
  """The compiled step with the abstract arguments it was compiled for."""

  compiled: jax.stages.Compiled
  jaxpr: extend.core.ClosedJaxpr
  state: step_lib.TrainState  # leaves: ShapeDtypeStruct with shardings
  frozen: object | None
  batch: dict[str, jax.ShapeDtypeStruct]
  mesh_shape: dict[str, int]
  lower_seconds: float
  compile_seconds: float


def abstract_batch(partitioner: Partitioner, batch_size: int,
                   length: int) -> dict[str, jax.ShapeDtypeStruct]:
  """What the MLM batch iterator yields, as shapes on the batch sharding."""
  return {name: jax.ShapeDtypeStruct((batch_size, length), jnp.int32,
                                     sharding=partitioner.batch_sharding())
          for name in BATCH_FEATURES}


def compile_train_step(run: PlannedRun, mesh_config: MeshConfig,
                       devices: list) -> CompiledStep:
  """Build the step as the trainer does (`trainer.setup`), then lower and
  compile it for the abstract state and batch."""
  cfg = run.config
  partitioner = Partitioner(create_mesh(mesh_config, devices))
  setup = StepSetup.build(run.model, partitioner, run.optimizer,
                          StepShape.of(cfg))
  state, frozen, train_step = (setup.abstract_state, setup.frozen_abstract,
                               setup.train_step)
  batch = abstract_batch(partitioner, cfg.batch_size, cfg.sequence_length)
  start = time.perf_counter()
  with partitioner.activate():
    traced = train_step.trace(state, batch, frozen)
    lowered = traced.lower()
  lowered_at = time.perf_counter()
  compiled = lowered.compile()
  return CompiledStep(compiled, traced.jaxpr, state, frozen, batch,
                      dict(partitioner.mesh.shape), lowered_at - start,
                      time.perf_counter() - lowered_at)
