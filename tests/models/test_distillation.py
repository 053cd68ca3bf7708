"""Distillation configuration checks and student initialisation."""
import dataclasses

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from atm_jax.convert import importer
from atm_jax.errors import UserError
from atm_jax.models import distillation
from atm_jax.models.config import EncoderConfig
from atm_jax.models.masking import MaskingConfig

TEACHER = EncoderConfig(vocab_size=64, num_layers=4, embed_dim=32, num_heads=4,
                        head_dim=8, mlp_dim=64, max_length=16)
STUDENT = dataclasses.replace(TEACHER, num_layers=2)


def _model(**overrides):
  arguments = dict(student=STUDENT, teacher=TEACHER,
                   masking_config=MaskingConfig(vocab_size=64))
  arguments.update(overrides)
  return distillation.DistillationModel(**arguments)


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


# Two layers, no dropout: the relation tests compare a model with itself.
SAME = dataclasses.replace(TEACHER, num_layers=2, dropout_rate=0.0,
                           attention_dropout_rate=0.0)


def _batch():
  tokens = np.random.default_rng(0).integers(6, 64, (2, 16))
  segments = np.ones((2, 16), np.int32)
  segments[1, 12:] = 0
  return {"tokens": jnp.asarray(tokens, jnp.int32),
          "segment_ids": jnp.asarray(segments),
          "positions": jnp.tile(jnp.arange(16), (2, 1))}


def _relation_term(student_seed: int, teacher_head: bool = True, **loss):
  """The attention metric per prediction of SAME against itself (teacher
  params from seed 0, student params from `student_seed`)."""
  loss_config = distillation.DistillationLoss(
      kd_weight=0.0, hidden_weight=0.0, attention_weight=1.0, **loss)
  model = _model(student=SAME, teacher=SAME, loss_config=loss_config,
                 teacher_head=teacher_head)
  teacher = nn.unbox(_model(student=SAME, teacher=SAME).init(
      jax.random.key(0), 1, 16)["params"])
  student = nn.unbox(model.init(jax.random.key(student_seed), 1, 16)["params"])
  if not teacher_head:
    teacher = {"encoder": teacher["encoder"]}
  _, metrics = model.loss(student, _batch(), jax.random.key(2), False, teacher)
  return float(metrics["attention"] / metrics["weight"])


@pytest.mark.parametrize("relation_heads", [0, 2, 8])
@pytest.mark.parametrize("teacher_head", [True, False])
def test_relation_loss_is_zero_for_the_same_params_only(relation_heads,
                                                        teacher_head):
  same = _relation_term(0, teacher_head, relation_heads=relation_heads)
  other = _relation_term(1, teacher_head, relation_heads=relation_heads)
  assert same == pytest.approx(0.0, abs=1e-7)
  assert other > 1e-5  # small: random layers attend nearly uniformly


def test_relation_loss_compares_the_chosen_layers():
  assert _relation_term(0, relation_layer=0, student_relation_layer=0) \
      == pytest.approx(0.0, abs=1e-7)
  assert _relation_term(0, relation_layer=0, student_relation_layer=1) > 1e-5
  assert _relation_term(0, relation_layer=-2, student_relation_layer=1) \
      == pytest.approx(_relation_term(0, relation_layer=0,
                                      student_relation_layer=-1), rel=1e-6)


def test_relation_heads_may_differ_from_both_models_head_counts():
  wide = dataclasses.replace(SAME, num_heads=2, head_dim=16)
  narrow = dataclasses.replace(SAME, embed_dim=16, num_heads=8, head_dim=2,
                               mlp_dim=32)
  loss_config = distillation.DistillationLoss(
      kd_weight=0.0, hidden_weight=0.0, attention_weight=1.0, relation_heads=4)
  model = _model(student=narrow, teacher=wide, loss_config=loss_config,
                 teacher_head=False)
  teacher = nn.unbox(model.frozen_init(jax.random.key(0), 1, 16)["params"])
  student = nn.unbox(model.init(jax.random.key(1), 1, 16)["params"])
  _, metrics = model.loss(student, _batch(), jax.random.key(2), False, teacher)
  assert float(metrics["attention"]) > 0.0 and np.isfinite(
      float(metrics["attention"]))


