"""Teacher and student in one jitted step: frozen teacher, sharding, learning."""
import dataclasses

import flax.linen as nn
import jax
import numpy as np
import pytest

from atm_jax.models.config import EncoderConfig
from atm_jax.models.distillation import DistillationLoss, DistillationModel
from atm_jax.models.masking import MaskingConfig
from atm_jax.models.mlm import MlmModel
from atm_jax.partitioning.mesh import MeshConfig, create_mesh
from atm_jax.partitioning.partitioner import Partitioner
from atm_jax.partitioning.rules import fsdp_rules, standard_rules
from atm_jax.trainer import step as step_lib
from atm_jax.trainer.optimizer import (OptimizerConfig, learning_rate_schedule,
                                       make_optimizer)

VOCAB, LENGTH, BATCH = 48, 32, 16
TEACHER = EncoderConfig(vocab_size=VOCAB, num_layers=2, embed_dim=64,
                        num_heads=4, head_dim=16, mlp_dim=128,
                        max_length=LENGTH, dropout_rate=0.0,
                        attention_dropout_rate=0.0)
STUDENT = dataclasses.replace(TEACHER, num_layers=1, embed_dim=32, head_dim=8,
                              mlp_dim=64)
MASKING = MaskingConfig(vocab_size=VOCAB)
OPTIMIZER = OptimizerConfig(peak_learning_rate=3e-3, warmup_steps=5,
                            decay="constant", weight_decay=0.0)


def _batches(count: int, seed: int):
  """Rows that follow a fixed successor table with 10% noise: learnable."""
  rng = np.random.default_rng(seed)
  successor = np.random.default_rng(123).integers(6, VOCAB, VOCAB)
  for _ in range(count):
    tokens = np.empty((BATCH, LENGTH), np.int32)
    tokens[:, 0] = rng.integers(6, VOCAB, BATCH)
    for i in range(1, LENGTH):
      noise = rng.random(BATCH) < 0.1
      tokens[:, i] = np.where(noise, rng.integers(6, VOCAB, BATCH),
                              successor[tokens[:, i - 1]])
    yield {"tokens": tokens, "segment_ids": np.ones_like(tokens),
           "positions": np.tile(np.arange(LENGTH, dtype=np.int32),
                                (BATCH, 1))}


def _trained(model, partitioner, batches, frozen=None, frozen_shardings=None):
  """Train `model` on `batches`; returns (state, per-step metrics)."""
  optimizer = make_optimizer(OPTIMIZER, 1000)
  init = step_lib.boxed_init_fn(model, optimizer, 1, LENGTH)
  _, shardings = partitioner.abstract_state(init, jax.random.key(0))
  with partitioner.activate():
    state = jax.jit(lambda r: nn.unbox(init(r)),
                    out_shardings=shardings)(jax.random.key(0))
  train_step = step_lib.jit_train_step(
      model, optimizer, learning_rate_schedule(OPTIMIZER, 1000), partitioner,
      shardings, num_microbatches=1, seed=0, frozen_shardings=frozen_shardings)
  history = []
  for batch in batches:
    with partitioner.activate():
      state, metrics = train_step(state, partitioner.global_batch(batch),
                                  frozen)
    history.append(jax.device_get(metrics))
  return state, history


def _one_device() -> Partitioner:
  return Partitioner(create_mesh(MeshConfig(), devices=jax.devices()[:1]),
                     standard_rules())


@pytest.fixture(scope="module")
def teacher_params():
  """A teacher MLM-trained until it predicts the successor table well."""
  state, history = _trained(MlmModel(TEACHER, MASKING), _one_device(),
                            _batches(350, seed=1))
  assert history[-1]["accuracy"] > 0.5
  return state.params


def _distillation(loss=DistillationLoss(attention_weight=1.0), **overrides):
  return DistillationModel(STUDENT, TEACHER, MASKING, loss, **overrides)


