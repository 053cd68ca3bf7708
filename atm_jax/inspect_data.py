"""`python -m atm_jax.inspect_data`: print a task's examples as the model gets them.

  python -m atm_jax.inspect_data --gin_file=gin_configs/experiments/stage1_tatoeba_tiny.gin \
      --gin.MODEL_DIR="'/tmp/stage1'" --gin.TEXT_GLOB="'/data/tatoeba.*'" -n 3
  python -m atm_jax.inspect_data --module=tasks.my_corpus --task=my_task --split=validation

With gin files the run's task (TrainConfig.task) is registered exactly as
training would register it, and is the default --task. For each example every
feature is printed: token features as decoded text, pieces and ids; text as
text; anything else (labels, masks) as its values.
"""
import importlib
import itertools
from typing import Any, Mapping

from absl import flags

from atm_jax import cli
from atm_jax.errors import UserError

cli.define_gin_flags()
_TASK = flags.DEFINE_string("task", None, "Registered SeqIO task or mixture; "
                            "default: the gin config's TrainConfig.task.")
_SPLIT = flags.DEFINE_string("split", "train", "Split to read.")
_NUM_EXAMPLES = flags.DEFINE_integer("num_examples", 3, "Examples to print.",
                                     short_name="n", lower_bound=1)
_SEQUENCE_LENGTH = flags.DEFINE_integer(
    "sequence_length", 128, "Token features are cut to this length, as in training.")
_SHUFFLE = flags.DEFINE_bool("shuffle", False, "Shuffle as training does "
                             "(default: the first examples, in file order).")
_SEED = flags.DEFINE_integer("seed", 0, "Seed of the shuffle and the mixing.")
_MODULE = flags.DEFINE_multi_string(
    "module", [], "Module to import first for the tasks it registers, e.g. tasks.nlu.")
FLAGS = flags.FLAGS


def _import_modules(names: list[str]) -> None:
  for name in names:
    try:
      importlib.import_module(name)
    except ImportError as error:
      raise UserError(f"--module={name} cannot be imported ({error}); give a "
                      "module path such as tasks.text_mlm.") from error


def _configured_task() -> str | None:
  """Registers the gin config's task the way training does; returns its name."""
  import gin  # pylint: disable=g-import-not-at-top
  try:
    task = gin.query_parameter("TrainConfig.task")
  except ValueError:
    return None
  from atm_jax.data import registry  # pylint: disable=g-import-not-at-top  (TensorFlow)
  if isinstance(task, gin.config.ConfigurableReference):
    task = task.scoped_configurable_fn()
  return registry.registered(task).name


def _dataset(provider: Any, split: str) -> Any:
  """The provider's examples, token features cut as in training. A mixture
  keeps only its output features unless told, so it is told to keep every
  feature all its tasks' examples have (a task's `language`, say)."""
  import seqio  # pylint: disable=g-import-not-at-top  (TensorFlow: fast --help)
  kwargs = {"sequence_length": {name: _SEQUENCE_LENGTH.value
                                for name in provider.output_features},
            "split": split, "shuffle": _SHUFFLE.value, "seed": _SEED.value,
            "num_epochs": 1}
  if isinstance(provider, seqio.Mixture):
    features = [set(task.get_dataset(**kwargs).element_spec)
                for task in provider.tasks if split in task.splits]
    kwargs["passthrough_features"] = sorted(set.intersection(*features))
  return provider.get_dataset(**kwargs)


def _examples(task_name: str) -> tuple[Any, list[dict[str, Any]]]:
  from atm_jax.data import registry  # pylint: disable=g-import-not-at-top  (TensorFlow)
  provider = registry.provider(task_name)
  if _SPLIT.value not in provider.splits:
    raise UserError(f"{task_name!r} has no split {_SPLIT.value!r}; use one of "
                    f"{sorted(provider.splits)}.")
  dataset = _dataset(provider, _SPLIT.value)
  return provider, list(itertools.islice(dataset.as_numpy_iterator(),
                                         _NUM_EXAMPLES.value))


def describe(example: Mapping[str, Any], output_features: Mapping[str, Any]) -> str:
  """One example, feature by feature, for a person to read."""
  lines = []
  for name, value in example.items():
    vocabulary = getattr(output_features.get(name), "vocabulary", None)
    if vocabulary is not None and getattr(value, "dtype", None) is not None and \
        value.dtype.kind in "iu":
      ids = [int(i) for i in value.ravel()]
      lines.append(f"  {name}: {vocabulary.decode(ids)!r}")
      lines.append(f"    pieces ({len(ids)}): "
                   + " ".join(vocabulary.tokenizer.IdToPiece(i) for i in ids))
      lines.append(f"    ids: {ids}")
    elif isinstance(value, bytes):
      lines.append(f"  {name}: {value.decode('utf-8', errors='replace')!r}")
    else:
      lines.append(f"  {name}: {value.tolist() if hasattr(value, 'tolist') else value}")
  return "\n".join(lines)


def _inspect() -> None:
  _import_modules(FLAGS.module)
  task_name = _TASK.value
  if FLAGS.gin_file:
    from atm_jax import configurables  # noqa: F401  pylint: disable=g-import-not-at-top,unused-import
    cli.parse_gin(FLAGS.gin_file, FLAGS.gin_bindings)
    configured = _configured_task()
    task_name = task_name or configured
  if not task_name:
    raise UserError("No task to inspect; pass --task=NAME, or a --gin_file "
                    "that sets TrainConfig.task.")
  provider, examples = _examples(task_name)
  for number, example in enumerate(examples, start=1):
    print(f"{task_name} / {_SPLIT.value} example {number}:")
    print(describe(example, provider.output_features))
  if len(examples) < _NUM_EXAMPLES.value:
    print(f"({task_name} / {_SPLIT.value} has only {len(examples)} examples.)")


def run() -> None:
  """Console-script entry point."""
  cli.launch(_inspect, __doc__)


if __name__ == "__main__":
  run()
