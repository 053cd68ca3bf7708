"""Pure train/eval step functions and the one helper that jits them.

The model is an `atm_jax.models.base.Model`: its `loss` returns a summed loss
and summed metrics that include `weight` (what the sums are averaged over).
`frozen` holds parameters that are used but never trained (a distillation
teacher); models without them ignore it.
"""
import dataclasses
import functools
import flax.linen as nn
import jax
import jax.numpy as jnp
import optax

from atm_jax.errors import UserError
from atm_jax.models.base import Batch, Metrics, Model
from atm_jax.partitioning.partitioner import Partitioner
from atm_jax.trainer.state import TrainState

def boxed_init_fn(model: Model, optimizer: optax.GradientTransformation,
                  batch_size: int, length: int, spike_guard: bool = False):
  """rng -> TrainState whose params and optimizer moments keep axis names,
  with the loss spike guard's statistics if `spike_guard`."""
  def init(rng: jax.Array) -> TrainState:
    params = model.init(rng, batch_size, length)["params"]
    return TrainState(step=jnp.zeros((), jnp.int32), params=params,
                      opt_state=optimizer.init(params),
                      loss_guard=init_loss_guard() if spike_guard else None)
  return init


def init_loss_guard() -> dict[str, jax.Array]:
  """The spike guard's replicated scalars before the first step: the running
  mean of the losses, how many losses fed it, how many updates were skipped."""
  return {"mean": jnp.zeros((), jnp.float32),
          "seen": jnp.zeros((), jnp.int32),
          "skipped": jnp.zeros((), jnp.int32)}


def abstract_train_state(partitioner: Partitioner, boxed_init, rng: jax.Array):
  """(abstract TrainState, shardings): parameters on the rules' shardings,
  optimizer moments split further over `partitioner.optimizer_axes`."""
  abstract, shardings = partitioner.abstract_state(boxed_init, rng)
  opt_state = partitioner.optimizer_layout(abstract.opt_state)
  return (abstract.replace(opt_state=opt_state),
          shardings.replace(opt_state=jax.tree.map(lambda leaf: leaf.sharding,
                                                   opt_state)))


def gradient_layout(partitioner: Partitioner | None, param_shardings):
  """grads -> grads constrained to the moments' layout, so that with
  optimizer axes XLA reduce-scatters them instead of all-reducing; the
  identity without."""
  if partitioner is None or not partitioner.optimizer_axes:
    return lambda grads: grads
  def constrain(grads):
    return jax.tree.map(
        lambda grad, sharding: jax.lax.with_sharding_constraint(
            grad, partitioner.optimizer_sharding(grad.shape, sharding)),
        grads, param_shardings)
  return constrain


def abstract_frozen(model: Model, partitioner: Partitioner, length: int,
                    seed: int):
  """(abstract frozen params, shardings) of a model with a teacher, else
  (None, None). A model may name its own rules for them (`teacher_rules`), so
  a teacher can be FSDP-sharded while the student is data-parallel."""
  rng = jax.random.key(seed)
  if jax.eval_shape(lambda: model.frozen_init(rng, 1, length)) is None:
    return None, None
  if model.teacher_rules:
    partitioner = dataclasses.replace(partitioner, rules=model.teacher_rules)
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
                          num_microbatches: int, frozen=None,
                          layout=lambda grads: grads):
  """Summed-loss gradients and summed metrics over microbatches; `layout`
  places each microbatch's gradients (see `gradient_layout`)."""
  loss_grad = jax.grad(lambda p, b, r: model.loss(p, b, r, True, frozen),
                       has_aux=True)

  def grad_fn(p, b, r):
    grads, metrics = loss_grad(p, b, r)
    return layout(grads), metrics
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


def guard_loss_spike(guard: dict[str, jax.Array], loss: jax.Array, *,
                     factor: float, decay: float, warmup: int
                     ) -> tuple[jax.Array, dict[str, jax.Array]]:
  """(spike, next guard): whether `loss` exceeds `factor` x the running mean
  once `warmup` losses have fed it, and the statistics after this step.

  The mean is a bias-corrected exponential moving average (the n-th loss
  weighs (1 - decay) / (1 - decay^n), so the first one sets it). Every loss
  feeds it, clipped to factor x mean, so that a spike barely moves it yet a
  persistent level shift (new data) gets through: while the shifted loss is
  skipped the mean grows by at least 1 + (1 - decay)(factor - 1) per step, so
  a shift to c x mean is skipped at most
  ceil(log(c / factor) / log(1 + (1 - decay)(factor - 1))) times (70 for
  c = 4, factor = 2, decay = 0.99).
  """
  loss = loss.astype(jnp.float32)
  active = guard["seen"] >= warmup
  limit = factor * guard["mean"]
  spike = active & (loss > limit)
  fed = jnp.where(active, jnp.minimum(loss, limit), loss)
  seen = guard["seen"] + 1
  weight = (1 - decay) / (1 - decay ** seen.astype(jnp.float32))
  return spike, {"mean": guard["mean"] + weight * (fed - guard["mean"]),
                 "seen": seen,
                 "skipped": guard["skipped"] + spike.astype(jnp.int32)}