def _teacher_on(partitioner, params, rules=None):
  model = _distillation()
  teacher_partitioner = dataclasses.replace(partitioner,
                                            rules=rules or partitioner.rules)
  _, shardings = teacher_partitioner.abstract_state(
      lambda r: model.frozen_init(r, 1, LENGTH)["params"], jax.random.key(0))
  return jax.device_put(params, shardings), shardings


def test_teacher_stays_bit_identical_and_has_no_optimizer_state(
    teacher_params):
  partitioner = _one_device()
  frozen, shardings = _teacher_on(partitioner, teacher_params)
  before = jax.device_get(frozen)
  state, history = _trained(_distillation(), partitioner, _batches(4, 2),
                            frozen, shardings)
  jax.tree.map(np.testing.assert_array_equal, jax.device_get(frozen), before)
  adam = state.opt_state[1][0]
  assert jax.tree.structure(adam.mu) == jax.tree.structure(state.params)
  teacher_sizes = sorted(x.size for x in jax.tree.leaves(before))
  student_sizes = sorted(x.size for x in jax.tree.leaves(adam.mu))
  assert student_sizes != teacher_sizes
  assert sum(student_sizes) == sum(x.size for x in
                                   jax.tree.leaves(state.params))
  assert all(np.isfinite(m["loss"]) for m in history)
  assert {"kd", "mlm", "hidden", "attention", "agreement"} <= set(history[0])


def test_sharded_distillation_step_matches_one_device(teacher_params):
  one = _one_device()
  frozen, shardings = _teacher_on(one, teacher_params)
  _, expected = _trained(_distillation(), one, _batches(3, 3), frozen,
                         shardings)
  mesh = Partitioner(create_mesh(MeshConfig(data=2, fsdp=4)),
                     standard_rules())
  frozen, shardings = _teacher_on(mesh, teacher_params, fsdp_rules())
  kernel = frozen["encoder"]["layers"]["mlp"]["wi"]["kernel"]
  assert kernel.sharding.spec[1] == "fsdp"
  _, got = _trained(_distillation(teacher_rules=fsdp_rules()), mesh,
                    _batches(3, 3), frozen, shardings)
  for key in ("loss", "kd", "mlm", "hidden", "attention"):
    np.testing.assert_allclose([m[key] for m in got],
                               [m[key] for m in expected], rtol=1e-4,
                               atol=1e-4)


def _agreement_with_teacher(student_params, frozen) -> float:
  """Top-1 agreement of a student with the teacher on held-out batches."""
  probe = _distillation()
  total = agree = 0.0
  for index, batch in enumerate(_batches(4, seed=99)):
    _, sums = probe.loss(student_params, batch, jax.random.key(index), False,
                         frozen)
    agree += float(sums["agreement"])
    total += float(sums["weight"])
  return agree / total


def test_distilled_student_agrees_with_teacher_more_than_mlm_student(
    teacher_params):
  partitioner = _one_device()
  frozen, shardings = _teacher_on(partitioner, teacher_params)
  soft_targets = DistillationLoss(kd_weight=1.0, mlm_weight=0.0,
                                  hidden_weight=1.0, temperature=1.0)
  distilled, _ = _trained(_distillation(soft_targets), partitioner,
                          _batches(40, 5), frozen, shardings)
  mlm_student = MlmModel(STUDENT, MASKING)
  plain, _ = _trained(mlm_student, partitioner, _batches(40, 5))
  # The MLM student has no projection to the teacher's width; borrow the
  # distilled one's (it does not affect top-1 agreement of the logits).
  plain_params = {**plain.params,
                  "hidden_projection": distilled.params["hidden_projection"]}
  distilled_agreement = _agreement_with_teacher(distilled.params, frozen)
  plain_agreement = _agreement_with_teacher(plain_params, frozen)
  # Measured: 0.294 against 0.175 after 40 steps.
  assert distilled_agreement > plain_agreement + 0.08, (distilled_agreement,
                                                        plain_agreement)
