"""Distilling a teacher encoder into a student in one step.

The teacher runs forward only, under `stop_gradient`, possibly in bfloat16;
its parameters are passed in as frozen values (never optimised, never
checkpointed with the student). Loss terms, each weighted (DistilBERT uses
5, 2, 1, 0):
  kd         soft-target cross entropy of the MLM logits at temperature T,
             scaled by T^2, at the masked positions (needs a teacher with an
             MLM head);
  mlm        the ordinary MLM loss on the true tokens;
  hidden     cosine distance between student and teacher hidden states of
             mapped layers (through a learned projection when widths differ);
  attention  MiniLMv2 KL between teacher and student self-attention
             relations (query-query, key-key, value-value) of one chosen
             layer of each, split into `relation_heads` relation heads.
A teacher without an MLM head (an imported `BertModel`) teaches through the
hidden and attention terms only.
"""
import dataclasses

import flax.linen as nn
import gin
import jax
import jax.numpy as jnp

from atm_jax.errors import UserError
from atm_jax.models import layers
from atm_jax.models import masking
from atm_jax.models.base import Model
from atm_jax.models.config import EncoderConfig
from atm_jax.models.encoder import Encoder, layer_outputs
from atm_jax.models.losses import (attention_relation_kl, cosine_distance,
                                   soft_cross_entropy, top_agreement,
                                   weighted_cross_entropy)
from atm_jax.models.mlm import MlmEncoder

Array = jax.Array
STUDENT_INITS = ("scratch", "teacher_layers")
# What a student copied from teacher layers must share with its teacher.
COPIED_LAYOUT = ("embed_dim", "mlp_dim", "num_heads", "head_dim",
                 "pre_layer_norm", "type_vocab_size", "position_offset")


@gin.configurable
@dataclasses.dataclass(frozen=True)
class DistillationLoss:
  """Weights of the loss terms; `layer_map` pairs (student, teacher) layers
  for the hidden-state term (negative indices count from the top; empty
  means last with last); the attention term compares teacher layer
  `relation_layer` with student layer `student_relation_layer`, split into
  `relation_heads` relation heads (0: the student's head count)."""

  kd_weight: float = 5.0
  mlm_weight: float = 2.0
  hidden_weight: float = 1.0
  attention_weight: float = 0.0
  temperature: float = 2.0
  layer_map: tuple[tuple[int, int], ...] = ()
  relation_heads: int = 0
  relation_layer: int = -1
  student_relation_layer: int = -1

  def __post_init__(self):
    if self.temperature <= 0:
      raise UserError(f"DistillationLoss.temperature must be > 0, got "
                      f"{self.temperature}.")
    if self.relation_heads < 0:
      raise UserError(f"DistillationLoss.relation_heads must be >= 0 (0: the "
                      f"student's head count), got {self.relation_heads}.")


@gin.configurable
def distilbert_loss(temperature: float = 2.0) -> DistillationLoss:
  """DistilBERT's weights: kd 5, mlm 2, hidden cosine 1, attention 0."""
  return DistillationLoss(5.0, 2.0, 1.0, 0.0, temperature)


@gin.configurable
def minilm_loss(attention_weight: float = 1.0, hidden_weight: float = 0.0,
                mlm_weight: float = 0.0) -> DistillationLoss:
  """MiniLMv2's objective, attention relations (by default alone): it needs
  no teacher MLM head, so any encoder can teach with it."""
  return DistillationLoss(kd_weight=0.0, mlm_weight=mlm_weight,
                          hidden_weight=hidden_weight,
                          attention_weight=attention_weight)


class DistillationStudent(MlmEncoder):
  """The student MLM encoder plus a projection into the teacher's width."""

  teacher_embed_dim: int = 0

  def setup(self):
    super().setup()
    if self.teacher_embed_dim != self.config.embed_dim:
      self.hidden_projection = layers.Projection(
          "...e,et->...t", (self.config.embed_dim, self.teacher_embed_dim),
          ("embed", "teacher_embed"), (self.teacher_embed_dim,),
          ("teacher_embed",), jnp.dtype(self.config.dtype))

  def __call__(self, *inputs: Array) -> tuple[Array, Array]:
    logits, hidden = super().__call__(*inputs)
    if self.is_initializing():  # create the projection's parameters
      self.project(hidden[:, :1])
    return logits, hidden

  def project(self, hidden: Array) -> Array:
    if self.teacher_embed_dim == self.config.embed_dim:
      return hidden
    return self.hidden_projection(hidden)


