"""Error rates of a pipeline model's mean metrics."""
import pytest

from atm_jax.pipeline import comparisons

METRICS = {"icer": 0.1, "slot_f1": 0.8, "semer": 0.3, "exact_match": 0.6}


def test_error_rates_complement_f1_and_exact_match():
  assert comparisons.error_rates(METRICS) == pytest.approx(
      {"icer": 0.1, "slot_error": 0.2, "semer": 0.3,
       "exact_match_error": 0.4})
