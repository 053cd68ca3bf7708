"""Paired bootstrap intervals of relative error changes."""
import json
import random

import numpy as np
import pytest

from atm_jax import metrics
from atm_jax.errors import UserError
from atm_jax.pipeline import significance


def record(index: int, intent_right: bool, tags=("O",), gold=("O",)) -> dict:
  return {"id": str(index), "text": "x", "gold_intent": "a",
          "predicted_intent": "a" if intent_right else "b",
          "gold_tags": list(gold), "predicted_tags": list(tags)}


def write(path, records) -> str:
  path.write_text("".join(json.dumps(r) + "\n" for r in records))
  return str(path)


def test_counts_give_the_metrics_modules_error_rates():
  rng = random.Random(0)
  tags = ["O", "B-time", "I-time", "B-date"]
  records = []
  for i in range(200):
    gold = [rng.choice(tags) for _ in range(5)]
    predicted = [t if rng.random() < 0.7 else rng.choice(tags) for t in gold]
    records.append({"id": str(i), "gold_intent": rng.choice("ab"),
                    "predicted_intent": rng.choice("ab"), "gold_tags": gold,
                    "predicted_tags": predicted})
  totals = np.array([significance.utterance_counts(r) for r in records]).sum(0)
  rates = significance.error_rates(totals)
  report = metrics.nlu_report([r["gold_intent"] for r in records],
                              [r["predicted_intent"] for r in records],
                              [r["gold_tags"] for r in records],
                              [r["predicted_tags"] for r in records])
  assert rates["icer"] == pytest.approx(report["icer"])
  assert rates["slot_error"] == pytest.approx(1 - report["slot_f1"])
  assert rates["semer"] == pytest.approx(report["semer"])
  assert rates["exact_match_error"] == pytest.approx(1 - report["exact_match"])


def test_interval_of_a_known_case():
  """A errs on 200 of 400 utterances, B on 100 of those 200. B's relative
  change is K_B / K_A - 1 with K_B / K_A a proportion of 0.5 among A's
  resampled errors: about -0.5 +- 1.96 * sqrt(0.25 / 200)."""
  intent_a = np.array([1] * 200 + [0] * 200)
  intent_b = np.array([1] * 100 + [0] * 300)
  counts = []
  for errors in (intent_a, intent_b):
    c = np.zeros((400, len(significance.COUNTS)), np.int64)
    c[:, 0] = c[:, 1] = c[:, 5] = errors
    c[:, 6] = 1
    counts.append(c)
  row = significance.paired_bootstrap(*counts, replicates=4000)["icer"]
  assert row["relative_change"] == pytest.approx(-0.5)
  half_width = 1.96 * np.sqrt(0.25 / 200)
  assert row["interval"][0] == pytest.approx(-0.5 - half_width, abs=0.012)
  assert row["interval"][1] == pytest.approx(-0.5 + half_width, abs=0.012)
  assert significance.verdict(row["interval"], "lower") == "held"
  assert significance.verdict(row["interval"], "higher") == "opposite"


def test_identical_models_are_not_significant(tmp_path):
  rng = random.Random(1)
  records = [record(i, rng.random() < 0.8) for i in range(300)]
  a = write(tmp_path / "a.jsonl", records)
  b = write(tmp_path / "b.jsonl", list(reversed(records)))  # order ignored
  row = significance.compare_runs([a], [b], "lower")["icer"]
  assert row["relative_change"] == 0.0
  assert row["interval"] == [0.0, 0.0]
  assert row["verdict"] == "not significant"


def test_seeds_are_pooled(tmp_path):
  """Two seeds of B, one perfect and one as bad as A: half A's errors."""
  bad = [record(i, i % 2 == 0) for i in range(100)]
  good = [record(i, True) for i in range(100)]
  a = write(tmp_path / "a.jsonl", bad)
  b1, b2 = (write(tmp_path / f"b{k}.jsonl", r)
            for k, r in ((1, bad), (2, good)))
  row = significance.compare_runs([a, a], [b1, b2], "lower")["icer"]
  assert row["a"] == pytest.approx(0.5) and row["b"] == pytest.approx(0.25)
  assert row["relative_change"] == pytest.approx(-0.5)


def test_different_test_sets_are_refused(tmp_path):
  a = write(tmp_path / "a.jsonl", [record(i, True) for i in range(10)])
  b = write(tmp_path / "b.jsonl", [record(i + 5, True) for i in range(10)])
  with pytest.raises(UserError, match="same utterances"):
    significance.compare_runs([a], [b], "lower")


def test_no_change_is_defined_against_a_perfect_model(tmp_path):
  a = write(tmp_path / "a.jsonl", [record(i, True) for i in range(10)])
  b = write(tmp_path / "b.jsonl", [record(i, i > 0) for i in range(10)])
  row = significance.compare_runs([a], [b], "lower")["icer"]
  assert row["relative_change"] is None and row["verdict"] == "undefined"
