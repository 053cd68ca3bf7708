"""Pure train/eval step functions and the one helper that jits them.

A model here is anything with `init(rng, batch_size, length)` (boxed flax
variables) and `loss(params, batch, rng, train, frozen)` returning a summed
loss and summed metrics that include `weight` (what the sums are averaged
over). `frozen` holds parameters that are used but never trained (a
distillation teacher); models without them ignore it.
"""
import dataclasses
import functools
from typing import Any, Protocol

import flax.linen as nn
import jax
import jax.numpy as jnp
import optax

from atm_jax.errors import UserError
from atm_jax.partitioning.partitioner import Partitioner
from atm_jax.trainer.state import TrainState

Batch = dict[str, jax.Array]
Metrics = dict[str, jax.Array]


class Model(Protocol):
  def init(self, rng: jax.Array, batch_size: int, length: int) -> Any: ...

  def loss(self, params, batch: Batch, rng: jax.Array, train: bool,
           frozen=None) -> tuple[jax.Array, Metrics]: ...


def boxed_init_fn(model: Model, optimizer: optax.GradientTransformation,
                  batch_size: int, length: int):
  """rng -> TrainState whose params and optimizer moments keep axis names."""
  def init(rng: jax.Array) -> TrainState:
    params = model.init(rng, batch_size, length)["params"]
    return TrainState(step=jnp.zeros((), jnp.int32), params=params,
                      opt_state=optimizer.init(params))
  return init


def abstract_frozen(model: Model, partitioner: Partitioner, length: int,
                    seed: int):
  """(abstract frozen params, shardings) of a model with a teacher, else
  (None, None). A model may name its own rules for them (`teacher_rules`), so
  a teacher can be FSDP-sharded while the student is data-parallel."""
  if not hasattr(model, "frozen_init"):
    return None, None
  rules = getattr(model, "teacher_rules", None)
  if rules:
    partitioner = dataclasses.replace(partitioner, rules=rules)
  return partitioner.abstract_state(
      lambda rng: model.frozen_init(rng, 1, length)["params"],
      jax.random.key(seed))


def step_rng(seed: int, step: jax.Array) -> jax.Array:
  """Masking and dropout randomness: a function of (seed, step) only."""
  return jax.random.fold_in(jax.random.key(seed), step)


