"""Fine-tuning heads on the encoder: joint intent + slots, and sentence pairs.

Both keep the encoder's parameters under `encoder/`, the same path as the MLM
model, so a pretrained or distilled checkpoint initialises them directly and
only the heads start fresh. Label id 0 is reserved for labels never seen in
training: it is never predicted, so such gold labels count as errors.
"""
import dataclasses

import flax.linen as nn
import gin
import jax
import jax.numpy as jnp

from atm_jax.errors import UserError
from atm_jax.models import layers
from atm_jax.models.base import Model
from atm_jax.models.config import EncoderConfig
from atm_jax.models.encoder import Encoder
from atm_jax.models.losses import class_cross_entropy, masked_cross_entropy

Array = jax.Array
POOLINGS = ("first", "mean", "max")


def pool(hidden: Array, segment_ids: Array, pooling: str) -> Array:
  """[batch, len, embed] -> [batch, embed]: first token, or masked mean/max."""
  if pooling == "first":
    return hidden[:, 0]
  real = (segment_ids > 0)[..., None]
  if pooling == "mean":
    return (hidden * real).sum(1) / jnp.maximum(real.sum(1), 1)
  return jnp.where(real, hidden, -1e9).max(1)


def classifier(config: EncoderConfig, classes: int, name: str) -> nn.Module:
  return layers.Projection("...e,ec->...c", (config.embed_dim, classes),
                           ("embed", "classes"), (classes,), ("classes",),
                           jnp.dtype(config.dtype), name=name)


class JointNluModule(nn.Module):
  """Intent from a pooled vector; slots from each word's first sub-word."""

  config: EncoderConfig
  num_intents: int
  num_slot_tags: int
  pooling: str = "first"
  deterministic: bool = True

  @nn.compact
  def __call__(self, tokens: Array, segment_ids: Array, positions: Array,
               word_positions: Array) -> tuple[Array, Array]:
    hidden = Encoder(self.config, self.deterministic, name="encoder")(
        tokens, segment_ids, positions)
    hidden = nn.Dropout(self.config.dropout_rate)(
        hidden, deterministic=self.deterministic)
    pooled = pool(hidden, segment_ids, self.pooling)
    words = jnp.take_along_axis(hidden, word_positions[..., None], axis=1)
    return (classifier(self.config, self.num_intents, "intent_head")(pooled),
            classifier(self.config, self.num_slot_tags, "slot_head")(words))


@gin.configurable
@dataclasses.dataclass(frozen=True)
class JointNluModel(Model):
  """Intent classification + slot filling; loss = intent CE +
  `slot_loss_weight` x mean slot CE over each utterance's words.

  Head sizes come from the task's label vocabulary (`for_task`)."""

  config: EncoderConfig
  num_intents: int = 0
  num_slot_tags: int = 0
  pooling: str = "first"
  slot_loss_weight: float = 1.0

  def __post_init__(self):
    if self.pooling not in POOLINGS:
      raise UserError(f"JointNluModel.pooling must be one of {POOLINGS}, got "
                      f"{self.pooling!r}.")

  def for_task(self, task) -> "JointNluModel":
    """Sized for the task's label vocabulary (`.intents`, `.slot_tags`)."""
    labels = task.labels
    if labels is None or not hasattr(labels, "slot_tags"):
      raise UserError(f"Task {task.name!r} has no intent and slot labels; "
                      "fine-tune JointNluModel on a task registered by "
                      "tasks.nlu.register_nlu_task.")
    return dataclasses.replace(self, num_intents=len(labels.intents),
                               num_slot_tags=len(labels.slot_tags))

  def module(self, train: bool) -> JointNluModule:
    if not (self.num_intents and self.num_slot_tags):
      raise UserError("JointNluModel has no label vocabulary; train it on a "
                      "registered NLU task (tasks.nlu.register_nlu_task).")
    return JointNluModule(self.config, self.num_intents, self.num_slot_tags,
                          self.pooling, deterministic=not train)

  def init(self, rng: Array, batch_size: int, length: int):
    ints = jnp.ones((batch_size, length), jnp.int32)
    return self.module(False).init(rng, ints, ints, ints, ints)

  def _logits(self, params, batch, rng, train):
    return self.module(train).apply(
        {"params": params}, batch["tokens"], batch["segment_ids"],
        batch["positions"], batch["word_positions"], rngs={"dropout": rng})

  def loss(self, params, batch, rng, train, frozen=None):
    del frozen
    intent_logits, slot_logits = self._logits(params, batch, rng, train)
    examples = batch["example_mask"].astype(jnp.float32)
    words = batch["word_mask"].astype(jnp.float32) * examples[:, None]
    intent_nll, intent_correct = masked_cross_entropy(
        intent_logits, batch["intent"], examples)
    slot_nll, slot_correct = masked_cross_entropy(slot_logits,
                                                  batch["slot_ids"], words)
    per_word = 1.0 / jnp.maximum(words.sum(1), 1.0)
    slot_loss = (slot_nll.sum(1) * per_word)
    loss_sum = intent_nll.sum() + self.slot_loss_weight * slot_loss.sum()
    return loss_sum, {
        "loss": loss_sum, "intent_loss": intent_nll.sum(),
        "slot_loss": slot_loss.sum(), "intent_accuracy": intent_correct.sum(),
        "slot_accuracy": (slot_correct.sum(1) * per_word).sum(),
        "weight": examples.sum()}

  def predict(self, params, batch) -> dict[str, Array]:
    """Intent id and its probability per row, and slot-tag id per word (id 0,
    the label of what training never saw, is never predicted)."""
    return decide(*self._logits(params, batch, jax.random.key(0), False))

  def serve(self, params, batch) -> dict[str, Array]:
    """What an exported model returns: `predict`'s decisions and the float32
    logits they come from."""
    intent_logits, slot_logits = (
        x.astype(jnp.float32)
        for x in self._logits(params, batch, jax.random.key(0), False))
    return {"intent_logits": intent_logits, "slot_logits": slot_logits,
            **decide(intent_logits, slot_logits)}


