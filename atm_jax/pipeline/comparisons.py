"""Error rates of a pipeline model from its mean metrics (for the error-rate
plot); the comparisons themselves, with intervals, are in `significance`."""

# (error name, metrics key, whether the error is 1 - the metric)
NLU_ERRORS = (("icer", "icer", False), ("slot_error", "slot_f1", True),
              ("semer", "semer", False),
              ("exact_match_error", "exact_match", True))


def error_rates(nlu_metrics: dict) -> dict[str, float]:
  return {name: (1.0 - nlu_metrics[key]) if complement else nlu_metrics[key]
          for name, key, complement in NLU_ERRORS}
