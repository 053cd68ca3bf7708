"""The whole interface a model offers the trainer, the evaluator and the
planner, with the defaults a model that needs nothing more inherits.

A model is a frozen dataclass around flax modules. The trainer calls
`for_task` once (heads sized by the task's labels), `init`/`frozen_init`
under `jax.eval_shape` to lay out parameters, `adjust_initial_params` once on
a fresh start, then `loss` inside the jitted step; the evaluator calls
`predict`.
"""
from typing import Any

import jax

from atm_jax.errors import UserError

Batch = dict[str, jax.Array]
Metrics = dict[str, jax.Array]


class Model:
  """Base of every model; subclasses define `init` and `loss` at least."""

  # Partitioning rules for the frozen parameters, when they should be laid
  # out differently from the trained ones (None: the run's rules).
  teacher_rules: tuple | None = None

  def for_task(self, task) -> "Model":
    """This model fitted to a registered task (`data.registry.RegisteredTask`);
    heads sized by its labels. Models without labelled heads ignore it."""
    del task
    return self

  def init(self, rng: jax.Array, batch_size: int, length: int) -> Any:
    """Boxed (logically annotated) flax variables; called under eval_shape."""
    raise NotImplementedError

  def frozen_init(self, rng: jax.Array, batch_size: int, length: int) -> Any:
    """Variables used but never trained (a distillation teacher), or None."""
    del rng, batch_size, length
    return None

  def adjust_initial_params(self, params, frozen):
    """Parameters of a fresh start, given the frozen ones (e.g. a student
    copying teacher layers); unchanged by default."""
    del frozen
    return params

  def loss(self, params, batch: Batch, rng: jax.Array, train: bool,
           frozen=None) -> tuple[jax.Array, Metrics]:
    """(summed loss, summed metrics including `weight`, what they average
    over) of one (micro)batch."""
    raise NotImplementedError

  def predict(self, params, batch: Batch) -> dict[str, jax.Array]:
    """Predicted label ids per row (and per word), for evaluation."""
    raise UserError(f"{type(self).__name__} makes no predictions; evaluate a "
                    "run fine-tuned on an NLU or XNLI task.")
