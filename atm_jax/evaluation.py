"""Evaluating checkpoints of a fine-tuning run on a task split.

For each checkpoint: restore the parameters, predict every example, turn ids
back into labels, score with `atm_jax.metrics`, and write, under
`RUN_DIR/eval/<split>/`, `metrics-<step>.json`, `predictions-<step>.jsonl`
(one utterance per line: text, gold and predicted intent and slots) and
TensorBoard events. A step whose metrics files exist is skipped, so a rerun
(or a continuous evaluator beside training) only does new work. On several
hosts, every host reads the whole split and scores its devices' rows of each
batch; the predictions come back whole to every host and process 0 alone
writes them.

NLU runs can also be scored on views of the split (`atm_jax.data.nlu_views`:
other MASSIVE locales, the spoken form) with the same compiled predict
function: each view writes the same two files under `views/<view>/`, its
metrics sit under `"views"` in the main metrics file and its TensorBoard
scalars are `<split>/<view>/<metric>`.
"""
import json
import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence

import gin
import jax
import numpy as np
from clu import metric_writers

from atm_jax import fs
from atm_jax import hosts, metrics
from atm_jax.checkpoints.init_from import find_checkpoint, restore_params
from atm_jax.data import nlu_views, registry
from atm_jax.data.rows import numeric_arrays
from atm_jax.errors import UserError
from atm_jax.partitioning.mesh import MeshConfig, create_mesh
from atm_jax.partitioning.partitioner import Partitioner


@gin.configurable
def run_directory(checkpoint_path: str = gin.REQUIRED) -> str:
  """The run dir a checkpoint path belongs to (it holds labels.json)."""
  checkpoints_dir, _ = find_checkpoint(checkpoint_path)
  return os.path.dirname(checkpoints_dir.rstrip("/"))


def checkpoint_steps(checkpoint_path: str) -> tuple[str, list[int]]:
  """(checkpoints dir, steps): one step for a step dir, all for a run dir."""
  checkpoints_dir, latest = find_checkpoint(checkpoint_path)
  if os.path.basename(checkpoint_path.rstrip("/")).isdigit():
    return checkpoints_dir, [latest]
  steps = sorted(int(name) for name in fs.listdir(checkpoints_dir)
                 if name.isdigit())
  return checkpoints_dir, steps


def decode_nlu(batch: dict, predicted: dict, labels) -> Iterator[dict]:
  """One prediction record per real row, words dropped by truncation 'O'."""
  for row in np.flatnonzero(batch["example_mask"]):
    gold_tags = str(batch["gold_tags"][row]).split()
    words = int(batch["word_mask"][row].sum())
    tags = [labels.slot_tags[i] for i in predicted["slot_ids"][row][:words]]
    tags += ["O"] * (len(gold_tags) - len(tags))
    yield {"id": str(batch["id"][row]), "text": str(batch["text"][row]),
           "gold_intent": str(batch["gold_intent"][row]),
           "predicted_intent": labels.intents[predicted["intent"][row]],
           "gold_tags": gold_tags, "predicted_tags": tags}


def score_nlu(records: list[dict], labels) -> dict:
  return metrics.nlu_report(
      [r["gold_intent"] for r in records],
      [r["predicted_intent"] for r in records],
      [r["gold_tags"] for r in records], [r["predicted_tags"] for r in records],
      known_intents=labels.intents, known_tags=labels.slot_tags)


def _write_json(path: str, value) -> None:
  """Atomic: a reader never sees half a metrics file."""
  partial = f"{path}.partial"
  with fs.open(partial, "w") as f:
    json.dump(value, f, indent=1, sort_keys=True)
  fs.replace(partial, path)


def _write_predictions(path: str, records: list[dict]) -> None:
  with fs.open(path, "w") as f:
    f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def _earlier_views(path: str) -> dict:
  """Views an earlier evaluation of this step wrote, kept when a rerun adds
  others."""
  if not fs.exists(path):
    return {}
  with fs.open(path) as f:
    return json.load(f).get("views", {})


