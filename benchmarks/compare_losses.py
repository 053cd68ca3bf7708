"""The training loss of two runs of the same model, compared late in
training: was a change (bf16 compute, a kernel) within the noise?

  .venv/bin/python benchmarks/compare_losses.py A_DIR B_DIR [--from_step=110]

Reads each run's `metrics.jsonl` (every `log_every` steps the mean loss of
the steps since, and the validation loss at each evaluation) and prints,
for B - A: the mean difference of the logged training losses from
`--from_step` on, with a 95% t interval over those windows, the largest
window difference, and the difference of the last validation loss. Run the
same pair with another seed to see what seed-to-seed noise alone gives.
"""
import json
import os
import statistics

from absl import app, flags

flags.DEFINE_integer("from_step", 110, "First logged step compared.")
FLAGS = flags.FLAGS

# Two-sided 95% t quantiles by degrees of freedom; 1.96 beyond the table.
_T95 = {1: 12.71, 2: 4.30, 3: 3.18, 4: 2.78, 5: 2.57, 6: 2.45, 7: 2.36,
        8: 2.31, 9: 2.26, 10: 2.23, 15: 2.13, 20: 2.09, 30: 2.04}


def losses(run_dir: str) -> tuple[dict, dict]:
  """({step: train loss}, {step: validation loss}) of a run folder."""
  train, validation = {}, {}
  with open(os.path.join(run_dir, "metrics.jsonl")) as f:
    for line in f:
      row = json.loads(line)
      if "loss" in row:
        split = train if row.get("split") == "train" else validation
        split[row["step"]] = row["loss"]
  return train, validation


def t95(degrees: int) -> float:
  known = [d for d in _T95 if d <= degrees]
  return _T95[max(known)] if degrees <= 30 else 1.96


def compare(a_dir: str, b_dir: str) -> dict:
  (a_train, a_val), (b_train, b_val) = losses(a_dir), losses(b_dir)
  steps = sorted(s for s in a_train if s >= FLAGS.from_step and s in b_train)
  if len(steps) < 2:
    raise SystemExit(f"Fewer than 2 logged steps from {FLAGS.from_step} "
                     f"in both runs; lower --from_step.")
  diffs = [b_train[s] - a_train[s] for s in steps]
  mean = statistics.mean(diffs)
  half = t95(len(diffs) - 1) * statistics.stdev(diffs) / len(diffs) ** 0.5
  last = max(set(a_val) & set(b_val), default=None)
  return {"a": a_dir, "b": b_dir, "windows": len(diffs),
          "train_loss_a": round(statistics.mean(a_train[s] for s in steps), 4),
          "train_loss_b": round(statistics.mean(b_train[s] for s in steps), 4),
          "mean_difference": round(mean, 4),
          "ci95": [round(mean - half, 4), round(mean + half, 4)],
          "largest_window_difference": round(max(map(abs, diffs)), 4),
          "validation_step": last,
          "validation_difference": (None if last is None else
                                    round(b_val[last] - a_val[last], 4))}


def main(argv):
  if len(argv) != 3:
    raise SystemExit("usage: compare_losses.py A_DIR B_DIR [--from_step=N]")
  print(json.dumps(compare(argv[1], argv[2])))


if __name__ == "__main__":
  app.run(main)
