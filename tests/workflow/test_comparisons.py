"""Relative error changes between pipeline models and the paper's direction."""
import pytest

from atm_jax.workflow import comparisons

METRICS = {"icer": 0.1, "slot_f1": 0.8, "semer": 0.3, "exact_match": 0.6}


def test_error_rates_complement_f1_and_exact_match():
  assert comparisons.error_rates(METRICS) == pytest.approx(
      {"icer": 0.1, "slot_error": 0.2, "semer": 0.3,
       "exact_match_error": 0.4})


def test_comparison_counts_the_errors_that_moved_the_papers_way():
  errors = {"a": {"icer": 0.1, "semer": 0.3},
            "b": {"icer": 0.05, "semer": 0.3}}
  row = comparisons.compare("t", "a", "b", "lower", errors)
  assert row["relative_change"] == pytest.approx({"icer": -0.5, "semer": 0.0})
  assert row["held"] == {"icer": True, "semer": False}
  assert row["held_count"] == 1 and row["of"] == 2
  assert comparisons.compare("t", "a", "b", "higher", errors)["held_count"] == 0


def test_no_relative_change_from_a_perfect_model():
  assert comparisons.relative_change(0.0, 0.1) is None