def decide(intent_logits: Array, slot_logits: Array) -> dict[str, Array]:
  """Intent, its probability and slot tags from the logits; label 0 (never
  seen in training) is never chosen."""
  probabilities = jax.nn.softmax(
      intent_logits.astype(jnp.float32).at[..., 0].set(-1e9), -1)
  return {"intent": jnp.argmax(probabilities, -1),
          "intent_probability": jnp.max(probabilities, -1),
          "slot_ids": jnp.argmax(slot_logits.at[..., 0].set(-1e9), -1)}


class PairClassifierModule(nn.Module):
  """Sentence-pair classification (XNLI) from the first token, BERT-style
  pooler (dense + tanh) then a classifier."""

  config: EncoderConfig
  num_classes: int
  deterministic: bool = True

  @nn.compact
  def __call__(self, tokens: Array, token_types: Array, segment_ids: Array,
               positions: Array) -> Array:
    cfg = self.config
    hidden = Encoder(cfg, self.deterministic, name="encoder")(
        tokens, segment_ids, positions, token_types)
    pooled = jnp.tanh(layers.Projection(
        "...e,em->...m", (cfg.embed_dim, cfg.embed_dim), ("embed", "mlp"),
        (cfg.embed_dim,), ("mlp",), jnp.dtype(cfg.dtype),
        name="pooler")(hidden[:, 0]))
    pooled = nn.Dropout(cfg.dropout_rate)(pooled,
                                          deterministic=self.deterministic)
    return classifier(cfg, self.num_classes, "classifier")(pooled)


@gin.configurable
@dataclasses.dataclass(frozen=True)
class PairClassifierModel(Model):
  """XNLI: entailment (0), neutral (1), contradiction (2)."""

  config: EncoderConfig
  num_classes: int = 3

  def __post_init__(self):
    if self.config.type_vocab_size < 2:
      raise UserError("Sentence pairs need token types: set "
                      "EncoderConfig.type_vocab_size = 2.")

  def module(self, train: bool) -> PairClassifierModule:
    return PairClassifierModule(self.config, self.num_classes,
                                deterministic=not train)

  def init(self, rng: Array, batch_size: int, length: int):
    ints = jnp.ones((batch_size, length), jnp.int32)
    return self.module(False).init(rng, ints, ints, ints, ints)

  def _logits(self, params, batch, rng, train):
    return self.module(train).apply(
        {"params": params}, batch["tokens"], batch["token_types"],
        batch["segment_ids"], batch["positions"], rngs={"dropout": rng})

  def loss(self, params, batch, rng, train, frozen=None):
    del frozen
    logits = self._logits(params, batch, rng, train)
    examples = batch["example_mask"].astype(jnp.float32)
    loss_sum, correct = class_cross_entropy(logits, batch["label"], examples)
    return loss_sum, {"loss": loss_sum, "accuracy": correct,
                      "weight": examples.sum()}

  def predict(self, params, batch) -> dict[str, Array]:
    """Label id per row and its probability."""
    probabilities = jax.nn.softmax(self._logits(
        params, batch, jax.random.key(0), False).astype(jnp.float32), -1)
    return {"label": jnp.argmax(probabilities, -1),
            "label_probability": jnp.max(probabilities, -1)}
