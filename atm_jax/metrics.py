"""NLU and XNLI metrics as MASSIVE and the ATM paper define them, and A/B deltas.

Slots are spans read from BIO tags on words, exactly as seqeval's default
(conlleval-like, non-strict) mode reads them: an I- tag that does not continue
a span of its own type opens one, so `I-x I-x` is one span and `B-x I-y` two.
Pure Python: the evaluation CLI and the report import it without JAX or TF.

`python -m atm_jax.metrics compare A.json B.json` prints each error rate of two
metrics files and B's change relative to A (negative: B makes fewer errors).
"""
from __future__ import annotations

import argparse
import collections
import json
import math
import re
import sys
from collections.abc import Collection, Mapping, Sequence

from atm_jax import fs
from atm_jax.cli import run_cleanly
from atm_jax.errors import UserError

Span = tuple[str, int, int]  # slot type, first word, last word (inclusive)

_BIO_TAG = re.compile(r"O|[BI]-\S+")


def slot_spans(tags: Sequence[str]) -> list[Span]:
  """The slot spans of one utterance's BIO tags, in order (seqeval's reading).

  The scoring functions check the tags first; this one trusts them.
  """
  spans = []
  for index, tag in enumerate(tags):
    if tag == "O":
      continue
    slot_type = tag[2:]
    continues = (tag[0] == "I" and spans and spans[-1][2] == index - 1 and
                 spans[-1][0] == slot_type)
    if continues:
      spans[-1] = (slot_type, spans[-1][1], index)
    else:
      spans.append((slot_type, index, index))
  return spans


def intent_accuracy(gold: Sequence[str], predicted: Sequence[str]) -> float:
  """Fraction of utterances whose intent is right; ICER is 1 minus this."""
  _check_pairs(gold, predicted, "intents")
  return sum(g == p for g, p in zip(gold, predicted)) / len(gold)


def slot_f1(gold_tags: Sequence[Sequence[str]],
            predicted_tags: Sequence[Sequence[str]]) -> dict[str, float]:
  """Micro precision, recall and F1 over slot spans (seqeval's `f1_score`)."""
  return _slot_scores(*_spans_of(gold_tags, predicted_tags))


def exact_match(gold_intents: Sequence[str], predicted_intents: Sequence[str],
                gold_tags: Sequence[Sequence[str]],
                predicted_tags: Sequence[Sequence[str]]) -> float:
  """Fraction of utterances with the intent and every slot span right."""
  _check_pairs(gold_intents, predicted_intents, "intents")
  gold_spans, predicted_spans = _spans_of(gold_tags, predicted_tags)
  _check_same_count(gold_intents, gold_spans)
  return _exact_match(gold_intents, predicted_intents, gold_spans,
                      predicted_spans)


def semantic_error_rate(gold_intents: Sequence[str],
                        predicted_intents: Sequence[str],
                        gold_tags: Sequence[Sequence[str]],
                        predicted_tags: Sequence[Sequence[str]]) -> float:
  """SemER: slot and intent errors over reference slots plus one intent.

  Each utterance is a parse whose slots are keyed by type, as in MASSIVE's
  `[type : words]` annotations. A predicted span equal to a reference span
  (same type, same words) is correct. Of the rest, a reference and a predicted
  span of the same type pair up as one substitution (right slot, wrong words),
  as many per type as both sides have; reference spans left over are
  deletions and predicted ones insertions, so a span with the right words but
  the wrong type costs a deletion and an insertion. A wrong intent is one more
  substitution. SemER = total errors / total (reference slots + 1), summed over
  utterances, so it can exceed 1 when a model inserts many slots.
  """
  _check_pairs(gold_intents, predicted_intents, "intents")
  gold_spans, predicted_spans = _spans_of(gold_tags, predicted_tags)
  _check_same_count(gold_intents, gold_spans)
  return _semer(gold_intents, predicted_intents, gold_spans, predicted_spans)


def slot_errors(gold: Sequence[Span],
                predicted: Sequence[Span]) -> tuple[int, int, int]:
  """(substitutions, deletions, insertions) of one utterance's slot spans."""
  correct = set(gold) & set(predicted)
  missed = collections.Counter(span[0] for span in gold if span not in correct)
  extra = collections.Counter(
      span[0] for span in predicted if span not in correct)
  substitutions = sum((missed & extra).values())
  return (substitutions, sum(missed.values()) - substitutions,
          sum(extra.values()) - substitutions)


