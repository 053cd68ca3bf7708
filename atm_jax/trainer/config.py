"""What one training run does, bound from gin and checked before any work."""
import dataclasses
from collections.abc import Callable, Iterator

import gin

from atm_jax.errors import UserError
from atm_jax.field_types import check_field_types


@gin.configurable
@dataclasses.dataclass(frozen=True)
class TrainConfig:
  """A training run on `task`: a registration to call when the run is
  prepared (`@register_text_mlm`, no parentheses, so reading the config
  registers nothing), or the name of a SeqIO task or mixture registered
  elsewhere.

  `eval_every=0` evaluates only at the end. `init_checkpoint` seeds a new run
  (Stage 2, fine-tuning) when MODEL_DIR holds no checkpoint yet; the
  assignment map is a tuple of (regex over target parameter path, source path
  or None to keep the fresh value). `teacher_checkpoint` gives a
  distillation model its frozen teacher (a run dir or checkpoint).
  `batches` yields the task's batches (default: packed MLM batches, `pack`
  switching packing); fine-tuning binds e.g. `@nlu_batches`.

  `spike_factor` (k) turns on the loss spike guard: a step whose loss exceeds
  k times the running mean of past losses is skipped (params and optimizer
  state kept, the step counted), so a diverged but finite state is never
  saved; None (the default) turns it off. `spike_decay` is the decay of that
  running mean (an exponential moving average) and `spike_warmup` the number
  of steps whose loss feeds the mean before the guard may skip one.
  """

  model_dir: str
  task: str | Callable[[], object]
  train_steps: int
  batch_size: int
  sequence_length: int
  num_microbatches: int = 1
  seed: int = 0
  log_every: int = 10
  eval_every: int = 0
  eval_batches: int = 20
  checkpoint_every: int = 500
  keep_checkpoints: int = 3
  init_checkpoint: str | None = None
  init_assignment_map: tuple[tuple[str, str | None], ...] = ()
  init_fallback_to_scratch: bool = True
  teacher_checkpoint: str | None = None
  batches: Callable[..., Iterator[dict]] | None = None
  pack: bool = True
  spike_factor: float | None = None
  spike_decay: float = 0.99
  spike_warmup: int = 20

  def __post_init__(self):
    check_field_types(self)
    if not self.model_dir:
      raise UserError("MODEL_DIR is empty; set it with "
                      "--gin.MODEL_DIR=\"'/path/to/run'\".")
    for name in ("train_steps", "batch_size", "sequence_length",
                 "num_microbatches", "log_every", "eval_batches",
                 "checkpoint_every"):
      if getattr(self, name) <= 0:
        raise UserError(f"TrainConfig.{name} must be positive, got "
                        f"{getattr(self, name)}.")
    if self.spike_factor is not None and not self.spike_factor > 1:
      raise UserError(f"TrainConfig.spike_factor must be above 1 (or None to "
                      f"turn the spike guard off), got {self.spike_factor}.")
    if not 0 < self.spike_decay < 1:
      raise UserError(f"TrainConfig.spike_decay must be between 0 and 1, got "
                      f"{self.spike_decay}.")
    if self.spike_warmup < 1:
      raise UserError(f"TrainConfig.spike_warmup must be at least 1 (the first "
                      f"loss starts the mean), got {self.spike_warmup}.")
