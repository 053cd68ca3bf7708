"""Other views of a fine-tuned run's NLU split, for `atm_jax.eval`: the same
split of another MASSIVE locale (zero-shot) or the split in spoken form.

Each view is registered as a task of its own that shares the run's task
preprocessors (its vocabulary and label ids), so `nlu_batches` serves it as
it serves the run's task, and gold labels the run never saw become id 0,
which counts as an error. Views are built before any checkpoint is read, so a
bad setting fails first. Locale files are looked for beside the files the
run's task was read from (`RegisteredTask.data_dir`), so eval.gin names no
NLU setting and also serves XNLI runs.
"""
from __future__ import annotations

import os
import re
from collections.abc import Sequence

import seqio
import tensorflow as tf

from atm_jax import fs
from atm_jax.data import nlu_batches, registry
from atm_jax.data.nlu_formats import NluExample, read_massive
from atm_jax.data.spoken_labels import spoken_example
from atm_jax.errors import UserError

SPOKEN_VIEW = "spoken"
# Task split -> MASSIVE's `partition`.
MASSIVE_PARTITIONS = {"train": "train", "validation": "dev", "test": "test"}


def massive_folder(data_dir: str) -> str:
  """The folder of MASSIVE's <locale>.jsonl files: NLU_DATA_DIR itself, or the
  folder holding the file it names."""
  return data_dir if fs.isdir(data_dir) else os.path.dirname(data_dir)


def locale_files(folder: str) -> dict[str, str]:
  """Locale -> path of each `<locale>.jsonl` in `folder`."""
  names = fs.listdir(folder) if fs.isdir(folder) else []
  return {name[:-len(".jsonl")]: os.path.join(folder, name)
          for name in sorted(names) if name.endswith(".jsonl")}


def _locale_split(path: str, locale: str, split: str) -> list[NluExample]:
  partition = MASSIVE_PARTITIONS.get(split, split)
  examples = read_massive(path).get(partition, [])
  if not examples:
    raise UserError(f"{path} has no {partition!r} examples; remove {locale} "
                    "from EVAL_LOCALES or evaluate another EVAL_SPLIT.")
  return examples


def registered_data(task: registry.RegisteredTask) -> tuple[str, str]:
  """(data_dir, data_format) the task's examples were read from."""
  if not (task.data_dir and task.data_format):
    raise UserError(f"EVAL_LOCALES needs the folder task {task.name!r} was "
                    "read from, and it names none; evaluate a task registered "
                    "by tasks.nlu.register_nlu_task.")
  return task.data_dir, task.data_format


def locale_splits(locales: Sequence[str], split: str, data_dir: str,
                  data_format: str) -> dict[str, list[NluExample]]:
  """The `split` examples of each locale's file beside the run's NLU data."""
  if data_format != "massive":
    raise UserError(f"EVAL_LOCALES needs MASSIVE data, but NLU_FORMAT is "
                    f"{data_format!r}; leave EVAL_LOCALES empty.")
  folder = massive_folder(data_dir)
  found = locale_files(folder)
  missing = [locale for locale in locales if locale not in found]
  if missing:
    raise UserError(
        f"No <locale>.jsonl for {', '.join(missing)} in {folder}; set "
        f"EVAL_LOCALES to locales found there: "
        f"{', '.join(found) or 'none'}.")
  return {locale: _locale_split(found[locale], locale, split)
          for locale in locales}


def task_examples(task_name: str, split: str) -> list[NluExample]:
  """A registered NLU task's `split`, read back from its source."""
  dataset = nlu_batches.nlu_task(task_name, split).source.get_dataset(
      split=split, shuffle=False)
  return [NluExample(words=tuple(w.decode() for w in row["words"]),
                     tags=tuple(t.decode() for t in row["gold_tags"]),
                     intent=row["gold_intent"].decode(),
                     id=row["id"].decode(), locale=row["locale"].decode())
          for row in dataset.as_numpy_iterator()]


def _source(split: str, examples: list[NluExample],
            signature: dict) -> seqio.FunctionDataSource:
  def dataset_fn(split: str, shuffle_files: bool,
                 seed: int | None = None) -> tf.data.Dataset:
    del split, shuffle_files, seed

    def generate():
      for example in examples:
        yield {"id": example.id, "locale": example.locale,
               "text": " ".join(example.words), "words": list(example.words),
               "gold_tags": list(example.tags),
               "gold_intent": example.intent}

    return tf.data.Dataset.from_generator(generate, output_signature=signature)

  return seqio.FunctionDataSource(dataset_fn, splits=(split,),
                                  num_input_examples={split: len(examples)})


def register_view(task_name: str, view: str, split: str,
                  examples: list[NluExample]) -> str:
  """Registers `examples` as the `split` of a task like `task_name`; returns
  the new task's name. Its labels are `task_name`'s, so a view is scored
  with the model sized for that task."""
  task = nlu_batches.nlu_task(task_name, split)
  name = re.sub(r"[^\w.]", "_", f"{task_name}.{view}")
  signature = task.source.get_dataset(split=split, shuffle=False).element_spec
  registry.reregister(
      seqio.TaskRegistry, name, source=_source(split, examples, signature),
      preprocessors=task.preprocessors, output_features=task.output_features,
      shuffle_buffer_size=max(len(examples), 1))
  return name


def register_views(task: registry.RegisteredTask, split: str,
                   locales: Sequence[str],
                   spoken_form: bool) -> dict[str, str]:
  """View name (a locale, or "spoken") -> the task that holds its examples."""
  if isinstance(locales, str):
    raise UserError(f"EVAL_LOCALES must be a list, not the string "
                    f"{locales!r}; write it as "
                    "--gin.EVAL_LOCALES=\"['de-DE']\".")
  task_name = task.name
  nlu_batches.nlu_task(task_name, split)
  views = dict(locale_splits(locales, split, *registered_data(task))
               if locales else {})
  if spoken_form:
    views[SPOKEN_VIEW] = [spoken_example(example)
                          for example in task_examples(task_name, split)]
  return {view: register_view(task_name, view, split, examples)
          for view, examples in views.items()}