def nlu_report(gold_intents: Sequence[str],
               predicted_intents: Sequence[str],
               gold_tags: Sequence[Sequence[str]],
               predicted_tags: Sequence[Sequence[str]],
               known_intents: Collection[str] | None = None,
               known_tags: Collection[str] | None = None) -> dict[str, float]:
  """Every NLU metric of one evaluation, as a flat dict for a metrics JSON.

  `known_intents`/`known_tags` are the labels seen in training. Gold labels
  outside them are scored like any other (never dropped), so a model that
  predicts only known labels gets each one wrong; the report counts them as
  `unseen_intents` (utterances) and `unseen_slot_labels` (gold slot spans).
  """
  _check_pairs(gold_intents, predicted_intents, "intents")
  gold_spans, predicted_spans = _spans_of(gold_tags, predicted_tags)
  _check_same_count(gold_intents, gold_spans)
  accuracy = sum(g == p for g, p in zip(gold_intents, predicted_intents)
                 ) / len(gold_intents)
  slots = _slot_scores(gold_spans, predicted_spans)
  report = {
      "intent_accuracy": accuracy,
      "icer": 1.0 - accuracy,
      "slot_precision": slots["precision"],
      "slot_recall": slots["recall"],
      "slot_f1": slots["f1"],
      "exact_match": _exact_match(gold_intents, predicted_intents, gold_spans,
                                  predicted_spans),
      "semer": _semer(gold_intents, predicted_intents, gold_spans,
                      predicted_spans),
      "num_examples": len(gold_intents),
  }
  if known_intents is not None:
    known = set(known_intents)
    report["unseen_intents"] = sum(i not in known for i in gold_intents)
  if known_tags is not None:
    known_types = {tag[2:] for tag in known_tags if tag[:2] in ("B-", "I-")}
    report["unseen_slot_labels"] = sum(
        span[0] not in known_types for spans in gold_spans for span in spans)
  return report


def xnli_report(
    per_language: Mapping[str, tuple[Sequence[int], Sequence[int]]]
) -> dict[str, float]:
  """Accuracy per language (gold, predicted labels) and the mean over them."""
  if not per_language:
    raise UserError("No XNLI languages to score; pass at least one language's "
                    "(gold labels, predicted labels).")
  report = {}
  for language, (gold, predicted) in per_language.items():
    _check_pairs(gold, predicted, f"XNLI {language} labels")
    report[f"xnli_accuracy_{language}"] = sum(
        g == p for g, p in zip(gold, predicted)) / len(gold)
  report["xnli_mean_accuracy"] = sum(report.values()) / len(per_language)
  return report


def relative_error_change(error_a: float, error_b: float) -> float:
  """(err_B - err_A) / err_A: the paper's "improves X% relative" is its -100x."""
  for name, error in (("A", error_a), ("B", error_b)):
    if not math.isfinite(error) or error < 0:
      raise UserError(f"Model {name}'s error rate {error} is not a finite "
                      "non-negative number; pass error rates such as 0.05.")
  if error_a == 0:
    raise UserError("Model A's error rate is 0, so a change relative to it is "
                    "undefined; compare the absolute error rates instead.")
  return (error_b - error_a) / error_a


# (error name, metrics key, whether the error is 1 - that metric)
_ERROR_METRICS = (
    ("icer", "icer", False),
    ("semer", "semer", False),
    ("slot_error", "slot_f1", True),
    ("exact_match_error", "exact_match", True),
    ("xnli_error", "xnli_mean_accuracy", True),
)


def compare_results(path_a: str, path_b: str) -> dict[str, dict]:
  """For each error rate both metrics files give: A, B and B's relative change.

  The relative change is None where A's error is 0 (undefined), so one
  perfect score does not hide the other comparisons.
  """
  metrics_a, metrics_b = _read_metrics(path_a), _read_metrics(path_b)
  comparison = {}
  for name, key, complement in _ERROR_METRICS:
    if key not in metrics_a or key not in metrics_b:
      continue
    error_a = _number(metrics_a, key, path_a, complement)
    error_b = _number(metrics_b, key, path_b, complement)
    change = relative_error_change(error_a, error_b) if error_a else None
    comparison[name] = {"a": error_a, "b": error_b, "relative_change": change}
  if not comparison:
    raise UserError(f"{path_a} and {path_b} share no metric to compare; give "
                    "two metrics JSON files written by the same kind of "
                    "evaluation (icer, semer, slot_f1, exact_match or "
                    "xnli_mean_accuracy).")
  return comparison


def format_comparison(comparison: Mapping[str, Mapping]) -> str:
  """A plain-text table of `compare_results`; changes in percent."""
  lines = [f"{'error':<18}{'A':>10}{'B':>10}{'relative change':>18}"]
  for name, row in comparison.items():
    change = row["relative_change"]
    shown = "undefined" if change is None else f"{100 * change:+.2f}%"
    lines.append(f"{name:<18}{row['a']:>10.4f}{row['b']:>10.4f}{shown:>18}")
  return "\n".join(lines)


