"""Distilling a teacher encoder into a student in one step.

The teacher runs forward only, under `stop_gradient`, possibly in bfloat16;
its parameters are passed in as frozen values (never optimised, never
checkpointed with the student). Loss terms, each weighted (DistilBERT uses
5, 2, 1, 0):
  kd         soft-target cross entropy of the MLM logits at temperature T,
             scaled by T^2, at the masked positions;
  mlm        the ordinary MLM loss on the true tokens;
  hidden     cosine distance between student and teacher hidden states of
             mapped layers (through a learned projection when widths differ);
  attention  MiniLM-style KL between teacher and student self-attention
             relations (query-query, key-key, value-value) of the last layer.
"""
import dataclasses

import gin
import jax
import jax.numpy as jnp

from atm_jax.data import masking
from atm_jax.errors import UserError
from atm_jax.models import layers
from atm_jax.models.config import EncoderConfig
from atm_jax.models.encoder import layer_outputs
from atm_jax.models.mlm import MlmEncoder, weighted_cross_entropy

Array = jax.Array
STUDENT_INITS = ("scratch", "teacher_layers")


@gin.configurable
@dataclasses.dataclass(frozen=True)
class DistillationLoss:
  """Weights of the loss terms; `layer_map` pairs (student, teacher) layers
  for the hidden-state term (negative indices count from the top; empty
  means last with last); `relation_heads=0` uses the student's head count."""

  kd_weight: float = 5.0
  mlm_weight: float = 2.0
  hidden_weight: float = 1.0
  attention_weight: float = 0.0
  temperature: float = 2.0
  layer_map: tuple[tuple[int, int], ...] = ()
  relation_heads: int = 0

  def __post_init__(self):
    if self.temperature <= 0:
      raise UserError(f"DistillationLoss.temperature must be > 0, got "
                      f"{self.temperature}.")


@gin.configurable
def distilbert_loss(temperature: float = 2.0) -> DistillationLoss:
  """DistilBERT's weights: kd 5, mlm 2, hidden cosine 1, attention 0."""
  return DistillationLoss(5.0, 2.0, 1.0, 0.0, temperature)


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


def soft_cross_entropy(student_logits: Array, teacher_logits: Array,
                       weights: Array, temperature: float) -> Array:
  """Summed T^2-scaled cross entropy of student against teacher softmax."""
  teacher_probs = jax.nn.softmax(teacher_logits / temperature)
  student_log_probs = jax.nn.log_softmax(student_logits / temperature)
  per_position = -(teacher_probs * student_log_probs).sum(-1)
  return (per_position * weights).sum() * temperature**2


def cosine_distance(student: Array, teacher: Array, token_mask: Array) -> Array:
  """Mean over real tokens of 1 - cos(student, teacher) hidden vectors."""
  student = student.astype(jnp.float32)
  teacher = teacher.astype(jnp.float32)
  dot = (student * teacher).sum(-1)
  norms = jnp.linalg.norm(student, axis=-1) * jnp.linalg.norm(teacher, axis=-1)
  distance = 1.0 - dot / jnp.maximum(norms, 1e-6)
  return (distance * token_mask).sum() / jnp.maximum(token_mask.sum(), 1.0)


def _relations(vectors: Array, heads: int, mask: Array) -> Array:
  """[batch, len, h, d] -> log-softmax of scaled dot products per relation
  head, [batch, heads, len, len]; keys outside the query's example masked."""
  batch, length = vectors.shape[:2]
  split = vectors.reshape(batch, length, heads, -1).astype(jnp.float32)
  scores = jnp.einsum("bqhd,bkhd->bhqk", split, split)
  scores = scores / jnp.sqrt(split.shape[-1])
  scores = jnp.where(mask, scores, -1e9)
  return jax.nn.log_softmax(scores, axis=-1)


def attention_relation_kl(student: dict[str, Array], teacher: dict[str, Array],
                          heads: int, segment_ids: Array) -> Array:
  """MiniLM-v2 loss: KL(teacher || student) of Q-Q, K-K and V-V relations of
  the last layer, averaged over relation types, heads and real queries."""
  real = segment_ids > 0
  mask = layers.attention_mask(segment_ids)
  total = 0.0
  for name in ("query", "key", "value"):
    teacher_log = _relations(teacher[name][-1], heads, mask)
    student_log = _relations(student[name][-1], heads, mask)
    kl = (jnp.exp(teacher_log) * (teacher_log - student_log)).sum(-1)
    per_query = kl.mean(1)
    total += (per_query * real).sum() / jnp.maximum(real.sum(), 1)
  return total / 3.0


