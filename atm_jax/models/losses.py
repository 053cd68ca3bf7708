"""Every loss the models train with, as pure functions of logits, labels
and masks: MLM cross entropy, the fine-tuning heads' masked cross entropy,
and the distillation terms (soft targets, hidden-state cosine, MiniLMv2
attention relations). Each returns sums, so the trainer can average them
over the whole batch's `weight`."""
import functools

import jax
import jax.numpy as jnp

from atm_jax.models import layers

Array = jax.Array


def _softmax_parts(logits: Array, temperature: float = 1.0
                   ) -> tuple[Array, Array, Array]:
  """(row max, log partition, softmax) of `logits / temperature`,
  exponentiating once.

  The shift is the row max of the unscaled logits (max(x / T) is
  max(x) / T), so every loss and metric over the same logits takes the
  same maximum and XLA computes it once.
  """
  top = logits.max(-1)
  shifted = logits - top[..., None]
  if temperature != 1.0:
    shifted = shifted / temperature
  exps = jnp.exp(shifted)
  total = exps.sum(-1)
  return (top / temperature, top / temperature + jnp.log(total),
          exps / total[..., None])


def _cross_entropy_gradient(cotangent: Array, probs: Array,
                            target_probs: Array) -> Array:
  """The logits' gradient of cross entropy against `target_probs`, given
  the forward's softmax `probs`.

  Written out once: fused into each of the two vocabulary matmuls that
  read it, XLA:CPU recomputes it inside both at half their speed.
  """
  return jax.lax.optimization_barrier(
      cotangent[..., None] * (probs - target_probs))


@jax.custom_vjp
def _target_nll(logits: Array, targets: Array) -> tuple[Array, Array]:
  """(-log softmax(logits)[target], 1.0 where the target logit is largest)."""
  return _target_nll_forward(logits, targets)[0]


def _target_nll_forward(logits, targets):
  top, log_partition, probs = _softmax_parts(logits)
  is_target = jnp.arange(logits.shape[-1]) == targets[..., None]
  target_logit = jnp.where(is_target, logits, 0.0).sum(-1)
  correct = (target_logit >= top).astype(jnp.float32)
  return (log_partition - target_logit, correct), (probs, targets)


def _target_nll_backward(residuals, cotangents):
  probs, targets = residuals
  is_target = jnp.arange(probs.shape[-1]) == targets[..., None]
  return _cross_entropy_gradient(cotangents[0], probs,
                                 is_target.astype(probs.dtype)), None


_target_nll.defvjp(_target_nll_forward, _target_nll_backward)


def weighted_cross_entropy(logits: Array, targets: Array,
                           weights: Array) -> tuple[Array, Array]:
  """Summed cross entropy and summed correct-prediction count.

  Over a 150,016-piece vocabulary the exponentials are the costly part of
  the loss on CPU (as much as a tenth of a student's step), so the backward
  pass reuses the forward's softmax instead of exponentiating again (it
  keeps [rows, vocab] probabilities where plain autodiff keeps the logits).
  The target logit is picked with a one-hot mask, not a gather, and a
  prediction is correct when its target logit is the largest (no argmax):
  the gather's gradient (a scatter into a zeroed [batch, predictions,
  vocab] array) and argmax's paired reduction cost more and fuse less.
  """
  nll, correct = _target_nll(logits.astype(jnp.float32), targets)
  return (nll * weights).sum(), (correct * weights).sum()


def masked_cross_entropy(logits: Array, labels: Array,
                         mask: Array) -> tuple[Array, Array]:
  """Per-row cross entropy and correctness (id 0 never predicted), masked."""
  logits = logits.astype(jnp.float32).at[..., 0].set(-1e9)
  log_probs = jax.nn.log_softmax(logits)
  nll = -jnp.take_along_axis(log_probs, labels[..., None], axis=-1)[..., 0]
  correct = (jnp.argmax(logits, -1) == labels).astype(jnp.float32)
  return nll * mask, correct * mask


