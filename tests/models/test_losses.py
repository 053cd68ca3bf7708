"""The distillation loss terms (the MLM and head cross entropies are
checked through their models' tests)."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from atm_jax.models import losses


def test_soft_cross_entropy_of_equal_logits_is_scaled_entropy():
  logits = jnp.array([[[1.0, 2.0, 0.5]]])
  weights = jnp.ones((1, 1))
  probs = jax.nn.softmax(logits / 2.0)
  entropy = -(probs * jnp.log(probs)).sum()
  value = losses.soft_cross_entropy(logits, logits, weights, 2.0)
  assert float(value) == pytest.approx(4.0 * float(entropy), rel=1e-5)
  shifted = losses.soft_cross_entropy(logits[..., ::-1], logits,
                                      weights, 2.0)
  assert float(shifted) > float(value)


def test_cosine_distance_ignores_padding_tokens():
  a = jnp.array([[[1.0, 0.0], [0.0, 1.0]]])
  b = jnp.array([[[2.0, 0.0], [0.0, -1.0]]])
  assert float(losses.cosine_distance(a, b, jnp.array([[1.0, 0.0]]))) \
      == pytest.approx(0.0, abs=1e-6)
  assert float(losses.cosine_distance(a, b, jnp.array([[1.0, 1.0]]))) \
      == pytest.approx(1.0, abs=1e-6)


def test_attention_relation_kl_is_zero_for_equal_states_only():
  rng = np.random.default_rng(0)
  states = {name: jnp.asarray(rng.normal(size=(1, 2, 5, 2, 4)), jnp.float32)
            for name in ("query", "key", "value")}
  segments = jnp.array([[1, 1, 2, 2, 0]])
  same = losses.attention_relation_kl(states, states, 2, segments)
  assert float(same) == pytest.approx(0.0, abs=1e-6)
  other = {k: v[..., ::-1] * 3 for k, v in states.items()}
  assert float(losses.attention_relation_kl(other, states, 2,
                                            segments)) > 1e-3


def test_class_cross_entropy_counts_only_real_rows():
  logits = jnp.array([[2.0, 0.0, 0.0], [0.0, 3.0, 0.0], [5.0, 0.0, 0.0]])
  labels = jnp.array([0, 2, 1])
  mask = jnp.array([1.0, 1.0, 0.0])  # the third row is padding
  nll, correct = losses.class_cross_entropy(logits, labels, mask)
  log_probs = jax.nn.log_softmax(logits)
  expected = -(float(log_probs[0, 0]) + float(log_probs[1, 2]))
  assert float(nll) == pytest.approx(expected, rel=1e-6)
  assert float(correct) == 1.0  # row 0 right, row 1 wrong, row 2 not counted


def test_soft_cross_entropy_value_and_gradient_match_autodiff():
  """The custom backward pass (the forward's softmax reused) against plain
  autodiff of softmax and log-softmax, with uneven weights."""
  rng = np.random.default_rng(3)
  student = jnp.asarray(rng.normal(size=(2, 3, 50)) * 4, jnp.float32)
  teacher = jnp.asarray(rng.normal(size=(2, 3, 50)) * 4, jnp.float32)
  weights = jnp.array([[1.0, 0.0, 1.0], [0.5, 1.0, 1.0]])

  def reference(student, teacher):
    probs = jax.nn.softmax(teacher / 3.0)
    log_probs = jax.nn.log_softmax(student / 3.0)
    return (-(probs * log_probs).sum(-1) * weights).sum() * 9.0

  def ours(student, teacher):
    return losses.soft_cross_entropy(student, teacher, weights, 3.0)

  assert float(ours(student, teacher)) == pytest.approx(
      float(reference(student, teacher)), rel=1e-5)
  np.testing.assert_allclose(jax.grad(ours)(student, teacher),
                             jax.grad(reference)(student, teacher),
                             atol=1e-6)
  assert not np.any(jax.grad(ours, argnums=1)(student, teacher))


def test_top_agreement_is_argmax_equality_without_ties():
  rng = np.random.default_rng(4)
  student = jnp.asarray(rng.normal(size=(4, 6, 30)), jnp.float32)
  teacher = jnp.asarray(rng.normal(size=(4, 6, 30)), jnp.float32)
  teacher = teacher.at[0].set(student[0] * 2)  # rows that agree
  expected = jnp.argmax(student, -1) == jnp.argmax(teacher, -1)
  agreement = losses.top_agreement(student, teacher)
  np.testing.assert_array_equal(agreement, expected.astype(np.float32))
  assert 6 <= float(agreement.sum()) < 24