@gin.configurable
@dataclasses.dataclass(frozen=True)
class DistillationModel:
  """Student trained against a frozen teacher (the trainer's `frozen` input).

  `teacher_dtype` overrides the teacher's compute dtype (e.g. bfloat16 for a
  cheaper forward); `teacher_rules` shards the teacher with its own rules
  table (e.g. FSDP while the student stays data-parallel). `student_init="teacher_layers"` starts the student from
  every other teacher layer (DistilBERT), which needs equal widths.
  """

  student: EncoderConfig
  teacher: EncoderConfig
  masking_config: masking.MaskingConfig
  loss_config: DistillationLoss = DistillationLoss()
  teacher_dtype: str | None = None
  student_init: str = "scratch"
  teacher_rules: tuple | None = None

  def __post_init__(self):
    student, teacher = self.student, self.teacher
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
    if self.student_init not in STUDENT_INITS:
      raise UserError(f"DistillationModel.student_init must be one of "
                      f"{STUDENT_INITS}, got {self.student_init!r}.")
    if self.student_init == "teacher_layers" and any(
        getattr(student, name) != getattr(teacher, name)
        for name in ("embed_dim", "mlp_dim", "num_heads", "head_dim",
                     "pre_layer_norm", "type_vocab_size")):
      raise UserError("student_init='teacher_layers' needs the teacher's "
                      "widths and layout (embed, mlp, heads, pre-LN); use "
                      "'scratch' or a student of the teacher's width.")
    heads = self.loss_config.relation_heads or student.num_heads
    for name, config in (("teacher", teacher), ("student", student)):
      width = config.num_heads * config.head_dim
      if width % heads:
        raise UserError(
            f"The {name}'s attention width {width} does not split into "
            f"{heads} relation heads; set DistillationLoss.relation_heads to "
            "a common divisor.")

  @property
  def config(self) -> EncoderConfig:
    return self.student

  def _student(self, train: bool) -> DistillationStudent:
    return DistillationStudent(self.student, deterministic=not train,
                               teacher_embed_dim=self.teacher.embed_dim)

  def _teacher(self) -> MlmEncoder:
    config = self.teacher
    if self.teacher_dtype:
      config = dataclasses.replace(config, dtype=self.teacher_dtype)
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
    layered = bool(weights_cfg.hidden_weight or weights_cfg.attention_weight)
    mutable = ["intermediates"] if layered else False
    teacher_out = self._teacher().apply({"params": frozen}, *inputs,
                                        mutable=mutable)
    teacher_out = jax.lax.stop_gradient(teacher_out)
    student_out = self._student(train).apply(
        {"params": params}, *inputs, rngs={"dropout": dropout_rng},
        mutable=mutable)
    if layered:
      (teacher_logits, _), teacher_vars = teacher_out
      (student_logits, _), student_vars = student_out
    else:
      (teacher_logits, _), (student_logits, _) = teacher_out, student_out
    weight = masked.weights.sum()
    kd = soft_cross_entropy(student_logits, teacher_logits, masked.weights,
                            weights_cfg.temperature)
    mlm, correct = weighted_cross_entropy(student_logits, masked.targets,
                                          masked.weights)
    agree = jnp.argmax(student_logits, -1) == jnp.argmax(teacher_logits, -1)
    hidden = attention = jnp.zeros((), jnp.float32)
    if layered:
      teacher_layers = layer_outputs(teacher_vars["intermediates"],
                                     self.teacher)
      student_layers = layer_outputs(student_vars["intermediates"],
                                     self.student)
      hidden = self._hidden_loss(params, student_layers, teacher_layers,
                                 batch["segment_ids"], train)
      attention = attention_relation_kl(
          student_layers, teacher_layers,
          weights_cfg.relation_heads or self.student.num_heads,
          batch["segment_ids"])
    loss_sum = (weights_cfg.kd_weight * kd + weights_cfg.mlm_weight * mlm +
                (weights_cfg.hidden_weight * hidden +
                 weights_cfg.attention_weight * attention) * weight)
    return loss_sum, {
        "loss": loss_sum, "kd": kd, "mlm": mlm, "hidden": hidden * weight,
        "attention": attention * weight, "accuracy": correct,
        "agreement": (agree * masked.weights).sum(), "weight": weight}

  def _hidden_loss(self, params, student_layers, teacher_layers,
                   segment_ids: Array, train: bool) -> Array:
    pairs = self.loss_config.layer_map or ((-1, -1),)
    token_mask = (segment_ids > 0).astype(jnp.float32)
    total = 0.0
    for student_layer, teacher_layer in pairs:
      projected = self._student(train).apply(
          {"params": params}, student_layers["hidden"][student_layer],
          method=DistillationStudent.project)
      total += cosine_distance(projected,
                               teacher_layers["hidden"][teacher_layer],
                               token_mask)
    return total / len(pairs)

  def adjust_initial_params(self, params, frozen):
    """Fresh student params, or every other teacher layer (DistilBERT)."""
    if self.student_init == "scratch":
      return params
    if not (self.student.scan_layers and self.teacher.scan_layers):
      raise UserError("student_init='teacher_layers' needs scan_layers=True "
                      "for teacher and student.")
    if 2 * self.student.num_layers - 1 > self.teacher.num_layers:
      raise UserError(
          f"A {self.student.num_layers}-layer student needs a teacher with at "
          f"least {2 * self.student.num_layers - 1} layers to take every "
          f"other one; the teacher has {self.teacher.num_layers}.")
    copied = dict(params)
    copied["mlm_head"] = frozen["mlm_head"]
    encoder = dict(frozen["encoder"])
    encoder["layers"] = jax.tree.map(
        lambda t: t[::2][:self.student.num_layers], frozen["encoder"]["layers"])
    copied["encoder"] = encoder
    return copied
