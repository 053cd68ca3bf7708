"""Fine-tuning heads: pooling, joint intent + slot loss, sentence pairs."""
import dataclasses

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from atm_jax.data.registry import RegisteredTask
from atm_jax.errors import UserError
from atm_jax.models import nlu
from atm_jax.models.config import EncoderConfig

CONFIG = EncoderConfig(vocab_size=50, num_layers=1, embed_dim=16, num_heads=2,
                       head_dim=8, mlp_dim=32, max_length=12,
                       dropout_rate=0.0, attention_dropout_rate=0.0)


@dataclasses.dataclass
class Labels:
  intents: tuple = ("<unseen>", "play", "stop")
  slot_tags: tuple = ("<unseen>", "O", "B-song", "I-song")


TASK = RegisteredTask("t", None, Labels())


def _batch():
  tokens = jnp.array([[4, 10, 11, 12, 1, 0], [4, 20, 21, 1, 0, 0]])
  return {"tokens": tokens, "segment_ids": (tokens > 0).astype(jnp.int32),
          "positions": jnp.tile(jnp.arange(6), (2, 1)),
          "word_positions": jnp.array([[1, 2, 3, 0, 0, 0], [1, 2, 0, 0, 0, 0]]),
          "word_mask": jnp.array([[1, 1, 1, 0, 0, 0], [1, 1, 0, 0, 0, 0]]),
          "slot_ids": jnp.array([[1, 2, 3, 0, 0, 0], [1, 1, 0, 0, 0, 0]]),
          "intent": jnp.array([1, 0]), "example_mask": jnp.array([1, 1])}


def test_pooling_ignores_padding():
  hidden = jnp.array([[[1.0], [3.0], [100.0]]])
  segments = jnp.array([[1, 1, 0]])
  assert float(nlu.pool(hidden, segments, "first")[0, 0]) == 1.0
  assert float(nlu.pool(hidden, segments, "mean")[0, 0]) == 2.0
  assert float(nlu.pool(hidden, segments, "max")[0, 0]) == 3.0


def test_joint_model_needs_labels_and_a_known_pooling():
  with pytest.raises(UserError, match="no label vocabulary"):
    nlu.JointNluModel(CONFIG).init(jax.random.key(0), 1, 6)
  with pytest.raises(UserError, match="pooling"):
    nlu.JointNluModel(CONFIG, pooling="cls")
  for task in (RegisteredTask("mlm", None),
               RegisteredTask("xnli_train", None, ("entailment", "neutral"))):
    with pytest.raises(UserError, match=f"Task {task.name!r} has no intent and "
                       "slot labels"):
      nlu.JointNluModel(CONFIG).for_task(task)


def test_joint_model_keeps_encoder_params_at_the_mlm_path():
  model = nlu.JointNluModel(CONFIG).for_task(TASK)
  params = nn.unbox(model.init(jax.random.key(0), 1, 6)["params"])
  assert set(params) == {"encoder", "intent_head", "slot_head"}
  assert params["intent_head"]["kernel"].shape == (16, 3)
  assert params["slot_head"]["kernel"].shape == (16, 4)


def test_unseen_gold_label_is_an_error_never_a_prediction():
  model = nlu.JointNluModel(CONFIG).for_task(TASK)
  params = nn.unbox(model.init(jax.random.key(0), 1, 6)["params"])
  # Make id 0 the most likely class: it must still never be predicted.
  params["intent_head"]["bias"] = params["intent_head"]["bias"].at[0].set(50)
  predicted = model.predict(params, _batch())
  assert (np.asarray(predicted["intent"]) != 0).all()
  assert (np.asarray(predicted["slot_ids"]) != 0).all()
  _, sums = model.loss(params, _batch(), jax.random.key(1), False)
  assert float(sums["weight"]) == 2.0
  assert float(sums["intent_accuracy"]) <= 1.0  # row 2's gold is unseen
  assert np.isfinite(float(sums["loss"]))


def test_joint_model_learns_a_tiny_batch():
  model = nlu.JointNluModel(CONFIG).for_task(TASK)
  params = nn.unbox(model.init(jax.random.key(0), 1, 6)["params"])
  batch = dict(_batch(), intent=jnp.array([1, 2]))
  grad = jax.jit(jax.grad(lambda p: model.loss(p, batch, jax.random.key(0),
                                               True)[0]))
  for _ in range(60):
    params = jax.tree.map(lambda p, g: p - 0.05 * g, params, grad(params))
  _, sums = model.loss(params, batch, jax.random.key(0), False)
  assert float(sums["intent_accuracy"]) == 2.0
  assert float(sums["slot_accuracy"]) == pytest.approx(2.0)


def test_pair_classifier_needs_token_types():
  with pytest.raises(UserError, match="type_vocab_size"):
    nlu.PairClassifierModel(CONFIG)
  model = nlu.PairClassifierModel(dataclasses.replace(CONFIG,
                                                      type_vocab_size=2))
  params = nn.unbox(model.init(jax.random.key(0), 1, 6)["params"])
  batch = {**_batch(), "token_types": jnp.zeros((2, 6), jnp.int32),
           "label": jnp.array([0, 2])}
  loss, sums = model.loss(params, batch, jax.random.key(0), False)
  assert float(loss) == pytest.approx(2 * np.log(3), rel=0.2)
  assert model.predict(params, batch)["label"].shape == (2,)