class Evaluator:
  """Scores checkpoints of one model on one split of a task; subclasses say
  how predictions become records and records become metrics."""

  def __init__(self, model, task: registry.RegisteredTask, split: str,
               sequence_length: int, batch_size: int, batches: Callable,
               output_dir: str, views: Mapping[str, str] | None = None):
    self.model = model.for_task(task)
    self.task, self.split, self.batches = task.name, split, batches
    self.sequence_length, self.batch_size = sequence_length, batch_size
    self.output_dir = output_dir
    self.views = dict(views or {})  # view name -> task holding its examples
    fs.makedirs(output_dir)
    self.partitioner = Partitioner(create_mesh(MeshConfig()))
    self.abstract, shardings = self.partitioner.abstract_state(
        lambda rng: self.model.init(rng, 1, sequence_length)["params"],
        jax.random.key(0))
    self._predict = jax.jit(
        self.model.predict,
        in_shardings=(shardings, self.partitioner.batch_sharding()),
        out_shardings=self.partitioner.replicated())

  def decode(self, batch: dict, predicted: dict) -> Iterator[dict]:
    raise NotImplementedError

  def score(self, records: list[dict]) -> dict:
    raise NotImplementedError

  def metrics_path(self, step: int) -> str:
    return os.path.join(self.output_dir, f"metrics-{step}.json")

  def view_dir(self, view: str) -> str:
    return os.path.join(self.output_dir, "views", view)

  def is_evaluated(self, step: int) -> bool:
    """Every file this evaluator would write for `step` is there."""
    folders = [self.output_dir] + [self.view_dir(v) for v in self.views]
    return all(fs.exists(os.path.join(folder, f"metrics-{step}.json"))
               for folder in folders)

  def predictions(self, params, task: str) -> list[dict]:
    records = []
    for batch in self.batches(task, self.split, self.sequence_length,
                              self.batch_size, shuffle=False, seed=0,
                              num_epochs=1):
      with self.partitioner.activate():
        predicted = jax.device_get(self._predict(
            params, self.partitioner.global_batch(numeric_arrays(batch))))
      records.extend(self.decode(batch, predicted))
    return records

  def scored(self, params, task: str, step: int) -> tuple[dict, list[dict]]:
    """(report, records) of one task's split at `step`."""
    started = time.time()
    records = self.predictions(params, task)
    report = self.score(records)
    report.update(step=step, split=self.split,
                  seconds=round(time.time() - started, 2))
    report.setdefault("num_examples", len(records))
    return report, records

  def evaluate_view(self, params, view: str, step: int) -> dict:
    report, records = self.scored(params, self.views[view], step)
    if hosts.is_lead():
      folder = self.view_dir(view)
      fs.makedirs(folder)
      _write_predictions(os.path.join(folder, f"predictions-{step}.jsonl"),
                         records)
      _write_json(os.path.join(folder, f"metrics-{step}.json"), report)
    return report

  def evaluate(self, checkpoints_dir: str, step: int) -> dict:
    """Scores the split and its views; the main metrics file is written
    last, so a step cut short is evaluated again."""
    params = restore_params(os.path.join(checkpoints_dir, str(step)),
                            self.abstract)
    report, records = self.scored(params, self.task, step)
    views = {view: self.evaluate_view(params, view, step)
             for view in self.views}
    if views:
      report["views"] = {**_earlier_views(self.metrics_path(step)), **views}
    if hosts.is_lead():
      self._write(step, report, records, views)
    hosts.barrier(f"evaluated-{step}")
    return report

  def _write(self, step: int, report: dict, records: list[dict],
             views: dict[str, dict]) -> None:
    _write_predictions(
        os.path.join(self.output_dir, f"predictions-{step}.jsonl"), records)
    scalars = {f"{self.split}/{k}": v for k, v in report.items()
               if isinstance(v, float)}
    for view, view_report in views.items():
      scalars.update({f"{self.split}/{view}/{k}": v for k, v in
                      view_report.items() if isinstance(v, float)})
    writer = metric_writers.SummaryWriter(
        os.path.join(self.output_dir, "tensorboard"))
    writer.write_scalars(step, scalars)
    writer.close()
    _write_json(self.metrics_path(step), report)


class NluEvaluator(Evaluator):
  """Intent and slot metrics (MASSIVE's definitions)."""

  def __init__(self, model, task: registry.RegisteredTask, *args, **kwargs):
    self.labels = task.labels
    super().__init__(model, task, *args, **kwargs)

  def decode(self, batch: dict, predicted: dict) -> Iterator[dict]:
    return decode_nlu(batch, predicted, self.labels)

  def score(self, records: list[dict]) -> dict:
    return score_nlu(records, self.labels)

  @staticmethod
  def summary(report: dict) -> str:
    return (f"intent acc {report['intent_accuracy']:.4f} | slot F1 "
            f"{report['slot_f1']:.4f} | exact match "
            f"{report['exact_match']:.4f} | SemER {report['semer']:.4f}")


