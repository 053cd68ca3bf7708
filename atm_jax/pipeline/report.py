"""The pipeline's report: report.json, report.md and PNG plots in WORK_DIR."""
import json
import os

import jax
import numpy as np

from atm_jax import fs
from atm_jax.pipeline import comparisons, plots, significance
from atm_jax.pipeline.config import PipelineConfig
from atm_jax.pipeline.data_sources import PipelineData
from atm_jax.pipeline.stages import (TEACHERS, Stage, StagePlanner,
                                     nlu_stage_name)

BAG_OF_WORDS = "bag_of_words"
NLU_KEYS = ("intent_accuracy", "icer", "slot_f1", "semer", "exact_match",
            "num_examples")


def xnli_summary(result: dict, train_language: str = "en") -> dict:
  """Accuracy per language, the mean over all and over the zero-shot ones
  (every language but the one trained on)."""
  prefix = "xnli_accuracy_"
  per_language = {k[len(prefix):]: v for k, v in result.items()
                  if k.startswith(prefix)}
  zero_shot = [v for k, v in per_language.items() if k != train_language]
  return {"per_language": per_language, "train_language": train_language,
          "mean": result["xnli_mean_accuracy"],
          "zero_shot_mean": sum(zero_shot) / len(zero_shot) if zero_shot
                            else None}


def seed_results(results: dict[str, dict], model: str) -> list[dict]:
  """The NLU evaluation of each seed's fine-tuning run of `model`."""
  found, seed = [], 0
  while f"{nlu_stage_name(model, seed)}_eval" in results:
    found.append(results[f"{nlu_stage_name(model, seed)}_eval"]["result"])
    seed += 1
  return found


def mean_and_std(runs: list[dict]) -> tuple[dict, dict]:
  """Per metric, the mean and the sample standard deviation over seeds (0
  for one seed)."""
  mean, std = {}, {}
  for key in NLU_KEYS:
    values = np.array([run[key] for run in runs], float)
    mean[key] = float(values.mean())
    std[key] = float(values.std(ddof=1)) if len(values) > 1 else 0.0
  return mean, std


def view_means(runs: list[dict]) -> dict[str, dict]:
  """Per evaluation view (another locale, the spoken-form test), each
  metric's mean over the seeds that scored it."""
  names = sorted({view for run in runs for view in run.get("views", {})})
  means = {}
  for view in names:
    scored = [run["views"][view] for run in runs if view in run.get("views", {})]
    means[view] = {k: float(np.mean([v[k] for v in scored]))
                   for k in TABLE_METRICS if k in scored[0]}
  return means


def significance_rows(planner: StagePlanner, runs: dict[str, list[dict]],
                      replicates: int) -> list[dict]:
  """Each comparison of the plan whose two models were scored: relative
  error changes, 95% intervals (paired bootstrap, seeds pooled), verdicts."""
  rows = []
  for title, a, b, expected in planner.comparisons():
    if not (runs.get(a) and runs.get(b)):
      continue
    errors = significance.compare_runs(
        [r["predictions"] for r in runs[a]],
        [r["predictions"] for r in runs[b]], expected,
        replicates=replicates)
    rows.append({"title": title, "a": a, "b": b, "expected": expected,
                 "errors": errors,
                 "held_count": sum(e["verdict"] == "held"
                                   for e in errors.values()),
                 "of": len(errors)})
  return rows