def test_headless_teacher_has_the_converted_params_tree():
  model = _model(teacher_head=False,
                 loss_config=distillation.minilm_loss())
  abstract = jax.eval_shape(
      lambda: nn.unbox(model.frozen_init(jax.random.key(0), 1, 16))["params"])
  expected = importer.expected_params(TEACHER)
  assert set(abstract) == {"encoder"}
  assert jax.tree.map(lambda a: a.shape, abstract["encoder"]) == jax.tree.map(
      lambda a: a.shape, expected["encoder"])


def test_headless_teacher_logs_no_kd():
  model = _model(teacher_head=False, loss_config=distillation.minilm_loss(
      hidden_weight=1.0))
  teacher = nn.unbox(model.frozen_init(jax.random.key(0), 1, 16)["params"])
  student = nn.unbox(model.init(jax.random.key(1), 1, 16)["params"])
  loss, metrics = model.loss(student, _batch(), jax.random.key(2), False,
                             teacher)
  assert "kd" not in metrics and "agreement" not in metrics
  expected = (metrics["attention"] + metrics["hidden"])
  assert float(loss) == pytest.approx(float(expected), rel=1e-6)
  assert float(metrics["hidden"]) > 0.0


HEADLESS = dict(teacher_head=False, loss_config=distillation.minilm_loss())
BAD_INPUTS = [
    (dict(teacher_head=False), "kd_weight is 5.0 but the teacher has no MLM "
     "head"),
    (dict(teacher_head=False, loss_config=distillation.minilm_loss(
        attention_weight=0.0, mlm_weight=1.0)), "hidden_weight and "
     "attention_weight are both 0"),
    (dict(loss_config=distillation.DistillationLoss(relation_layer=4)),
     "relation_layer 4 is out of range for the teacher's 4 layers"),
    (dict(loss_config=distillation.DistillationLoss(
        student_relation_layer=-3)),
     "student_relation_layer -3 is out of range for the student's 2 layers"),
    (dict(loss_config=distillation.DistillationLoss(layer_map=((1, 4),))),
     "layer_map's teacher layer 4 is out of range"),
    (dict(loss_config=distillation.DistillationLoss(layer_map=((2, 0),))),
     "layer_map's student layer 2 is out of range"),
    (dict(loss_config=distillation.DistillationLoss(relation_heads=3)),
     "does not split into 3 relation heads"),
    (dict(teacher_layers=(0, 1)), "teacher_layers is set but student_init "
     "is 'scratch'"),
    (dict(student_init="teacher_layers", teacher_layers=(0,)),
     "names 1 layers but the student has 2"),
    (dict(student_init="teacher_layers", teacher_layers=(0, 4)),
     "teacher_layers' layer 4 is out of range"),
    (dict(student=dataclasses.replace(STUDENT, num_layers=3),
          student_init="teacher_layers"), "at least 5 layers"),
]


@pytest.mark.parametrize("overrides, words", BAD_INPUTS)
def test_bad_distillation_setting_is_one_sentence(overrides, words):
  with pytest.raises(UserError) as refused:
    _model(**overrides)
  message = str(refused.value).splitlines()[0]  # gin appends a call line
  assert words in message, message
  assert message.endswith("."), message


@pytest.mark.parametrize("teacher_head", [True, False])
def test_teacher_layers_init_copies_the_chosen_layers(teacher_head):
  extra = {} if teacher_head else HEADLESS
  model = _model(student_init="teacher_layers", teacher_layers=(3, 1),
                 **extra)
  teacher = nn.unbox(model.frozen_init(jax.random.key(0), 1, 16)["params"])
  student = nn.unbox(model.init(jax.random.key(1), 1, 16)["params"])
  adjusted = model.adjust_initial_params(student, teacher)
  layers_of = lambda params: params["encoder"]["layers"]
  for copied, source in ((0, 3), (1, 1)):
    jax.tree.map(lambda got, want, c=copied, s=source:
                 np.testing.assert_array_equal(got[c], want[s]),
                 layers_of(adjusted), layers_of(teacher))
  np.testing.assert_array_equal(
      adjusted["encoder"]["embeddings"]["token_embedding"],
      teacher["encoder"]["embeddings"]["token_embedding"])
  head = (teacher if teacher_head else student)["mlm_head"]
  jax.tree.map(np.testing.assert_array_equal, adjusted["mlm_head"], head)
  assert set(adjusted) == set(student)
