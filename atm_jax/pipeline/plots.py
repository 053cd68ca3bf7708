"""PNG plots of a pipeline: training curves of every training stage and the
error rates of every fine-tuned model."""
import json
import os

from atm_jax import fs
from atm_jax.pipeline.stages import Stage


def read_curve(run_dir: str, split: str = "train",
               keys: tuple[str, ...] = ("mlm", "loss")
               ) -> tuple[list[int], list[float]]:
  """(steps, values) of the first of `keys` a run logs, from its
  metrics.jsonl; a step logged twice (a run resumed after a kill) keeps its
  last value. A distillation run's "mlm" is the loss comparable to an MLM
  run's "loss"."""
  points = {}
  path = os.path.join(run_dir, "metrics.jsonl")
  if not fs.exists(path):
    return [], []
  with fs.open(path, encoding="utf-8") as f:
    for line in f:
      entry = json.loads(line)
      key = next((k for k in keys if k in entry), None)
      if entry.get("split") == split and key:
        points[entry["step"]] = entry[key]
  steps = sorted(points)
  return steps, [points[s] for s in steps]


def _pyplot():
  import matplotlib  # pylint: disable=g-import-not-at-top
  matplotlib.use("Agg")
  import matplotlib.pyplot as plt  # pylint: disable=g-import-not-at-top
  return plt


def training_curves(path: str, stages: list[Stage]) -> str:
  """One panel for pretraining and distillation, one for fine-tuning."""
  plt = _pyplot()
  figure, (pretrain, finetune) = plt.subplots(1, 2, figsize=(12, 4.5))
  for stage in stages:
    if stage.kind != "train":
      continue
    steps, losses = read_curve(stage.run_dir)
    if not steps:
      continue
    axis = finetune if stage.name.startswith(("nlu_", "xnli_")) else pretrain
    axis.plot(steps, losses, label=stage.name)
  pretrain.set_title("Pretraining and distillation: MLM loss (train)")
  finetune.set_title("Fine-tuning: loss (train)")
  finetune.set_yscale("log")
  for axis in (pretrain, finetune):
    axis.set_xlabel("step")
    axis.set_ylabel("loss")
    axis.legend(fontsize=7)
  return _save(plt, figure, path)


def _save(plt, figure, path: str) -> str:
  figure.tight_layout()
  figure.savefig(path, dpi=110)
  plt.close(figure)
  return path


def error_rates(path: str, errors: dict[str, dict[str, float]]) -> str:
  """Grouped bars: each error rate, one bar per model."""
  plt = _pyplot()
  figure, axis = plt.subplots(figsize=(10, 4.5))
  models = list(errors)
  names = list(next(iter(errors.values()))) if errors else []
  width = 0.8 / max(len(models), 1)
  for i, model in enumerate(models):
    positions = [j + i * width for j in range(len(names))]
    axis.bar(positions, [errors[model][n] for n in names], width, label=model)
  axis.set_xticks([j + 0.4 - width / 2 for j in range(len(names))], names)
  axis.set_ylabel("error rate (test)")
  axis.set_title("Error rates per model (lower is better)")
  axis.legend(fontsize=7)
  return _save(plt, figure, path)


def write_plots(work_dir: str, stages: list[Stage],
                report: dict) -> dict[str, str]:
  return {
      "training curves": training_curves(
          os.path.join(work_dir, "training_curves.png"), stages),
      "error rates": error_rates(os.path.join(work_dir, "error_rates.png"),
                                 report["errors"]),
  }
