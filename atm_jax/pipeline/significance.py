"""Whether one model's error rates really differ from another's: relative
error changes with 95% confidence intervals from a paired bootstrap over test
utterances, the fine-tuning seeds of each model pooled.

Every error rate is a ratio of sums over utterances (ICER, exact-match error,
SemER, 1 - slot F1 from span counts), so each utterance contributes a few
counts. One bootstrap replicate draws the utterances with replacement, the
same draw for both models, and recomputes both error rates from the drawn
counts of every seed. The interval is the 2.5th to 97.5th percentile of B's
relative change over the replicates.
"""
import json
from collections.abc import Mapping, Sequence

import numpy as np

from atm_jax import fs
from atm_jax import metrics
from atm_jax.errors import UserError

# Per-utterance counts, in this order.
COUNTS = ("intent_error", "exact_error", "correct_spans", "gold_spans",
          "predicted_spans", "semantic_errors", "semantic_references")
ERRORS = ("icer", "slot_error", "semer", "exact_match_error")


def utterance_counts(record: Mapping) -> tuple[int, ...]:
  """The counts of one prediction record (as evaluation writes them)."""
  gold = metrics.slot_spans(record["gold_tags"])
  predicted = metrics.slot_spans(record["predicted_tags"])
  intent_error = record["gold_intent"] != record["predicted_intent"]
  exact = not intent_error and set(gold) == set(predicted)
  return (int(intent_error), int(not exact), len(set(gold) & set(predicted)),
          len(gold), len(predicted),
          sum(metrics.slot_errors(gold, predicted)) + int(intent_error),
          len(gold) + 1)


def error_rates(totals: np.ndarray) -> dict[str, np.ndarray]:
  """Error rates from summed counts; `totals` is [..., len(COUNTS)] and the
  utterance count is the number of exact-match references (one each)."""
  t = {name: totals[..., i] for i, name in enumerate(COUNTS)}
  utterances = t["semantic_references"] - t["gold_spans"]
  spans = t["gold_spans"] + t["predicted_spans"]
  f1 = np.divide(2 * t["correct_spans"], spans,
                 out=np.zeros_like(spans, dtype=float), where=spans > 0)
  return {"icer": t["intent_error"] / utterances, "slot_error": 1.0 - f1,
          "semer": t["semantic_errors"] / t["semantic_references"],
          "exact_match_error": t["exact_error"] / utterances}


def read_predictions(path: str) -> dict[str, dict]:
  """Prediction records by utterance id."""
  if not fs.exists(path):
    raise UserError(f"Predictions file {path} does not exist; evaluate the "
                    "run first (python -m atm_jax.eval).")
  with fs.open(path, encoding="utf-8") as f:
    records = [json.loads(line) for line in f if line.strip()]
  return {str(r["id"]): r for r in records}


def count_matrix(seed_files: Sequence[str], ids: Sequence[str]) -> np.ndarray:
  """[utterances, COUNTS] summed over the seeds' prediction files."""
  total = np.zeros((len(ids), len(COUNTS)), np.int64)
  for path in seed_files:
    records = read_predictions(path)
    missing = [i for i in ids if i not in records]
    if missing or len(records) != len(ids):
      raise UserError(f"{path} does not score the same utterances as the "
                      f"other runs ({len(missing)} of {len(ids)} missing); "
                      "compare runs evaluated on the same test split.")
    total += np.array([utterance_counts(records[i]) for i in ids], np.int64)
  return total


def paired_bootstrap(counts_a: np.ndarray, counts_b: np.ndarray,
                     replicates: int = 2000, seed: int = 0,
                     confidence: float = 0.95) -> dict[str, dict]:
  """For each error: A's and B's rate, B's relative change (B - A) / A, and
  its percentile interval over utterance resamples shared by A and B."""
  if counts_a.shape != counts_b.shape:
    raise UserError(f"The two models were scored on {counts_a.shape[0]} and "
                    f"{counts_b.shape[0]} utterances; compare runs evaluated "
                    "on the same test split.")
  rng = np.random.default_rng(seed)
  n = counts_a.shape[0]
  draws = rng.multinomial(n, np.full(n, 1.0 / n), size=replicates)
  point_a, point_b = (error_rates(c.sum(0)) for c in (counts_a, counts_b))
  boot_a, boot_b = (error_rates(draws @ c) for c in (counts_a, counts_b))
  tail = 100 * (1 - confidence) / 2
  result = {}
  for name in ERRORS:
    a, b = float(point_a[name]), float(point_b[name])
    with np.errstate(divide="ignore", invalid="ignore"):
      changes = (boot_b[name] - boot_a[name]) / boot_a[name]
    changes = changes[np.isfinite(changes)]
    if a == 0 or not changes.size:
      result[name] = {"a": a, "b": b, "relative_change": None,
                      "interval": None}
      continue
    low, high = np.percentile(changes, [tail, 100 - tail])
    result[name] = {"a": a, "b": b, "relative_change": (b - a) / a,
                    "interval": [float(low), float(high)]}
  return result


def verdict(interval: Sequence[float] | None, expected: str) -> str:
  """'held' when the interval excludes zero on the expected side ('lower' or
  'higher' error for B), 'opposite' when it excludes zero on the other,
  otherwise 'not significant'."""
  if interval is None:
    return "undefined"
  low, high = interval
  if high < 0:
    return "held" if expected == "lower" else "opposite"
  if low > 0:
    return "held" if expected == "higher" else "opposite"
  return "not significant"


def compare_runs(files_a: Sequence[str], files_b: Sequence[str],
                 expected: str, **bootstrap) -> dict[str, dict]:
  """Paired bootstrap of two models, each given as its seeds' prediction
  files, with each error's verdict against the `expected` direction."""
  ids = sorted(read_predictions(files_a[0]))
  result = paired_bootstrap(count_matrix(files_a, ids),
                            count_matrix(files_b, ids), **bootstrap)
  for row in result.values():
    row["verdict"] = verdict(row["interval"], expected)
  return result
