"""Distillation loss terms, configuration checks and student initialisation."""
import dataclasses

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from atm_jax.data.masking import MaskingConfig
from atm_jax.errors import UserError
from atm_jax.models import distillation
from atm_jax.models.config import EncoderConfig

TEACHER = EncoderConfig(vocab_size=64, num_layers=4, embed_dim=32, num_heads=4,
                        head_dim=8, mlp_dim=64, max_length=16)
STUDENT = dataclasses.replace(TEACHER, num_layers=2)


def _model(**overrides):
  arguments = dict(student=STUDENT, teacher=TEACHER,
                   masking_config=MaskingConfig(vocab_size=64))
  arguments.update(overrides)
  return distillation.DistillationModel(**arguments)


def test_soft_cross_entropy_of_equal_logits_is_scaled_entropy():
  logits = jnp.array([[[1.0, 2.0, 0.5]]])
  weights = jnp.ones((1, 1))
  probs = jax.nn.softmax(logits / 2.0)
  entropy = -(probs * jnp.log(probs)).sum()
  value = distillation.soft_cross_entropy(logits, logits, weights, 2.0)
  assert float(value) == pytest.approx(4.0 * float(entropy), rel=1e-5)
  shifted = distillation.soft_cross_entropy(logits[..., ::-1], logits,
                                            weights, 2.0)
  assert float(shifted) > float(value)


def test_cosine_distance_ignores_padding_tokens():
  a = jnp.array([[[1.0, 0.0], [0.0, 1.0]]])
  b = jnp.array([[[2.0, 0.0], [0.0, -1.0]]])
  assert float(distillation.cosine_distance(a, b, jnp.array([[1.0, 0.0]]))) \
      == pytest.approx(0.0, abs=1e-6)
  assert float(distillation.cosine_distance(a, b, jnp.array([[1.0, 1.0]]))) \
      == pytest.approx(1.0, abs=1e-6)


def test_attention_relation_kl_is_zero_for_equal_states_only():
  rng = np.random.default_rng(0)
  states = {name: jnp.asarray(rng.normal(size=(1, 2, 5, 2, 4)), jnp.float32)
            for name in ("query", "key", "value")}
  segments = jnp.array([[1, 1, 2, 2, 0]])
  same = distillation.attention_relation_kl(states, states, 2, segments)
  assert float(same) == pytest.approx(0.0, abs=1e-6)
  other = {k: v[..., ::-1] * 3 for k, v in states.items()}
  assert float(distillation.attention_relation_kl(other, states, 2,
                                                  segments)) > 1e-3


def test_distilbert_preset_weights():
  preset = distillation.distilbert_loss()
  assert (preset.kd_weight, preset.mlm_weight, preset.hidden_weight,
          preset.attention_weight) == (5.0, 2.0, 1.0, 0.0)


@pytest.mark.parametrize("student, words", [
    (dataclasses.replace(STUDENT, vocab_size=65), "vocabularies differ"),
    (dataclasses.replace(STUDENT, max_length=32), "sequence lengths differ"),
    (dataclasses.replace(STUDENT, num_heads=3), "relation heads"),
])
def test_mismatched_student_is_one_sentence(student, words):
  with pytest.raises(UserError, match=words):
    _model(student=student)


def test_teacher_layers_init_needs_equal_widths():
  with pytest.raises(UserError, match="teacher's\\s+widths"):
    _model(student=dataclasses.replace(STUDENT, embed_dim=16, head_dim=4),
           student_init="teacher_layers")


def test_teacher_layers_init_copies_every_other_layer():
  model = _model(student_init="teacher_layers")
  rng = jax.random.key(0)
  teacher = nn.unbox(model.frozen_init(rng, 1, 16)["params"])
  student = nn.unbox(model.init(jax.random.key(1), 1, 16)["params"])
  adjusted = model.adjust_initial_params(student, teacher)
  kernel = adjusted["encoder"]["layers"]["mlp"]["wi"]["kernel"]
  teacher_kernel = teacher["encoder"]["layers"]["mlp"]["wi"]["kernel"]
  np.testing.assert_array_equal(kernel[0], teacher_kernel[0])
  np.testing.assert_array_equal(kernel[1], teacher_kernel[2])
  np.testing.assert_array_equal(
      adjusted["encoder"]["embeddings"]["token_embedding"],
      teacher["encoder"]["embeddings"]["token_embedding"])


def test_bfloat16_teacher_forward_gives_nearly_the_same_loss():
  batch = {"tokens": jnp.asarray(np.random.default_rng(0).integers(
               6, 64, (2, 16)), jnp.int32),
           "segment_ids": jnp.ones((2, 16), jnp.int32),
           "positions": jnp.tile(jnp.arange(16), (2, 1))}
  f32, bf16 = _model(), _model(teacher_dtype="bfloat16")
  teacher = nn.unbox(f32.frozen_init(jax.random.key(0), 1, 16)["params"])
  student = nn.unbox(f32.init(jax.random.key(1), 1, 16)["params"])
  loss_f32, _ = f32.loss(student, batch, jax.random.key(2), False, teacher)
  loss_bf16, _ = bf16.loss(student, batch, jax.random.key(2), False, teacher)
  assert np.isfinite(float(loss_bf16))
  assert float(loss_bf16) == pytest.approx(float(loss_f32), rel=5e-2)
  assert float(loss_bf16) != float(loss_f32)
