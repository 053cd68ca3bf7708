"""The loss spike guard: off by default, skips spikes, follows level shifts,
replicated and checkpointed."""
import functools
import math

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from flax import serialization

from atm_jax.checkpoints.manager import Checkpointer
from atm_jax.errors import UserError
from atm_jax.partitioning.mesh import MeshConfig, create_mesh
from atm_jax.partitioning.partitioner import Partitioner
from atm_jax.trainer import step as step_lib
from atm_jax.trainer.config import TrainConfig
from tests.checkpoints.test_manager import abstract, assert_trees_equal
from tests.trainer.test_step import LinearRegression, _batch

MODEL = LinearRegression()
OPTIMIZER = optax.adam(0.1)
GUARD = {"spike_factor": 2.0, "spike_decay": 0.9, "spike_warmup": 3}


def _state(spike_guard: bool, **guard):
  """A fresh state; `guard` overrides the guard's statistics."""
  state = step_lib.boxed_init_fn(MODEL, OPTIMIZER, 1, 1,
                                 spike_guard)(jax.random.key(0))
  if guard:
    state = state.replace(loss_guard={
        **state.loss_guard,
        **{k: jnp.asarray(v, state.loss_guard[k].dtype)
           for k, v in guard.items()}})
  return state


@functools.cache
def _train_step(guard_on: bool):
  return jax.jit(functools.partial(
      step_lib.train_step, model=MODEL, optimizer=OPTIMIZER,
      schedule=optax.constant_schedule(0.1), num_microbatches=1, seed=0,
      **(GUARD if guard_on else {})))


def _loss(state) -> float:
  return float(_train_step(False)(state.replace(loss_guard=None),
                                  _batch())[1]["loss"])


def test_off_by_default_with_the_old_state_and_checkpoint_tree():
  state = _state(spike_guard=False)
  assert state.loss_guard is None
  assert set(serialization.to_state_dict(state)) == {"step", "params",
                                                     "opt_state"}
  assert len(jax.tree.leaves(state)) == 1 + len(jax.tree.leaves(
      (state.params, state.opt_state)))
  _, metrics = _train_step(False)(state, _batch())
  assert "skipped" not in metrics


def test_a_spike_after_warmup_keeps_params_and_optimizer_state():
  state = _state(spike_guard=True, mean=_loss(_state(False)) / 3, seen=3)
  new_state, metrics = _train_step(True)(state, _batch())
  assert int(metrics["skipped"]) == 1 and int(metrics["nonfinite"]) == 0
  assert int(new_state.step) == 1
  assert_trees_equal((new_state.params, new_state.opt_state),
                     (state.params, state.opt_state))
  mean = float(state.loss_guard["mean"])
  # The clipped loss (2 x mean) fed the mean with weight 0.1 / (1 - 0.9**4).
  assert float(new_state.loss_guard["mean"]) == pytest.approx(
      mean + 0.1 / (1 - 0.9**4) * mean, rel=1e-6)
  assert int(new_state.loss_guard["seen"]) == 4
  assert int(new_state.loss_guard["skipped"]) == 1


@pytest.mark.parametrize("mean_fraction, seen", [(1.0, 3), (0.01, 2)],
                         ids=["below_limit", "in_warmup"])
def test_a_normal_or_warmup_step_updates_as_without_the_guard(mean_fraction,
                                                              seen):
  loss = _loss(_state(False))
  state = _state(spike_guard=True, mean=mean_fraction * loss, seen=seen)
  guarded, metrics = _train_step(True)(state, _batch())
  unguarded, unguarded_metrics = _train_step(False)(_state(False), _batch())
  assert int(metrics["skipped"]) == 0
  assert int(guarded.loss_guard["skipped"]) == 0
  assert_trees_equal((guarded.step, guarded.params, guarded.opt_state),
                     (unguarded.step, unguarded.params, unguarded.opt_state))
  assert float(metrics["loss"]) == float(unguarded_metrics["loss"])


def test_the_first_loss_sets_the_mean():
  new_state, metrics = _train_step(True)(_state(spike_guard=True), _batch())
  assert int(metrics["skipped"]) == 0
  assert float(new_state.loss_guard["mean"]) == pytest.approx(
      float(metrics["loss"]), rel=1e-6)
  assert int(new_state.loss_guard["seen"]) == 1


