"""Everything a training step is built from, built one way for the trainer,
the planner and the benchmarks.

`StepSetup.build` checks the batch and sequence length against the model and
mesh, makes the optimizer and schedule, lays out the (abstract, sharded)
train state and any frozen parameters, and jits the donated train step and
the eval step. The trainer then fills the state with real values, the
planner compiles the same step for abstract inputs, and the benchmarks time
it: what they measure is what training runs.
"""
import dataclasses
import functools

import flax.linen as nn
import jax
import optax

from atm_jax.errors import UserError
from atm_jax.models.base import Model
from atm_jax.partitioning.partitioner import Partitioner
from atm_jax.trainer import step as step_lib
from atm_jax.trainer.config import TrainConfig
from atm_jax.trainer.optimizer import (OptimizerConfig, learning_rate_schedule,
                                       make_optimizer)
from atm_jax.trainer.state import TrainState

# Evaluation masks with other randomness than training, fixed per batch.
EVAL_SEED_OFFSET = 1_000_003


@dataclasses.dataclass(frozen=True)
class StepShape:
  """The settings of a run that shape its step (TrainConfig's, or a
  benchmark's own)."""

  train_steps: int
  batch_size: int
  sequence_length: int
  num_microbatches: int = 1
  seed: int = 0
  spike_factor: float | None = None
  spike_decay: float = 0.99
  spike_warmup: int = 20

  @classmethod
  def of(cls, config: TrainConfig) -> "StepShape":
    return cls(**{field.name: getattr(config, field.name)
                  for field in dataclasses.fields(cls)})


def check_sequence_length(length: int, model: Model) -> None:
  if length > model.config.max_length:
    raise UserError(
        f"SEQUENCE_LENGTH {length} exceeds the model's max_length "
        f"{model.config.max_length}; lower SEQUENCE_LENGTH or raise "
        "EncoderConfig.max_length.")


@dataclasses.dataclass(frozen=True)
class StepSetup:
  """The optimizer, the state layout and the jitted steps of one run."""

  model: Model
  partitioner: Partitioner
  shape: StepShape
  optimizer: optax.GradientTransformation
  schedule: optax.Schedule
  init: object  # rng -> boxed TrainState
  abstract_state: TrainState  # leaves: ShapeDtypeStruct
  state_shardings: TrainState
  frozen_abstract: object | None
  frozen_shardings: object | None

  @classmethod
  def build(cls, model: Model, partitioner: Partitioner,
            optimizer_config: OptimizerConfig,
            shape: StepShape) -> "StepSetup":
    """Checks, then lays out state and frozen parameters; allocates nothing."""
    step_lib.check_batch_size(shape.batch_size, shape.num_microbatches,
                              partitioner)
    check_sequence_length(shape.sequence_length, model)
    optimizer = make_optimizer(optimizer_config, shape.train_steps)
    init = step_lib.boxed_init_fn(model, optimizer, 1, shape.sequence_length,
                                  spike_guard=shape.spike_factor is not None)
    abstract_state, state_shardings = step_lib.abstract_train_state(
        partitioner, init, jax.random.key(shape.seed))
    frozen_abstract, frozen_shardings = step_lib.abstract_frozen(
        model, partitioner, shape.sequence_length, shape.seed)
    return cls(model, partitioner, shape, optimizer,
               learning_rate_schedule(optimizer_config, shape.train_steps),
               init, abstract_state, state_shardings, frozen_abstract,
               frozen_shardings)

  def initial_state(self) -> TrainState:
    """A fresh state, born sharded (each device makes only its shards)."""
    init = jax.jit(lambda rng: nn.unbox(self.init(rng)),
                   out_shardings=self.state_shardings)
    with self.partitioner.activate():
      return init(jax.random.key(self.shape.seed))

  @functools.cached_property
  def train_step(self):
    """(state, batch, frozen) -> (state, metrics); the state is donated."""
    shape = self.shape
    return step_lib.jit_train_step(
        self.model, self.optimizer, self.schedule, self.partitioner,
        self.state_shardings, num_microbatches=shape.num_microbatches,
        seed=shape.seed, frozen_shardings=self.frozen_shardings,
        spike_factor=shape.spike_factor, spike_decay=shape.spike_decay,
        spike_warmup=shape.spike_warmup)

  @functools.cached_property
  def eval_step(self):
    """(params, batch, index, frozen) -> summed metrics; jitted once."""
    return step_lib.jit_eval_step(
        self.model, self.partitioner, self.state_shardings.params,
        seed=self.shape.seed + EVAL_SEED_OFFSET,
        frozen_shardings=self.frozen_shardings)