def main(argv: Sequence[str]) -> None:
  parser = argparse.ArgumentParser(
      prog="python -m atm_jax.metrics",
      description="Compare the error rates of two metrics JSON files.")
  commands = parser.add_subparsers(dest="command", required=True)
  compare = commands.add_parser(
      "compare", help="each error rate of A and B and B's change relative to A")
  compare.add_argument("metrics_a", help="metrics JSON of model A (baseline)")
  compare.add_argument("metrics_b", help="metrics JSON of model B")
  args = parser.parse_args(argv)
  print(format_comparison(compare_results(args.metrics_a, args.metrics_b)))


def _check_pairs(gold: Sequence, predicted: Sequence, what: str) -> None:
  if len(gold) != len(predicted):
    raise UserError(f"There are {len(gold)} gold {what} but "
                    f"{len(predicted)} predicted; give one prediction per "
                    "example.")
  if not gold:
    raise UserError(f"There are no {what} to score; evaluate at least one "
                    "example.")


def _check_same_count(gold_intents: Sequence, gold_spans: Sequence) -> None:
  if len(gold_intents) != len(gold_spans):
    raise UserError(f"There are {len(gold_intents)} intents but "
                    f"{len(gold_spans)} slot tag sequences; give both for "
                    "every example.")


def _spans_of(gold_tags: Sequence[Sequence[str]],
              predicted_tags: Sequence[Sequence[str]]
              ) -> tuple[list[list[Span]], list[list[Span]]]:
  """Validated spans of every utterance, gold and predicted."""
  _check_pairs(gold_tags, predicted_tags, "slot tag sequences")
  for index, (gold, predicted) in enumerate(zip(gold_tags, predicted_tags)):
    if len(gold) != len(predicted):
      raise UserError(f"Example {index} has {len(gold)} gold slot tags but "
                      f"{len(predicted)} predicted; give one tag per word.")
    for side, tags in (("gold", gold), ("predicted", predicted)):
      for tag in tags:
        if not isinstance(tag, str) or not _BIO_TAG.fullmatch(tag):
          raise UserError(f"The {side} slot tag {tag!r} of example {index} is "
                          "not BIO (O, B-type or I-type); map labels such as "
                          "PAD or UNK to O before scoring.")
  return ([slot_spans(tags) for tags in gold_tags],
          [slot_spans(tags) for tags in predicted_tags])


def _slot_scores(gold_spans: Sequence[Sequence[Span]],
                 predicted_spans: Sequence[Sequence[Span]]
                 ) -> dict[str, float]:
  correct = sum(len(set(g) & set(p))
                for g, p in zip(gold_spans, predicted_spans))
  num_gold = sum(len(spans) for spans in gold_spans)
  num_predicted = sum(len(spans) for spans in predicted_spans)
  # seqeval scores 0 (not 1) when there is nothing to find or nothing found.
  precision = correct / num_predicted if num_predicted else 0.0
  recall = correct / num_gold if num_gold else 0.0
  f1 = (2 * precision * recall / (precision + recall)
        if precision + recall else 0.0)
  return {"precision": precision, "recall": recall, "f1": f1}


def _exact_match(gold_intents, predicted_intents, gold_spans,
                 predicted_spans) -> float:
  matches = sum(
      gi == pi and set(gs) == set(ps) for gi, pi, gs, ps in zip(
          gold_intents, predicted_intents, gold_spans, predicted_spans))
  return matches / len(gold_intents)


def _semer(gold_intents, predicted_intents, gold_spans,
           predicted_spans) -> float:
  errors = references = 0
  for gold_intent, predicted_intent, gold, predicted in zip(
      gold_intents, predicted_intents, gold_spans, predicted_spans):
    errors += sum(slot_errors(gold, predicted))
    errors += gold_intent != predicted_intent
    references += len(gold) + 1
  return errors / references


def _read_metrics(path: str) -> dict:
  try:
    with fs.open(path, encoding="utf-8") as file:
      metrics = json.load(file)
  except OSError as error:
    raise UserError(f"Metrics file {path} cannot be read "
                    f"({error.strerror}); pass the metrics JSON that the "
                    "evaluation wrote.") from error
  except (json.JSONDecodeError, UnicodeDecodeError) as error:
    raise UserError(f"Metrics file {path} is not valid JSON ({error}); pass "
                    "the metrics JSON that the evaluation wrote.") from error
  if not isinstance(metrics, dict):
    raise UserError(f"Metrics file {path} holds a JSON "
                    f"{type(metrics).__name__}, not an object of metric "
                    "names and numbers; pass a flat metrics JSON.")
  return metrics


def _number(metrics: Mapping, key: str, path: str, complement: bool) -> float:
  value = metrics[key]
  if isinstance(value, bool) or not isinstance(value, (int, float)):
    raise UserError(f"Metric {key!r} in {path} is {value!r}, not a number; "
                    "fix or regenerate that metrics file.")
  return 1.0 - value if complement else float(value)


if __name__ == "__main__":
  run_cleanly(lambda: main(sys.argv[1:]))