class HeadlessTeacher(nn.Module):
  """A teacher without an MLM head: its params are `{"encoder": ...}`, the
  tree atm_jax.convert.hf writes for a head-less checkpoint."""

  config: EncoderConfig

  def setup(self):
    self.encoder = Encoder(self.config, deterministic=True)

  def __call__(self, tokens: Array, segment_ids: Array, positions: Array,
               predict_positions: Array) -> tuple[None, Array]:
    del predict_positions  # no logits to pick
    return None, self.encoder(tokens, segment_ids, positions)


def _check_layer(index: int, config: EncoderConfig, setting: str,
                 model: str) -> None:
  layers_count = config.num_layers
  if not -layers_count <= index < layers_count:
    raise UserError(
        f"{setting} {index} is out of range for the {model}'s {layers_count} "
        f"layers; use an index from {-layers_count} to {layers_count - 1}.")


def _check_shared_shapes(student: EncoderConfig,
                         teacher: EncoderConfig) -> None:
  if student.vocab_size != teacher.vocab_size:
    raise UserError(
        f"Teacher and student vocabularies differ ({teacher.vocab_size} vs "
        f"{student.vocab_size} pieces); distil with the teacher's "
        "vocabulary (set VOCAB_SIZE and VOCAB_PATH to the teacher's).")
  if student.max_length != teacher.max_length:
    raise UserError(
        f"Teacher and student sequence lengths differ (max_length "
        f"{teacher.max_length} vs {student.max_length}); give both the "
        "same EncoderConfig.max_length.")


def _check_teacher_signal(loss: DistillationLoss, teacher_head: bool) -> None:
  """A head-less teacher teaches through hidden states and relations only."""
  if teacher_head:
    return
  if loss.kd_weight:
    raise UserError(
        f"DistillationLoss.kd_weight is {loss.kd_weight} but the teacher has "
        "no MLM head (DistillationModel.teacher_head = False) to give soft "
        "targets; set kd_weight to 0 (e.g. DistillationModel.loss_config = "
        "@minilm_loss()).")
  if not (loss.hidden_weight or loss.attention_weight):
    raise UserError(
        "A teacher without an MLM head (DistillationModel.teacher_head = "
        "False) teaches only through hidden states and attention relations, "
        "but DistillationLoss.hidden_weight and attention_weight are both 0; "
        "set one of them above 0.")


def _check_relation_widths(loss: DistillationLoss, student: EncoderConfig,
                           teacher: EncoderConfig) -> None:
  heads = loss.relation_heads or student.num_heads
  for name, config in (("teacher", teacher), ("student", student)):
    width = config.num_heads * config.head_dim
    if width % heads:
      raise UserError(
          f"The {name}'s attention width {width} does not split into "
          f"{heads} relation heads; set DistillationLoss.relation_heads to "
          "a common divisor.")


def _check_loss_layers(loss: DistillationLoss, student: EncoderConfig,
                       teacher: EncoderConfig) -> None:
  _check_layer(loss.relation_layer, teacher,
               "DistillationLoss.relation_layer", "teacher")
  _check_layer(loss.student_relation_layer, student,
               "DistillationLoss.student_relation_layer", "student")
  for student_layer, teacher_layer in loss.layer_map:
    _check_layer(student_layer, student,
                 "DistillationLoss.layer_map's student layer", "student")
    _check_layer(teacher_layer, teacher,
                 "DistillationLoss.layer_map's teacher layer", "teacher")