def _skip_spike(state: TrainState, new_state: TrainState, loss: jax.Array,
                finite: jax.Array, **guard_args
                ) -> tuple[TrainState, jax.Array]:
  """`new_state` with the old params and optimizer state if `loss` is a
  spike (the step still advances, as the data position does), and 0/1 for
  whether a finite step was skipped (a non-finite one keeps the whole state).
  """
  spike, guard = guard_loss_spike(state.loss_guard, loss, **guard_args)
  params, opt_state = jax.tree.map(
      lambda new, old: jnp.where(spike, old, new),
      (new_state.params, new_state.opt_state), (state.params, state.opt_state))
  skipped = (spike & finite).astype(jnp.int32)
  return new_state.replace(params=params, opt_state=opt_state,
                           loss_guard=guard), skipped


def train_step(state: TrainState, batch: Batch, frozen=None, *, model: Model,
               optimizer: optax.GradientTransformation,
               schedule: optax.Schedule, num_microbatches: int, seed: int,
               spike_factor: float | None = None, spike_decay: float = 0.99,
               spike_warmup: int = 20, grad_layout=lambda grads: grads
               ) -> tuple[TrainState, Metrics]:
  """One optimiser step; a non-finite loss or gradient leaves state as is.

  With `spike_factor` (the state then has a `loss_guard`) a finite loss above
  spike_factor x its running mean skips the update (see `guard_loss_spike`)
  and the metrics gain `skipped`. `grad_layout` places the gradients (see
  `gradient_layout`).
  """
  if (spike_factor is None) != (state.loss_guard is None):
    raise ValueError("spike_factor needs a state with a loss_guard and a "
                     "loss_guard needs spike_factor; build the state with "
                     "boxed_init_fn(..., spike_guard=True) to use the guard.")
  rng = step_rng(seed, state.step)
  grads, sums = accumulated_gradients(model, state.params, batch, rng,
                                      num_microbatches, frozen, grad_layout)
  grads = jax.tree.map(lambda g: g / jnp.maximum(sums["weight"], 1.0), grads)
  updates, opt_state = optimizer.update(grads, state.opt_state, state.params)
  new_state = state.replace(step=state.step + 1,
                            params=optax.apply_updates(state.params, updates),
                            opt_state=opt_state)
  metrics = _means(sums)
  metrics["grad_norm"] = optax.global_norm(grads)
  metrics["learning_rate"] = schedule(state.step)
  finite = jnp.isfinite(metrics["loss"]) & jnp.isfinite(metrics["grad_norm"])
  metrics["nonfinite"] = (~finite).astype(jnp.int32)
  if spike_factor is not None:
    new_state, metrics["skipped"] = _skip_spike(
        state, new_state, metrics["loss"], finite, factor=spike_factor,
        decay=spike_decay, warmup=spike_warmup)
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
    hosts = jax.process_count()
    spread = (f", spread over {hosts} hosts x {jax.local_device_count()} "
              "devices" if hosts > 1 else "")
    raise UserError(
        f"Batch size {batch_size} must be divisible by num_microbatches "
        f"({num_microbatches}) x data*fsdp mesh size ({shards}{spread}); "
        "change BATCH_SIZE, the microbatches or the mesh.")


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
                   frozen_shardings=None, spike_factor: float | None = None,
                   spike_decay: float = 0.99, spike_warmup: int = 20):
  """The train step under jit: state sharded and donated, batch over data,
  frozen parameters (if any) on their own shardings and never donated."""
  step = functools.partial(train_step, model=model, optimizer=optimizer,
                           schedule=schedule,
                           num_microbatches=num_microbatches, seed=seed,
                           spike_factor=spike_factor, spike_decay=spike_decay,
                           spike_warmup=spike_warmup,
                           grad_layout=gradient_layout(
                               partitioner, state_shardings.params))
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