def _split_microbatches(batch: Batch, num_microbatches: int) -> Batch:
  """[B, ...] -> [M, B/M, ...], microbatch m = rows m, m+M, ... (no reshuffle
  across data shards)."""
  def split(x):
    x = x.reshape((x.shape[0] // num_microbatches, num_microbatches)
                  + x.shape[1:])
    x = jnp.swapaxes(x, 0, 1)
    names = (None, "activation_batch") + (None,) * (x.ndim - 2)
    return nn.with_logical_constraint(x, names)
  return jax.tree.map(split, batch)


def accumulated_gradients(model: Model, params, batch: Batch, rng: jax.Array,
                          num_microbatches: int, frozen=None):
  """Summed-loss gradients and summed metrics over microbatches."""
  grad_fn = jax.grad(lambda p, b, r: model.loss(p, b, r, True, frozen),
                     has_aux=True)
  if num_microbatches == 1:
    return grad_fn(params, batch, rng)

  def body(carry, index_and_batch):
    grads_sum, metrics_sum = carry
    index, micro = index_and_batch
    grads, metrics = grad_fn(params, micro, jax.random.fold_in(rng, index))
    return (jax.tree.map(jnp.add, grads_sum, grads),
            jax.tree.map(jnp.add, metrics_sum, metrics)), None

  micro = _split_microbatches(batch, num_microbatches)
  first = jax.tree.map(lambda x: x[0], micro)
  metric_shapes = jax.eval_shape(lambda: grad_fn(params, first, rng)[1])
  zeros = (jax.tree.map(jnp.zeros_like, params),
           jax.tree.map(lambda s: jnp.zeros(s.shape, s.dtype), metric_shapes))
  (grads, metrics), _ = jax.lax.scan(
      body, zeros, (jnp.arange(num_microbatches), micro))
  return grads, metrics


def _means(metric_sums: Metrics) -> Metrics:
  weight = jnp.maximum(metric_sums["weight"], 1.0)
  means = {k: v / weight for k, v in metric_sums.items() if k != "weight"}
  means["predictions"] = metric_sums["weight"]
  return means


def train_step(state: TrainState, batch: Batch, frozen=None, *, model: Model,
               optimizer: optax.GradientTransformation,
               schedule: optax.Schedule, num_microbatches: int,
               seed: int) -> tuple[TrainState, Metrics]:
  """One optimiser step; a non-finite loss or gradient leaves state as is."""
  rng = step_rng(seed, state.step)
  grads, sums = accumulated_gradients(model, state.params, batch, rng,
                                      num_microbatches, frozen)
  grads = jax.tree.map(lambda g: g / jnp.maximum(sums["weight"], 1.0), grads)
  updates, opt_state = optimizer.update(grads, state.opt_state, state.params)
  new_state = TrainState(step=state.step + 1,
                         params=optax.apply_updates(state.params, updates),
                         opt_state=opt_state)
  metrics = _means(sums)
  metrics["grad_norm"] = optax.global_norm(grads)
  metrics["learning_rate"] = schedule(state.step)
  finite = jnp.isfinite(metrics["loss"]) & jnp.isfinite(metrics["grad_norm"])
  metrics["nonfinite"] = (~finite).astype(jnp.int32)
  new_state = jax.tree.map(lambda new, old: jnp.where(finite, new, old),
                           new_state, state)
  return new_state, metrics


def eval_step(params, batch: Batch, index: jax.Array, frozen=None, *,
              model: Model, seed: int) -> Metrics:
  """Summed metrics of one evaluation batch (masking fixed by its index)."""
  _, sums = model.loss(params, batch, step_rng(seed, index), False, frozen)
  return sums


def check_batch_size(batch_size: int, num_microbatches: int,
                     partitioner: Partitioner) -> None:
  shards = partitioner.batch_divisor
  if batch_size % (num_microbatches * shards):
    raise UserError(
        f"Batch size {batch_size} must be divisible by num_microbatches "
        f"({num_microbatches}) x data*fsdp mesh size ({shards}); change "
        "BATCH_SIZE, the microbatches or the mesh.")


def _compiler_options() -> dict[str, bool] | None:
  """XLA:CPU options for the train step.

  With region analysis, copy insertion sees that each donated optimizer
  moment is read before it is overwritten in place; without it, XLA:CPU
  copies both AdamW moments of the embedding table (2 x vocab x embed
  floats) every step.
  """
  if jax.default_backend() != "cpu":
    return None
  return {"xla_cpu_copy_insertion_use_region_analysis": True}


def jit_train_step(model: Model, optimizer: optax.GradientTransformation,
                   schedule: optax.Schedule, partitioner: Partitioner,
                   state_shardings, *, num_microbatches: int, seed: int,
                   frozen_shardings=None):
  """The train step under jit: state sharded and donated, batch over data,
  frozen parameters (if any) on their own shardings and never donated."""
  step = functools.partial(train_step, model=model, optimizer=optimizer,
                           schedule=schedule,
                           num_microbatches=num_microbatches, seed=seed)
  return jax.jit(step,
                 in_shardings=(state_shardings, partitioner.batch_sharding(),
                               frozen_shardings),
                 out_shardings=(state_shardings, partitioner.replicated()),
                 donate_argnums=0, compiler_options=_compiler_options())


def jit_eval_step(model: Model, partitioner: Partitioner, param_shardings, *,
                  seed: int, frozen_shardings=None):
  step = functools.partial(eval_step, model=model, seed=seed)
  return jax.jit(step, in_shardings=(param_shardings,
                                     partitioner.batch_sharding(),
                                     partitioner.replicated(),
                                     frozen_shardings),
                 out_shardings=partitioner.replicated())
