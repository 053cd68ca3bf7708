"""Learning-rate schedules, weight-decay mask and both optimizers."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from atm_jax.errors import UserError
from atm_jax.trainer.optimizer import (OptimizerConfig, learning_rate_schedule,
                                       make_optimizer, weight_decay_mask)


def _rates(config, total, steps):
  schedule = learning_rate_schedule(config, total)
  return np.array([float(schedule(s)) for s in steps])


def test_linear_warmup_then_linear_decay_to_the_final_fraction():
  config = OptimizerConfig(peak_learning_rate=1.0, warmup_steps=10,
                           decay="linear", final_learning_rate_fraction=0.1)
  rates = _rates(config, 110, [0, 5, 10, 60, 110])
  np.testing.assert_allclose(rates, [0.0, 0.5, 1.0, 0.55, 0.1], atol=1e-6)


def test_cosine_decay_is_half_way_at_the_middle():
  config = OptimizerConfig(peak_learning_rate=2.0, warmup_steps=0,
                           decay="cosine")
  np.testing.assert_allclose(_rates(config, 100, [0, 50, 100]),
                             [2.0, 1.0, 0.0], atol=1e-6)


def test_inverse_sqrt_decay_after_warmup():
  config = OptimizerConfig(peak_learning_rate=1.0, warmup_steps=100,
                           decay="rsqrt")
  rates = _rates(config, 1000, [100, 400])
  np.testing.assert_allclose(rates, [1.0, 0.5], atol=1e-6)


def test_weight_decay_skips_biases_and_norms():
  params = {"dense": {"kernel": jnp.ones(2), "bias": jnp.ones(2)},
            "norm": {"scale": jnp.ones(2)}, "token_embedding": jnp.ones(2)}
  mask = weight_decay_mask(params)
  assert mask == {"dense": {"kernel": True, "bias": False},
                  "norm": {"scale": False}, "token_embedding": True}


@pytest.mark.parametrize("name", ["adamw", "lamb"])
def test_optimizer_minimises_a_quadratic(name):
  config = OptimizerConfig(name=name, peak_learning_rate=0.1, warmup_steps=0,
                           decay="constant", weight_decay=0.0)
  optimizer = make_optimizer(config, 100)
  params = {"kernel": jnp.array([3.0, -2.0])}
  state = optimizer.init(params)
  loss = lambda p: jnp.sum(p["kernel"] ** 2)
  for _ in range(60):
    updates, state = optimizer.update(jax.grad(loss)(params), state, params)
    params = jax.tree.map(jnp.add, params, updates)
  assert float(loss(params)) < 0.05 * 13.0


@pytest.mark.parametrize("field, value", [("name", "sgd"), ("decay", "step"),
                                          ("peak_learning_rate", 0.0)])
def test_bad_optimizer_settings_are_user_errors(field, value):
  with pytest.raises(UserError):
    OptimizerConfig(**{field: value})