XNLI_LABELS = ("entailment", "neutral", "contradiction")


class XnliEvaluator(Evaluator):
  """Accuracy per language and the mean over languages."""

  def decode(self, batch: dict, predicted: dict) -> Iterator[dict]:
    for row in np.flatnonzero(batch["example_mask"]):
      yield {"language": str(batch["language"][row]),
             "gold": XNLI_LABELS[batch["label"][row]],
             "predicted": XNLI_LABELS[predicted["label"][row]]}

  def score(self, records: list[dict]) -> dict:
    by_language: dict[str, tuple[list[int], list[int]]] = {}
    for record in records:
      gold, predicted = by_language.setdefault(record["language"], ([], []))
      gold.append(XNLI_LABELS.index(record["gold"]))
      predicted.append(XNLI_LABELS.index(record["predicted"]))
    return metrics.xnli_report(by_language)

  @staticmethod
  def summary(report: dict) -> str:
    return " | ".join(f"{k} {v:.4f}" for k, v in sorted(report.items())
                      if isinstance(v, float) and k != "seconds")


EVALUATORS = {"nlu": NluEvaluator, "xnli": XnliEvaluator}


def _views(kind: str, task: registry.RegisteredTask, split: str,
           locales: Sequence[str], spoken_form: bool) -> dict[str, str]:
  """View name -> its task, registered before any checkpoint is read."""
  if kind == "nlu":
    return nlu_views.register_views(task, split, locales, spoken_form)
  if locales or spoken_form:
    raise UserError(f"EVAL_LOCALES and EVAL_SPOKEN_FORM apply to NLU runs; "
                    f"leave them unset for evaluate.kind {kind!r}.")
  return {}


def _print_summaries(evaluator: Evaluator, step: int, report: dict) -> None:
  """One line for the split, then one per view."""
  lines = [(f"step {step}", report)] + [
      (f"step {step} | {view}", report["views"][view])
      for view in evaluator.views]
  for prefix, shown in lines:
    print(f"{prefix} | {evaluator.summary(shown)} | "
          f"{shown['num_examples']} examples", flush=True)


@gin.configurable
def evaluate(model=gin.REQUIRED, task=gin.REQUIRED,
             checkpoint_path: str = gin.REQUIRED, batches=gin.REQUIRED,
             sequence_length: int = gin.REQUIRED, split: str = "test",
             batch_size: int = 64, kind: str = "nlu",
             wait_seconds: float = 0.0, poll_seconds: float = 10.0,
             locales: Sequence[str] = (),
             spoken_form: bool = False) -> dict[int, dict]:
  """Evaluates every not yet evaluated checkpoint under `checkpoint_path`;
  with `wait_seconds` > 0 keeps watching for new ones until none has come
  for that long. NLU runs are also scored on the same split of each MASSIVE
  locale in `locales` and, with `spoken_form`, on its spoken form. Returns
  the reports written by this call, by step. `task` is bound as a
  registration to call (`@register_nlu_task`), or a registered name."""
  if kind not in EVALUATORS:
    raise UserError(f"evaluate.kind must be one of {sorted(EVALUATORS)}, got "
                    f"{kind!r}.")
  task = registry.registered(task)
  views = _views(kind, task, split, locales, spoken_form)
  output_dir = os.path.join(run_directory(checkpoint_path), "eval", split)
  evaluator = EVALUATORS[kind](model, task, split, sequence_length,
                               batch_size, batches, output_dir, views)
  results: dict[int, dict] = {}
  last_new = time.time()
  while True:
    checkpoints_dir, steps = checkpoint_steps(checkpoint_path)
    done = [s for s in steps if evaluator.is_evaluated(s)]
    if done and not results and hosts.is_lead():
      print(f"Skipping {len(done)} evaluated checkpoint(s): {done}", flush=True)
    # Every host must score the same steps: process 0's listing decides.
    for step in hosts.lead_value(sorted(set(steps) - set(done))):
      results[step] = evaluator.evaluate(checkpoints_dir, step)
      if hosts.is_lead():
        _print_summaries(evaluator, step, results[step])
      last_new = time.time()
    if hosts.any_process(time.time() - last_new >= wait_seconds):
      return results
    time.sleep(poll_seconds)
