"""Gradient accumulation and the non-finite guard of the train step."""
import dataclasses

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

from atm_jax.models.base import Model
from atm_jax.trainer import step as step_lib
from atm_jax.trainer.state import TrainState


@dataclasses.dataclass(frozen=True)
class LinearRegression(Model):
  """A model with a deterministic summed loss: easy to check by hand."""

  def init(self, rng, batch_size, length):
    del rng, batch_size, length
    return {"params": {"kernel": jnp.array([0.5, -1.0, 2.0])}}

  def loss(self, params, batch, rng, train, frozen=None):
    del rng, train, frozen
    errors = batch["x"] @ params["kernel"] - batch["y"]
    weights = batch["w"]
    loss_sum = jnp.sum(weights * errors**2)
    return loss_sum, {"loss": loss_sum, "weight": weights.sum()}


def _batch():
  rng = np.random.default_rng(0)
  return {"x": jnp.asarray(rng.normal(size=(8, 3)), jnp.float32),
          "y": jnp.asarray(rng.normal(size=(8,)), jnp.float32),
          "w": jnp.asarray([1, 1, 0, 1, 1, 1, 0, 1], jnp.float32)}


def test_microbatch_gradients_sum_to_the_full_batch_gradients():
  model = LinearRegression()
  params = model.init(None, 0, 0)["params"]
  full, full_metrics = step_lib.accumulated_gradients(
      model, params, _batch(), jax.random.key(0), 1)
  accumulated, metrics = step_lib.accumulated_gradients(
      model, params, _batch(), jax.random.key(0), 4)
  np.testing.assert_allclose(accumulated["kernel"], full["kernel"], rtol=1e-5)
  np.testing.assert_allclose(metrics["loss"], full_metrics["loss"], rtol=1e-5)
  assert float(metrics["weight"]) == 6.0


def _step(batch, num_microbatches=1):
  model = LinearRegression()
  optimizer = optax.sgd(0.1)
  params = model.init(None, 0, 0)["params"]
  state = TrainState(step=jnp.zeros((), jnp.int32), params=params,
                     opt_state=optimizer.init(params))
  return state, step_lib.train_step(
      state, batch, model=model, optimizer=optimizer,
      schedule=optax.constant_schedule(0.1),
      num_microbatches=num_microbatches, seed=0)


def test_train_step_averages_over_weights_and_reports_metrics():
  state, (new_state, metrics) = _step(_batch())
  batch = _batch()
  errors = batch["x"] @ state.params["kernel"] - batch["y"]
  expected_loss = float(jnp.sum(batch["w"] * errors**2) / 6.0)
  assert float(metrics["loss"]) == pytest.approx(expected_loss, rel=1e-6)
  assert int(new_state.step) == 1 and int(metrics["nonfinite"]) == 0
  grad = 2 * (batch["w"] * errors) @ batch["x"] / 6.0
  np.testing.assert_allclose(new_state.params["kernel"],
                             state.params["kernel"] - 0.1 * grad, rtol=1e-5)
  assert float(metrics["grad_norm"]) == pytest.approx(
      float(np.linalg.norm(grad)), rel=1e-6)


def test_non_finite_loss_leaves_the_state_untouched():
  batch = _batch()
  batch["y"] = batch["y"].at[0].set(jnp.nan)
  state, (new_state, metrics) = _step(batch)
  assert int(metrics["nonfinite"]) == 1
  assert int(new_state.step) == 0
  np.testing.assert_array_equal(new_state.params["kernel"],
                                state.params["kernel"])


def test_a_batch_the_hosts_cannot_share_is_refused_naming_them(monkeypatch):
  from atm_jax.errors import UserError  # pylint: disable=g-import-not-at-top
  from atm_jax.partitioning.mesh import MeshConfig, create_mesh  # pylint: disable=g-import-not-at-top
  from atm_jax.partitioning.partitioner import Partitioner  # pylint: disable=g-import-not-at-top
  partitioner = Partitioner(create_mesh(MeshConfig(data=4),
                                        jax.devices()[:4]))
  step_lib.check_batch_size(8, 1, partitioner)
  monkeypatch.setattr(jax, "process_count", lambda: 2)
  monkeypatch.setattr(jax, "local_device_count", lambda: 2)
  with pytest.raises(UserError, match=r"Batch size 6 must be divisible by "
                     r"num_microbatches \(1\) x data\*fsdp mesh size \(4, "
                     r"spread over 2 hosts x 2 devices\)"):
    step_lib.check_batch_size(6, 1, partitioner)
