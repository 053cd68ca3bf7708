"""The pipeline's report: report.json, report.md and PNG plots in WORK_DIR."""
import json
import os

import jax

from atm_jax.workflow import comparisons, plots
from atm_jax.workflow.config import PipelineConfig
from atm_jax.workflow.data_sources import PipelineData
from atm_jax.workflow.stages import NLU_MODELS, TEACHERS, Stage

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


def build_report(config: PipelineConfig, data: PipelineData,
                 results: dict[str, dict]) -> dict:
  models = {m: {k: results[f"nlu_{m}_eval"]["result"][k] for k in NLU_KEYS}
            for m in NLU_MODELS if f"nlu_{m}_eval" in results}
  errors = {m: comparisons.error_rates(v) for m, v in models.items()}
  xnli = {t: xnli_summary(results[f"xnli_{t}_eval"]["result"])
          for t in TEACHERS if f"xnli_{t}_eval" in results}
  return {
      "work_dir": config.work_dir, "data": data.description,
      "teacher_model": config.teacher_model,
      "student_model": config.student_model,
      "nlu": models, "errors": errors,
      "comparisons": comparisons.nlu_comparisons(errors),
      "xnli": xnli,
      "timings_seconds": {name: r["seconds"] for name, r in results.items()},
  }


def write_report(config: PipelineConfig, data: PipelineData,
                 stages: list[Stage], results: dict[str, dict]) -> dict:
  report = build_report(config, data, results)
  work_dir = config.work_dir
  if jax.process_index() != 0:
    return report
  report["plots"] = plots.write_plots(work_dir, stages, report)
  with open(os.path.join(work_dir, "report.json"), "w", encoding="utf-8") as f:
    json.dump(report, f, indent=2, sort_keys=True)
  markdown = to_markdown(report)
  with open(os.path.join(work_dir, "report.md"), "w", encoding="utf-8") as f:
    f.write(markdown)
  print(nlu_table(report), flush=True)
  print(f"Report: {os.path.join(work_dir, 'report.md')}", flush=True)
  return report


def nlu_table(report: dict) -> str:
  rows = ["| model | intent acc | ICER | slot F1 | SemER | exact match |",
          "|---|---|---|---|---|---|"]
  for model, m in report["nlu"].items():
    rows.append(f"| {model} | {m['intent_accuracy']:.4f} | {m['icer']:.4f} | "
                f"{m['slot_f1']:.4f} | {m['semer']:.4f} | "
                f"{m['exact_match']:.4f} |")
  return "\n".join(rows)


def _percent(change: float | None) -> str:
  return "n/a" if change is None else f"{100 * change:+.1f}%"


def comparison_table(report: dict) -> str:
  names = [name for name, _, _ in comparisons.NLU_ERRORS]
  rows = ["| comparison (B vs A) | paper: B's error | " +
          " | ".join(f"Δ {n}" for n in names) + " | held |",
          "|---|---|" + "---|" * len(names) + "---|"]
  for c in report["comparisons"]:
    cells = " | ".join(_percent(c["relative_change"][n]) for n in names)
    rows.append(f"| {c['title']} | {c['expected']} | {cells} | "
                f"{c['held_count']}/{c['of']} |")
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
      "## The paper's comparisons", "",
      "Relative change of B's error rate against A's, (B - A) / A; negative "
      "means B makes fewer errors. *held* counts the error rates that moved "
      "the paper's way.", "",
      comparison_table(report), "",
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