@gin.configurable
@dataclasses.dataclass(frozen=True)
class DistillationModel(Model):
  """Student trained against a frozen teacher (the trainer's `frozen` input).

  `teacher_head=False` takes a teacher without an MLM head (its checkpoint
  holds only `encoder` params). `teacher_dtype` overrides the teacher's
  compute dtype (e.g. bfloat16 for a cheaper forward); `teacher_rules`
  shards the teacher with its own rules table (e.g. FSDP while the student
  stays data-parallel). `student_init="teacher_layers"` starts the student
  from the teacher's embeddings and the layers `teacher_layers` names (empty:
  every other layer, as DistilBERT), which needs equal widths; with a
  head-less teacher the student keeps its own fresh MLM head.
  """

  student: EncoderConfig
  teacher: EncoderConfig
  masking_config: masking.MaskingConfig
  loss_config: DistillationLoss = DistillationLoss()
  teacher_dtype: str | None = None
  student_init: str = "scratch"
  teacher_rules: tuple | None = None
  teacher_head: bool = True
  teacher_layers: tuple[int, ...] = ()

  def __post_init__(self):
    _check_shared_shapes(self.student, self.teacher)
    _check_teacher_signal(self.loss_config, self.teacher_head)
    _check_loss_layers(self.loss_config, self.student, self.teacher)
    _check_relation_widths(self.loss_config, self.student, self.teacher)
    self._check_student_init()

  def _check_student_init(self) -> None:
    student, teacher = self.student, self.teacher
    if self.student_init not in STUDENT_INITS:
      raise UserError(f"DistillationModel.student_init must be one of "
                      f"{STUDENT_INITS}, got {self.student_init!r}.")
    if self.student_init == "scratch":
      if self.teacher_layers:
        raise UserError(
            "DistillationModel.teacher_layers is set but student_init is "
            "'scratch'; set student_init = 'teacher_layers' to copy them.")
      return
    if any(getattr(student, name) != getattr(teacher, name)
           for name in COPIED_LAYOUT):
      raise UserError("student_init='teacher_layers' needs the teacher's "
                      "widths and layout (embed, mlp, heads, pre-LN); use "
                      "'scratch' or a student of the teacher's width.")
    if not (student.scan_layers and teacher.scan_layers):
      raise UserError("student_init='teacher_layers' needs scan_layers=True "
                      "for teacher and student.")
    self._check_teacher_layers()

  def _check_teacher_layers(self) -> None:
    wanted, available = self.student.num_layers, self.teacher.num_layers
    if not self.teacher_layers:
      if 2 * wanted - 1 > available:
        raise UserError(
            f"A {wanted}-layer student needs a teacher with at least "
            f"{2 * wanted - 1} layers to take every other one; the teacher "
            f"has {available} (name the layers to copy in "
            "DistillationModel.teacher_layers).")
      return
    if len(self.teacher_layers) != wanted:
      raise UserError(
          f"DistillationModel.teacher_layers names {len(self.teacher_layers)} "
          f"layers but the student has {wanted}; name one teacher layer per "
          "student layer.")
    for index in self.teacher_layers:
      _check_layer(index, self.teacher, "DistillationModel.teacher_layers' "
                   "layer", "teacher")

  @property
  def config(self) -> EncoderConfig:
    return self.student

  @property
  def _layered(self) -> bool:
    """Whether the loss reads per-layer states (hidden or attention terms)."""
    return bool(self.loss_config.hidden_weight or
                self.loss_config.attention_weight or not self.teacher_head)

  def _student(self, train: bool) -> DistillationStudent:
    return DistillationStudent(self.student, deterministic=not train,
                               teacher_embed_dim=self.teacher.embed_dim)

  def _teacher(self) -> nn.Module:
    config = self.teacher
    if self.teacher_dtype:
      config = dataclasses.replace(config, dtype=self.teacher_dtype)
    if not self.teacher_head:
      return HeadlessTeacher(config)
    return MlmEncoder(config, deterministic=True)

  def _dummy_inputs(self, batch_size: int, length: int):
    ints = jnp.ones((batch_size, length), jnp.int32)
    predict = jnp.zeros(
        (batch_size, self.masking_config.max_predictions(length)), jnp.int32)
    return ints, ints, ints, predict

  def init(self, rng: Array, batch_size: int, length: int):
    return self._student(False).init(rng, *self._dummy_inputs(batch_size,
                                                              length))

  def frozen_init(self, rng: Array, batch_size: int, length: int):
    """Teacher variables: shapes and axis names for its own shardings."""
    return self._teacher().init(rng, *self._dummy_inputs(batch_size, length))

  def _forward(self, module: nn.Module, params, inputs, config: EncoderConfig,
               **apply_args):
    """((logits, hidden), per-layer states or None) of one model."""
    if not self._layered:
      return module.apply({"params": params}, *inputs, **apply_args), None
    collections = ["intermediates"]
    if self.loss_config.attention_weight:
      collections.append(layers.ATTENTION_STATES)
    outputs, variables = module.apply({"params": params}, *inputs,
                                      mutable=collections, **apply_args)
    return outputs, layer_outputs(variables, config)

  def loss(self, params, batch: dict[str, Array], rng: Array, train: bool,
           frozen=None) -> tuple[Array, dict[str, Array]]:
    """(summed loss, summed metrics incl. `weight`); `frozen` = teacher."""
    if frozen is None:
      raise UserError("Distillation needs the teacher's parameters; set "
                      "TEACHER_CHECKPOINT to a trained teacher run.")
    weights_cfg = self.loss_config
    mask_rng, dropout_rng = jax.random.split(rng)
    masked = masking.mask_tokens(mask_rng, batch["tokens"],
                                 batch["segment_ids"], self.masking_config)
    inputs = (masked.inputs, batch["segment_ids"], batch["positions"],
              masked.positions)
    (teacher_logits, _), teacher_states = jax.lax.stop_gradient(
        self._forward(self._teacher(), frozen, inputs, self.teacher))
    (student_logits, _), student_states = self._forward(
        self._student(train), params, inputs, self.student,
        rngs={"dropout": dropout_rng})
    weight = masked.weights.sum()
    mlm, correct = weighted_cross_entropy(student_logits, masked.targets,
                                          masked.weights)
    hidden = attention = jnp.zeros((), jnp.float32)
    if weights_cfg.hidden_weight:
      hidden = self._hidden_loss(params, student_states, teacher_states,
                                 batch["segment_ids"], train)
    if weights_cfg.attention_weight:
      attention = attention_relation_kl(
          student_states, teacher_states,
          weights_cfg.relation_heads or self.student.num_heads,
          batch["segment_ids"], weights_cfg.student_relation_layer,
          weights_cfg.relation_layer)
    loss_sum = (weights_cfg.mlm_weight * mlm +
                (weights_cfg.hidden_weight * hidden +
                 weights_cfg.attention_weight * attention) * weight)
    metrics = {"mlm": mlm, "hidden": hidden * weight,
               "attention": attention * weight, "accuracy": correct,
               "weight": weight}
    if teacher_logits is not None:
      kd = soft_cross_entropy(student_logits, teacher_logits, masked.weights,
                              weights_cfg.temperature)
      loss_sum += weights_cfg.kd_weight * kd
      agree = top_agreement(student_logits, teacher_logits)
      metrics.update(kd=kd, agreement=(agree * masked.weights).sum())
    metrics["loss"] = loss_sum
    return loss_sum, metrics

  def _hidden_loss(self, params, student_states, teacher_states,
                   segment_ids: Array, train: bool) -> Array:
    pairs = self.loss_config.layer_map or ((-1, -1),)
    token_mask = (segment_ids > 0).astype(jnp.float32)
    total = 0.0
    for student_layer, teacher_layer in pairs:
      projected = self._student(train).apply(
          {"params": params}, student_states["hidden"][student_layer],
          method=DistillationStudent.project)
      total += cosine_distance(projected,
                               teacher_states["hidden"][teacher_layer],
                               token_mask)
    return total / len(pairs)

  def copied_layers(self) -> tuple[int, ...]:
    """The teacher layers a `teacher_layers` student starts from, in order:
    the chosen ones, else every other one (DistilBERT)."""
    chosen = self.teacher_layers or range(0, 2 * self.student.num_layers, 2)
    return tuple(index % self.teacher.num_layers for index in chosen)

  def adjust_initial_params(self, params, frozen):
    """Fresh student params, or the teacher's embeddings and chosen layers
    (and its MLM head when it has one)."""
    if self.student_init == "scratch":
      return params
    chosen = jnp.asarray(self.copied_layers())
    encoder = dict(frozen["encoder"])
    encoder["layers"] = jax.tree.map(lambda stacked: stacked[chosen],
                                     frozen["encoder"]["layers"])
    copied = dict(params)
    copied["encoder"] = encoder
    if self.teacher_head:
      copied["mlm_head"] = frozen["mlm_head"]
    return copied