def class_cross_entropy(logits: Array, labels: Array,
                        mask: Array) -> tuple[Array, Array]:
  """Summed cross entropy and correct count of one class per row (every
  class can be predicted, unlike the NLU heads' id 0), masked."""
  logits = logits.astype(jnp.float32)
  log_probs = jax.nn.log_softmax(logits)
  nll = -jnp.take_along_axis(log_probs, labels[:, None], -1)[:, 0]
  correct = jnp.argmax(logits, -1) == labels
  return (nll * mask).sum(), (correct * mask).sum()


@functools.partial(jax.custom_vjp, nondiff_argnums=(2,))
def _soft_nll(student_logits: Array, teacher_logits: Array,
              temperature: float) -> Array:
  """-(softmax(teacher / T) . log_softmax(student / T)) per row; no
  gradient reaches the teacher."""
  return _soft_nll_forward(student_logits, teacher_logits, temperature)[0]


def _soft_nll_forward(student_logits, teacher_logits, temperature):
  _, _, teacher_probs = _softmax_parts(teacher_logits, temperature)
  _, log_partition, student_probs = _softmax_parts(student_logits,
                                                   temperature)
  # The teacher's probabilities sum to 1, so the log-softmax's shift (the
  # log partition) comes out of the dot product whole.
  nll = log_partition - (teacher_probs * student_logits).sum(-1) / temperature
  return nll, (student_probs, teacher_probs)


def _soft_nll_backward(temperature, residuals, cotangent):
  student_probs, teacher_probs = residuals
  return _cross_entropy_gradient(cotangent / temperature, student_probs,
                                 teacher_probs), None


_soft_nll.defvjp(_soft_nll_forward, _soft_nll_backward)


def soft_cross_entropy(student_logits: Array, teacher_logits: Array,
                       weights: Array, temperature: float) -> Array:
  """Summed T^2-scaled cross entropy of student against teacher softmax.

  As in `weighted_cross_entropy`, the backward pass reuses the forward's
  student softmax: over the full vocabulary its exponentials are most of
  what distillation adds to a small student's step.
  """
  per_position = _soft_nll(student_logits.astype(jnp.float32),
                           teacher_logits.astype(jnp.float32), temperature)
  return (per_position * weights).sum() * temperature**2


def top_agreement(student_logits: Array, teacher_logits: Array) -> Array:
  """1.0 where the teacher's largest logit lies at the student's largest
  (at one of them, on a tie), per row.

  Two maxima and a masked maximum rather than two argmaxes: XLA:CPU runs
  argmax's paired (value, index) reduction over a 150,016-piece vocabulary
  about 3x slower than these three passes.
  """
  student_top = student_logits.max(-1, keepdims=True)
  teacher_at_student_top = jnp.where(student_logits >= student_top,
                                     teacher_logits, -jnp.inf).max(-1)
  return (teacher_at_student_top >= teacher_logits.max(-1)).astype(
      jnp.float32)


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
  head, [batch, heads, len, len]; keys outside the query's example masked.
  The model's own heads are concatenated and re-split, so `heads` need not
  be the model's head count (MiniLMv2)."""
  batch, length = vectors.shape[:2]
  split = vectors.reshape(batch, length, heads, -1).astype(jnp.float32)
  scores = jnp.einsum("bqhd,bkhd->bhqk", split, split)
  scores = scores / jnp.sqrt(split.shape[-1])
  scores = jnp.where(mask, scores, -1e9)
  return jax.nn.log_softmax(scores, axis=-1)


def attention_relation_kl(student: dict[str, Array], teacher: dict[str, Array],
                          heads: int, segment_ids: Array,
                          student_layer: int = -1,
                          teacher_layer: int = -1) -> Array:
  """MiniLMv2 loss: KL(teacher || student) of Q-Q, K-K and V-V relations of
  one layer of each, averaged over relation types, heads and real queries."""
  real = segment_ids > 0
  mask = layers.attention_mask(segment_ids)
  total = 0.0
  for name in ("query", "key", "value"):
    teacher_log = _relations(teacher[name][teacher_layer], heads, mask)
    student_log = _relations(student[name][student_layer], heads, mask)
    kl = (jnp.exp(teacher_log) * (teacher_log - student_log)).sum(-1)
    per_query = kl.mean(1)
    total += (per_query * real).sum() / jnp.maximum(real.sum(), 1)
  return total / 3.0