def build_report(config: PipelineConfig, data: PipelineData,
                 results: dict[str, dict], planner: StagePlanner) -> dict:
  runs = {m.name: seed_results(results, m.name)
          for m in planner.nlu_models()}
  if "bag_of_words" in results:
    runs[BAG_OF_WORDS] = [results["bag_of_words"]["result"]]
  runs = {name: seeds for name, seeds in runs.items() if seeds}
  summary = {name: mean_and_std(seeds) for name, seeds in runs.items()}
  views = {name: view_means(seeds) for name, seeds in runs.items()}
  models = {name: mean for name, (mean, _) in summary.items()}
  errors = {m: comparisons.error_rates(v) for m, v in models.items()}
  xnli = {t: xnli_summary(results[f"xnli_{t}_eval"]["result"])
          for t in TEACHERS if f"xnli_{t}_eval" in results}
  return {
      "work_dir": config.work_dir, "data": data.description,
      "teacher_model": config.teacher_import or config.teacher_model,
      "student_model": ", ".join(config.student_models or
                                 [config.student_model]),
      "seeds": config.nlu_seeds,
      "nlu": models,
      "nlu_std": {name: std for name, (_, std) in summary.items()},
      "nlu_seeds": {name: [{k: r[k] for k in NLU_KEYS} for r in seeds]
                    for name, seeds in runs.items()},
      "views": {name: means for name, means in views.items() if means},
      "errors": errors,
      "comparisons": significance_rows(planner, runs,
                                       config.bootstrap_replicates),
      "xnli": xnli,
      "timings_seconds": {name: r["seconds"] for name, r in results.items()},
  }


def write_report(config: PipelineConfig, data: PipelineData,
                 stages: list[Stage], results: dict[str, dict],
                 planner: StagePlanner, speed: dict | None = None) -> dict:
  report = build_report(config, data, results, planner)
  report["inference_speed"] = speed or {}
  work_dir = config.work_dir
  if jax.process_index() != 0:
    return report
  report["plots"] = plots.write_plots(work_dir, stages, report)
  with fs.open(os.path.join(work_dir, "report.json"), "w", encoding="utf-8") as f:
    json.dump(report, f, indent=2, sort_keys=True)
  markdown = to_markdown(report)
  with fs.open(os.path.join(work_dir, "report.md"), "w", encoding="utf-8") as f:
    f.write(markdown)
  print(nlu_table(report), flush=True)
  print(f"Report: {os.path.join(work_dir, 'report.md')}", flush=True)
  return report


TABLE_METRICS = ("intent_accuracy", "icer", "slot_f1", "semer", "exact_match")


def nlu_table(report: dict) -> str:
  """Mean over seeds, and ± the standard deviation when there are several."""
  rows = ["| model | intent acc | ICER | slot F1 | SemER | exact match |",
          "|---|---|---|---|---|---|"]
  for model, mean in report["nlu"].items():
    std = report.get("nlu_std", {}).get(model, {})
    several = len(report.get("nlu_seeds", {}).get(model, ())) > 1
    cells = [f"{mean[k]:.4f}" + (f" ± {std[k]:.4f}" if several else "")
             for k in TABLE_METRICS]
    rows.append(f"| {model} | " + " | ".join(cells) + " |")
  return "\n".join(rows)


def _percent(change: float | None) -> str:
  return "n/a" if change is None else f"{100 * change:+.1f}%"


def _change(row: dict) -> str:
  """A relative change and its interval, marked when the interval excludes
  zero the paper's way (*) or the other way (!)."""
  if row["relative_change"] is None:
    return "n/a"
  low, high = row["interval"]
  mark = {"held": " *", "opposite": " !"}.get(row["verdict"], "")
  return (f"{_percent(row['relative_change'])} "
          f"[{_percent(low)}, {_percent(high)}]{mark}")


def comparison_table(report: dict) -> str:
  names = list(significance.ERRORS)
  rows = ["| comparison (B vs A) | expected: B's error | " +
          " | ".join(f"Δ {n} [95% CI]" for n in names) + " | held |",
          "|---|---|" + "---|" * len(names) + "---|"]
  for c in report["comparisons"]:
    cells = " | ".join(_change(c["errors"][n]) for n in names)
    rows.append(f"| {c['title']} | {c['expected']} | {cells} | "
                f"{c['held_count']}/{c['of']} |")
  return "\n".join(rows)


