"""Optimizers (AdamW, LAMB) with warm-up + decay schedules and clipping."""
import dataclasses

import gin
import jax
import optax

from atm_jax.errors import UserError
from atm_jax.field_types import check_field_types

OPTIMIZERS = ("adamw", "lamb")
DECAYS = ("linear", "cosine", "rsqrt", "constant")
# Parameters that get weight decay; biases and LayerNorm scales do not.
_DECAYED_NAMES = frozenset({"kernel", "token_embedding", "position_embedding",
                            "type_embedding"})


@gin.configurable
@dataclasses.dataclass(frozen=True)
class OptimizerConfig:
  """What optimises the parameters; `clip_norm=0` turns clipping off."""

  name: str = "adamw"
  peak_learning_rate: float = 1e-3
  warmup_steps: int = 1000
  decay: str = "linear"
  final_learning_rate_fraction: float = 0.0
  weight_decay: float = 0.01
  b1: float = 0.9
  b2: float = 0.98
  eps: float = 1e-6
  clip_norm: float = 1.0

  def __post_init__(self):
    check_field_types(self)
    if self.name not in OPTIMIZERS:
      raise UserError(f"OptimizerConfig.name must be one of {OPTIMIZERS}, "
                      f"got {self.name!r}.")
    if self.decay not in DECAYS:
      raise UserError(f"OptimizerConfig.decay must be one of {DECAYS}, got "
                      f"{self.decay!r}.")
    if self.warmup_steps < 0 or self.peak_learning_rate <= 0:
      raise UserError("OptimizerConfig needs warmup_steps >= 0 and "
                      "peak_learning_rate > 0.")


def _decay_schedule(config: OptimizerConfig, steps: int) -> optax.Schedule:
  peak = config.peak_learning_rate
  end = peak * config.final_learning_rate_fraction
  steps = max(steps, 1)
  if config.decay == "linear":
    return optax.linear_schedule(peak, end, steps)
  if config.decay == "cosine":
    return optax.cosine_decay_schedule(peak, steps,
                                       config.final_learning_rate_fraction)
  if config.decay == "rsqrt":
    warmup = max(config.warmup_steps, 1)
    return lambda count: peak * jax.lax.rsqrt((count + warmup) / warmup)
  return optax.constant_schedule(peak)


def learning_rate_schedule(config: OptimizerConfig,
                           total_steps: int) -> optax.Schedule:
  """Linear warm-up from 0 to the peak, then the configured decay."""
  decay = _decay_schedule(config, total_steps - config.warmup_steps)
  if not config.warmup_steps:
    return decay
  warmup = optax.linear_schedule(0.0, config.peak_learning_rate,
                                 config.warmup_steps)
  return optax.join_schedules([warmup, decay], [config.warmup_steps])


def _parameter_name(path) -> str:
  """Last dict key of a path (skips the `value` field of flax boxes)."""
  return [k.key for k in path if isinstance(k, jax.tree_util.DictKey)][-1]


def weight_decay_mask(params):
  """True for kernels and embedding tables, False for biases and norms."""
  return jax.tree_util.tree_map_with_path(
      lambda path, _: _parameter_name(path) in _DECAYED_NAMES, params)


def make_optimizer(config: OptimizerConfig,
                   total_steps: int) -> optax.GradientTransformation:
  schedule = learning_rate_schedule(config, total_steps)
  if config.name == "adamw":
    base = optax.adamw(schedule, b1=config.b1, b2=config.b2, eps=config.eps,
                       weight_decay=config.weight_decay,
                       mask=weight_decay_mask)
  else:
    base = optax.lamb(schedule, b1=config.b1, b2=config.b2, eps=config.eps,
                      weight_decay=config.weight_decay, mask=weight_decay_mask)
  if config.clip_norm:
    return optax.chain(optax.clip_by_global_norm(config.clip_norm), base)
  return base
