"""Looking up and (re)registering SeqIO tasks and mixtures by name.

Tasks here are registered from each run's config, so a process may register
the same name twice, and a mistyped name should say which names exist.
"""
import dataclasses
import difflib
from collections.abc import Callable
from typing import Any

import seqio

from atm_jax import hosts
from atm_jax.errors import UserError

_FEATURE = "targets"


def provider(task_name: str) -> seqio.DatasetProviderBase:
  """The registered task or mixture; an unknown name is a UserError that
  names the closest registered ones."""
  try:
    return seqio.get_mixture_or_task(task_name)
  except ValueError as error:
    registered = [*seqio.TaskRegistry.names(), *seqio.MixtureRegistry.names()]
    nearest = difflib.get_close_matches(task_name, registered, n=3, cutoff=0.6)
    hint = (f" (closest registered: {', '.join(map(repr, nearest))})" if nearest
            else "")
    raise UserError(
        f"No SeqIO task or mixture is registered as {task_name!r}{hint}; fix "
        "the name or register it first (e.g. "
        "tasks.text_mlm.register_text_mlm).") from error


def reregister(registry, name: str, *args, **kwargs):
  """`registry.add(name, ...)`, replacing an earlier registration: tasks are
  registered from each run's config, and a process may register twice."""
  if name in registry.names():
    registry.remove(name)
  return registry.add(name, *args, **kwargs)


def num_pieces(task_name: str) -> int:
  """Vocabulary size of the task's tokens, which sizes the model's embedding."""
  return provider(task_name).output_features[_FEATURE].vocabulary.vocab_size


@dataclasses.dataclass(frozen=True)
class RegisteredTask:
  """What registering a task hands the trainer and the evaluator: the name to
  read batches by, the vocabulary of its tokens, and the label vocabularies
  a model sizes its heads by (None for tasks without labels, such as MLM).
  A labelled task read from files also says where (`data_dir`, in
  `data_format`), so evaluation can find other locales beside them."""

  name: str
  vocabulary: seqio.Vocabulary
  labels: Any = None
  data_dir: str | None = None
  data_format: str | None = None


# A run file binds the task as a registration to call (`@register_x`, no
# parentheses) so that reading the config registers nothing; the trainer
# calls it when it prepares the run. A plain name is a task registered
# elsewhere, e.g. by the user's own SeqIO code.
TaskSource = str | RegisteredTask | Callable[[], "str | RegisteredTask"]


def registered(task: TaskSource) -> RegisteredTask:
  """Registers `task` if it is a registration still to call, and returns
  what it registered; a plain name is looked up (it has no labels).

  A registration may write files it then reuses (a vocabulary trained into
  the run dir, labels.json): process 0 registers first, the others after it.
  """
  if callable(task) and not isinstance(task, RegisteredTask):
    task = hosts.lead_first("register-task", task)
  if isinstance(task, RegisteredTask):
    return task
  features = provider(task).output_features
  return RegisteredTask(task, next(iter(features.values())).vocabulary)