def views_table(report: dict) -> str:
  """Each model on the other views of the test split, beside the written
  test set (means over seeds)."""
  views = report.get("views") or {}
  if not views:
    return ("Not scored (set EVAL_LOCALES or EVAL_SPOKEN_FORM in "
            "common_bindings to add other locales or the spoken-form test).")
  rows = ["| model | view | intent acc | slot F1 | exact match |",
          "|---|---|---|---|---|"]
  for model, by_view in views.items():
    written = report["nlu"][model]
    rows.append(f"| {model} | written test | {written['intent_accuracy']:.4f}"
                f" | {written['slot_f1']:.4f} | {written['exact_match']:.4f} |")
    for view, m in by_view.items():
      rows.append(f"| {model} | {view} | {m['intent_accuracy']:.4f} | "
                  f"{m['slot_f1']:.4f} | {m['exact_match']:.4f} |")
  return "\n".join(rows)


def speed_table(report: dict) -> str:
  speed = report.get("inference_speed") or {}
  if not speed:
    return "Not measured."
  first = next(iter(speed.values()))
  rows = [f"Joint NLU forward pass, batch {first['batch']} x "
          f"{first['length']} tokens, jitted, on this machine's CPU (median "
          "of 20 calls, best of two rounds).", "",
          "| model size | ms per batch | utterances/s | speed vs teacher |",
          "|---|---|---|---|"]
  for name, row in speed.items():
    rows.append(f"| {name} | {1000 * row['seconds_per_batch']:.1f} | "
                f"{row['utterances_per_second']:.0f} | "
                f"{row['speedup']:.2f}x |")
  return "\n".join(rows)


def xnli_table(report: dict) -> str:
  if not report["xnli"]:
    return "XNLI was not run (no XNLI data in this pipeline's data)."
  languages = sorted(next(iter(report["xnli"].values()))["per_language"])
  rows = ["| teacher | " + " | ".join(languages) +
          " | mean | zero-shot mean |",
          "|---|" + "---|" * (len(languages) + 2)]
  for teacher, x in report["xnli"].items():
    cells = " | ".join(f"{x['per_language'][l]:.3f}" for l in languages)
    zero = x["zero_shot_mean"]
    rows.append(f"| {teacher} | {cells} | {x['mean']:.3f} | "
                f"{'n/a' if zero is None else f'{zero:.3f}'} |")
  return "\n".join(rows)


def to_markdown(report: dict) -> str:
  parts = [
      "# Pipeline report", "",
      f"- Work directory: `{report['work_dir']}`",
      f"- Data: {report['data']}",
      f"- Teacher model: `{report['teacher_model']}`; student model: "
      f"`{report['student_model']}`", "",
      "## Intent classification and slot filling (test split)", "",
      nlu_table(report), "",
      f"Mean over {report.get('seeds', 1)} fine-tuning seed(s)"
      + (", ± the standard deviation over seeds." if report.get("seeds", 1) > 1
         else ".") + " `bag_of_words` is the floor: TF-IDF and logistic "
      "regression for the intent, each word's most frequent training tag for "
      "the slots (`atm_jax.baselines.bag_of_words`).", "",
      "## Comparisons", "",
      "Relative change of B's error rate against A's, (B - A) / A; negative "
      "means B makes fewer errors. In brackets, the 95% confidence interval "
      "of a paired bootstrap over the test utterances, the seeds of each "
      "model pooled. A direction is *held* (marked *) only when its interval "
      "excludes zero on the expected side; ! marks an interval that excludes "
      "zero on the other side; anything else is not significant. *held* "
      "counts the error rates that held.", "",
      comparison_table(report), "",
      "## Other locales and the spoken-form test", "",
      views_table(report), "",
      "## Inference speed", "",
      speed_table(report), "",
      "## XNLI (teachers; trained on the `en` file, zero-shot elsewhere)", "",
      xnli_table(report), "",
      "## Plots", "",
      *[f"![{name}]({os.path.basename(path)})"
        for name, path in report["plots"].items()], "",
      "## Time per stage (seconds)", "",
      "| stage | seconds |", "|---|---|",
      *[f"| {n} | {s:.0f} |" for n, s in report["timings_seconds"].items()],
      "",
  ]
  return "\n".join(parts)
