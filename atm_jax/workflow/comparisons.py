"""The paper's comparisons between pipeline models, as relative changes of
error rates, and whether each went the paper's way."""
from atm_jax import metrics
from atm_jax.errors import UserError

# (error name, metrics key, whether the error is 1 - the metric)
NLU_ERRORS = (("icer", "icer", False), ("slot_error", "slot_f1", True),
              ("semer", "semer", False),
              ("exact_match_error", "exact_match", True))

# (title, model A, model B, the paper's direction of B's error vs A's)
NLU_COMPARISONS = (
    ("Stage 2 teacher vs Stage 1 teacher", "stage1_teacher", "stage2_teacher",
     "lower"),
    ("student from Stage 2 teacher vs from Stage 1 teacher",
     "student_from_stage1", "student_from_stage2", "lower"),
    ("distilled student (Stage 2 teacher) vs MLM-only baseline student",
     "student_mlm_baseline", "student_from_stage2", "lower"),
    ("distilled student (Stage 1 teacher) vs MLM-only baseline student",
     "student_mlm_baseline", "student_from_stage1", "lower"),
    ("student vs its teacher (Stage 2)", "stage2_teacher",
     "student_from_stage2", "higher"),
)


def error_rates(nlu_metrics: dict) -> dict[str, float]:
  return {name: (1.0 - nlu_metrics[key]) if complement else nlu_metrics[key]
          for name, key, complement in NLU_ERRORS}


def relative_change(error_a: float, error_b: float) -> float | None:
  """(B - A) / A, or None where A made no error (undefined)."""
  try:
    return metrics.relative_error_change(error_a, error_b)
  except UserError:
    return None


def compare(title: str, a: str, b: str, expected: str,
            errors: dict[str, dict[str, float]]) -> dict:
  """One comparison row: each error's relative change and whether it moved
  the paper's way (a tie counts as not)."""
  changes, held = {}, {}
  for name in errors[a]:
    change = relative_change(errors[a][name], errors[b][name])
    changes[name] = change
    difference = errors[b][name] - errors[a][name]
    held[name] = difference < 0 if expected == "lower" else difference > 0
  return {"title": title, "a": a, "b": b, "expected": expected,
          "relative_change": changes, "held": held,
          "held_count": sum(held.values()), "of": len(held)}


def nlu_comparisons(errors: dict[str, dict[str, float]]) -> list[dict]:
  return [compare(title, a, b, expected, errors)
          for title, a, b, expected in NLU_COMPARISONS
          if a in errors and b in errors]