def test_a_persistent_shift_gets_through_after_a_bounded_number_of_skips():
  shift = 4.0  # the loss is 4x the running mean from now on
  state = _state(spike_guard=True, mean=_loss(_state(False)) / shift,
                 seen=100)
  start = state.params
  skipped = 0
  while True:
    state, metrics = _train_step(True)(state, _batch())
    if not metrics["skipped"]:
      break
    skipped += 1
    assert skipped < 100
  factor, decay = GUARD["spike_factor"], GUARD["spike_decay"]
  assert skipped == math.ceil(math.log(shift / factor)
                              / math.log(1 + (1 - decay) * (factor - 1)))
  assert int(state.loss_guard["skipped"]) == skipped
  assert not np.array_equal(state.params["kernel"], start["kernel"])


def test_a_non_finite_loss_leaves_the_guard_untouched():
  state = _state(spike_guard=True, mean=1.0, seen=5)
  batch = _batch()
  batch["y"] = batch["y"].at[0].set(jnp.inf)
  new_state, metrics = _train_step(True)(state, batch)
  assert int(metrics["nonfinite"]) == 1 and int(metrics["skipped"]) == 0
  assert_trees_equal(new_state, state)


def test_the_guard_and_the_state_must_agree():
  with pytest.raises(ValueError, match="spike_guard=True"):
    _train_step(True)(_state(spike_guard=False), _batch())
  with pytest.raises(ValueError, match="spike_guard=True"):
    _train_step(False)(_state(spike_guard=True), _batch())


def test_the_guard_is_replicated_in_the_jitted_sharded_step():
  partitioner = Partitioner(create_mesh(MeshConfig(data=2, fsdp=2, model=2)))
  init = step_lib.boxed_init_fn(MODEL, OPTIMIZER, 1, 1, spike_guard=True)
  _, shardings = partitioner.abstract_state(init, jax.random.key(0))
  assert all(s.is_fully_replicated
             for s in jax.tree.leaves(shardings.loss_guard))
  with partitioner.activate():
    state = jax.jit(lambda r: nn.unbox(init(r)),
                    out_shardings=shardings)(jax.random.key(0))
  train_step = step_lib.jit_train_step(
      MODEL, OPTIMIZER, optax.constant_schedule(0.1), partitioner, shardings,
      num_microbatches=1, seed=0, **GUARD)
  with partitioner.activate():
    state, metrics = train_step(state, partitioner.global_batch(
        jax.tree.map(np.asarray, _batch())), None)
  assert int(metrics["skipped"]) == 0
  assert int(state.loss_guard["seen"]) == 1
  assert all(leaf.sharding.is_fully_replicated
             for leaf in jax.tree.leaves(state.loss_guard))


@pytest.mark.parametrize("spike_guard", [True, False], ids=["on", "off"])
def test_checkpoint_round_trip(tmp_path, spike_guard):
  state = (_state(True, mean=1.25, seen=7, skipped=2) if spike_guard
           else _state(False))
  expected = jax.tree.map(np.asarray, state)
  with Checkpointer(str(tmp_path), save_interval_steps=1,
                    max_to_keep=None) as checkpointer:
    checkpointer.save(1, state, {"batches": 1})
    checkpointer.wait_until_finished()
    restored, _ = checkpointer.restore(1, abstract(state))
    with pytest.raises(UserError, match="loss_guard"):
      checkpointer.restore(1, abstract(_state(not spike_guard)))
  assert_trees_equal(restored, expected)
  assert (restored.loss_guard is None) == (not spike_guard)


@pytest.mark.parametrize("field, value", [("spike_factor", 1.0),
                                          ("spike_decay", 1.0),
                                          ("spike_warmup", 0)])
def test_config_refuses_a_guard_that_cannot_work(field, value):
  with pytest.raises(UserError, match=f"TrainConfig.{field}"):
    TrainConfig(model_dir="/tmp/run", task="t", train_steps=1, batch_size=1,
                sequence_length=8, **{field: value})
