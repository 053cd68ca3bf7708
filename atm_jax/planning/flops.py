"""FLOPs of a train step, counted two ways that do not share code.

`jaxpr_matmul_flops` walks the traced step (whole program, every device
together) and multiplies loop bodies by their trip counts, so rematerialised
forward passes are included, and `shard_map` bodies (one device's shapes) by
the devices that run them. `model_flops` is the usual analytic estimate:
6 x non-embedding parameters x tokens, plus attention scores and the MLM
head; MFU is defined against it. XLA's own `cost_analysis()` is per device
and counts each while-loop body once (scanned layers, microbatches), so on a
scanned model it is far below either; it is reported as XLA gives it.
"""
import math

from jax import extend

from atm_jax.models.config import EncoderConfig
from atm_jax.models.param_count import count_parameters


def _sub_jaxprs(value):
  if isinstance(value, extend.core.ClosedJaxpr):
    yield value.jaxpr
  elif isinstance(value, extend.core.Jaxpr):
    yield value
  elif isinstance(value, (tuple, list)):
    for item in value:
      yield from _sub_jaxprs(item)


def _copies(eqn) -> int:
  """How many devices run the body of `eqn`: a shard_map's is one device's
  share, run on every device of its manual axes."""
  if eqn.primitive.name != "shard_map":
    return 1
  mesh = eqn.params["mesh"]
  return math.prod(mesh.shape[a] for a in eqn.params["newly_manual_axes"])


def jaxpr_matmul_flops(jaxpr) -> float:
  """2 x multiply-adds of every dot_general; scans times their length, a
  shard_map times its devices, a cond as its most expensive branch, a while
  loop once."""
  jaxpr = getattr(jaxpr, "jaxpr", jaxpr)
  total = 0.0
  for eqn in jaxpr.eqns:
    if eqn.primitive.name == "dot_general":
      (lhs_contract, _), _ = eqn.params["dimension_numbers"]
      lhs_shape = eqn.invars[0].aval.shape
      contracted = math.prod(lhs_shape[d] for d in lhs_contract)
      total += 2.0 * math.prod(eqn.outvars[0].aval.shape) * contracted
      continue
    inner = [jaxpr_matmul_flops(sub) for value in eqn.params.values()
             for sub in _sub_jaxprs(value)]
    if not inner:
      continue
    if eqn.primitive.name == "cond":
      total += max(inner)
    else:
      total += sum(inner) * eqn.params.get("length", 1) * _copies(eqn)
  return total


def encoder_flops(config: EncoderConfig, batch_size: int, length: int,
                  predictions: int, passes: int) -> float:
  """Matmul FLOPs of `passes` x (2 x params x tokens): 1 for a forward,
  3 for forward and backward. Counts layers on every token, attention
  scores and values, and the tied output layer at predicted positions."""
  tokens = batch_size * length
  non_embedding = count_parameters(config)["non_embedding"]
  attention = 4 * config.num_layers * length * config.num_heads * \
      config.head_dim * tokens
  head = 2 * batch_size * predictions * config.embed_dim * config.vocab_size
  return passes * (2 * non_embedding * tokens + attention + head)


def model_flops(model, batch_size: int, length: int) -> dict[str, float]:
  """Model FLOPs of one train step: `trained` (the trained encoder forward
  and backward), `teacher_forward` (a frozen teacher's forward, 0 without
  one) and their `total`."""
  predictions = model.masking_config.max_predictions(length)
  trained = encoder_flops(model.config, batch_size, length, predictions, 3)
  teacher = getattr(model, "teacher", None)
  teacher_forward = (0.0 if teacher is None else
                     encoder_flops(teacher, batch_size, length, predictions, 1))
  return {"trained": trained, "teacher_forward": teacher_forward,
          "total": trained + teacher_forward}
