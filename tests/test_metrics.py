"""Metrics: hand-worked cases, and parity with the seqeval package."""
import json
import os
import random
import subprocess
import sys
import warnings

import pytest
from seqeval import metrics as seqeval_metrics
from seqeval.metrics.sequence_labeling import get_entities

from atm_jax import metrics
from atm_jax.errors import UserError

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_SNIPS_TEST_TAGS = os.path.join(_ROOT, "..", "shared", "data", "snips", "test",
                                "seq.out")


def _seqeval_scores(gold_tags, predicted_tags):
  with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # seqeval warns when it divides by zero
    return {
        "precision": seqeval_metrics.precision_score(gold_tags, predicted_tags),
        "recall": seqeval_metrics.recall_score(gold_tags, predicted_tags),
        "f1": seqeval_metrics.f1_score(gold_tags, predicted_tags),
    }


def _assert_parity(gold_tags, predicted_tags):
  ours = metrics.slot_f1(gold_tags, predicted_tags)
  theirs = _seqeval_scores(gold_tags, predicted_tags)
  for name in ("precision", "recall", "f1"):
    assert ours[name] == pytest.approx(theirs[name], abs=1e-9), name
  for tags in list(gold_tags) + list(predicted_tags):
    assert metrics.slot_spans(tags) == get_entities(list(tags))


# --- span reading -----------------------------------------------------------

@pytest.mark.parametrize("tags, spans", [
    (["O", "B-a", "I-a", "O"], [("a", 1, 2)]),
    (["I-a", "I-a"], [("a", 0, 1)]),  # I- without B- opens a span
    (["B-a", "I-b"], [("a", 0, 0), ("b", 1, 1)]),  # type change splits
    (["B-a", "B-a"], [("a", 0, 0), ("a", 1, 1)]),
    (["B-a", "O", "I-a"], [("a", 0, 0), ("a", 2, 2)]),
    (["B-time-range", "I-time-range"], [("time-range", 0, 1)]),
    ([], []),
])
def test_slot_spans_hand_worked(tags, spans):
  assert metrics.slot_spans(tags) == spans
  assert get_entities(tags) == spans


# --- slot F1 ----------------------------------------------------------------

def test_slot_f1_hand_worked():
  gold = [["B-a", "I-a", "O", "B-b"], ["O", "B-c"]]
  # span a shortened (wrong), b right, c missed, an extra d predicted.
  predicted = [["B-a", "O", "O", "B-b"], ["B-d", "O"]]
  scores = metrics.slot_f1(gold, predicted)
  # correct 1 (b); predicted 3 (a, b, d); gold 3 (a, b, c).
  assert scores == pytest.approx(
      {"precision": 1 / 3, "recall": 1 / 3, "f1": 1 / 3})
  _assert_parity(gold, predicted)


def test_slot_f1_all_outside_is_zero_like_seqeval():
  gold = [["B-a", "O"], ["O", "O"]]
  none_predicted = [["O", "O"], ["O", "O"]]
  assert metrics.slot_f1(gold, none_predicted) == {
      "precision": 0.0, "recall": 0.0, "f1": 0.0}
  _assert_parity(gold, none_predicted)
  # No slots anywhere: seqeval (so MASSIVE) scores 0, not 1.
  assert metrics.slot_f1(none_predicted, none_predicted)["f1"] == 0.0
  _assert_parity(none_predicted, none_predicted)


def test_slot_f1_handles_empty_utterances():
  gold = [[], ["B-a"]]
  assert metrics.slot_f1(gold, [[], ["B-a"]])["f1"] == 1.0
  _assert_parity(gold, [[], ["I-a"]])


def test_slot_f1_random_sequences_match_seqeval():
  alphabet = ["O", "O", "B-a", "I-a", "B-b", "I-b", "I-c"]
  rng = random.Random(0)
  for _ in range(200):
    lengths = [rng.randrange(0, 7) for _ in range(rng.randrange(1, 6))]
    gold = [[rng.choice(alphabet) for _ in range(n)] for n in lengths]
    predicted = [[rng.choice(alphabet) for _ in range(n)] for n in lengths]
    _assert_parity(gold, predicted)


def _perturb(tags, rng, slot_types):
  """One random corruption of an utterance's BIO tags."""
  tags = list(tags)
  spans = metrics.slot_spans(tags)
  kind = rng.choice(["substitute", "shift", "no_begin", "drop"])
  if kind == "substitute" or not spans:
    position = rng.randrange(len(tags))
    tags[position] = rng.choice(
        ["O", f"B-{rng.choice(slot_types)}", f"I-{rng.choice(slot_types)}"])
    return tags
  slot_type, first, last = rng.choice(spans)
  if kind == "drop":
    tags[first:last + 1] = ["O"] * (last + 1 - first)
  elif kind == "no_begin":
    tags[first] = f"I-{slot_type}"
  else:
    _shift_boundary(tags, rng, slot_type, first, last)
  return tags


def _shift_boundary(tags, rng, slot_type, first, last):
  """Moves one edge of the span first..last by a word, in place."""
  shifts = []
  if last + 1 < len(tags):
    shifts.append("grow_right")
  if first > 0:
    shifts.append("grow_left")
  if last > first:
    shifts += ["shrink_right", "shrink_left"]
  shift = rng.choice(shifts) if shifts else "drop"
  if shift == "grow_right":
    tags[last + 1] = f"I-{slot_type}"
  elif shift == "grow_left":
    tags[first - 1], tags[first] = f"B-{slot_type}", f"I-{slot_type}"
  elif shift == "shrink_right":
    tags[last] = "O"
  elif shift == "shrink_left":
    tags[first], tags[first + 1] = "O", f"B-{slot_type}"
  else:
    tags[first] = "O"


@pytest.mark.shared_data
def test_slot_f1_matches_seqeval_on_perturbed_snips():
  if not os.path.exists(_SNIPS_TEST_TAGS):
    pytest.skip("SNIPS test tags not found beside the checkout")
  with open(_SNIPS_TEST_TAGS, encoding="utf-8") as file:
    gold = [line.split() for line in file]
  slot_types = sorted({span[0] for tags in gold
                       for span in metrics.slot_spans(tags)})
  rng = random.Random(1)
  _assert_parity(gold, gold)
  for _ in range(40):
    rate = rng.choice([0.05, 0.3, 1.0])
    predicted = [
        _perturb(tags, rng, slot_types)
        if tags and rng.random() < rate else list(tags) for tags in gold
    ]
    _assert_parity(gold, predicted)
  assert metrics.slot_f1(gold, gold)["f1"] == 1.0


# --- intent accuracy, exact match, SemER -------------------------------------

def test_intent_accuracy():
  assert metrics.intent_accuracy(["a", "b", "c", "a"],
                                 ["a", "b", "a", "b"]) == 0.5


def test_wrong_intent_with_perfect_slots():
  tags = [["B-city", "I-city", "O"]]
  report = metrics.nlu_report(["weather"], ["alarm"], tags, tags)
  assert report["intent_accuracy"] == 0.0
  assert report["icer"] == 1.0
  assert report["slot_f1"] == 1.0
  assert report["exact_match"] == 0.0
  assert report["semer"] == 0.5  # 1 intent substitution / (1 slot + 1)


def test_exact_match_compares_span_sets():
  gold = [["B-a", "I-a"], ["B-a", "O"], ["O", "O"]]
  # `I-a I-a` is the same span as `B-a I-a`; the second misses its slot.
  predicted = [["I-a", "I-a"], ["O", "O"], ["O", "O"]]
  intents = ["x", "y", "z"]
  assert metrics.exact_match(intents, intents, gold, predicted) == 2 / 3
  assert metrics.exact_match(intents, ["x", "y", "q"], gold, predicted) == 1 / 3


def test_slot_errors_kinds():
  # Same type, other words: one substitution.
  assert metrics.slot_errors([("a", 0, 1)], [("a", 0, 0)]) == (1, 0, 0)
  # Same words, other type: a deletion and an insertion.
  assert metrics.slot_errors([("a", 0, 1)], [("b", 0, 1)]) == (0, 1, 1)
  # Two gold a's, one predicted a elsewhere: one substitution, one deletion.
  assert metrics.slot_errors([("a", 0, 0), ("a", 2, 2)],
                             [("a", 4, 4)]) == (1, 1, 0)
  assert metrics.slot_errors([], [("a", 0, 0)]) == (0, 0, 1)


def test_semer_worked_example():
  # Utterance 1, words: play(0) the(1) beatles(2) on(3) my(4) road(5) trip(6)
  #   list(7) tomorrow(8); intent right.
  #   gold spans: artist 1-2, playlist 5-7, date 8            -> 3 slots
  #   predicted:  artist 1-2 (correct), playlist 5-6 (substitution: right
  #   type, wrong words), date missing (deletion), music_item 4 (insertion)
  #   errors 1 + 1 + 1 = 3, reference 3 + 1 = 4.
  # Utterance 2: gold city 0, predicted state 0 (right words, wrong type:
  #   deletion + insertion = 2), intent wrong (+1 substitution) -> 3 errors,
  #   reference 1 + 1 = 2.
  # Utterance 3: no slots, both right -> 0 errors, reference 0 + 1 = 1.
  # SemER = (3 + 3 + 0) / (4 + 2 + 1) = 6 / 7.
  gold_tags = [
      ["O", "B-artist", "I-artist", "O", "O", "B-playlist", "I-playlist",
       "I-playlist", "B-date"],
      ["B-city", "O"],
      ["O"],
  ]
  predicted_tags = [
      ["O", "B-artist", "I-artist", "O", "B-music_item", "B-playlist",
       "I-playlist", "O", "O"],
      ["B-state", "O"],
      ["O"],
  ]
  gold_intents = ["play_music", "weather", "greet"]
  predicted_intents = ["play_music", "alarm", "greet"]
  assert metrics.semantic_error_rate(gold_intents, predicted_intents,
                                     gold_tags, predicted_tags) == 6 / 7
  report = metrics.nlu_report(gold_intents, predicted_intents, gold_tags,
                              predicted_tags)
  assert report["semer"] == 6 / 7
  assert report["exact_match"] == 1 / 3
  assert report["num_examples"] == 3
  # correct 1 (artist); predicted 4; gold 4.
  assert report["slot_precision"] == report["slot_recall"] == 0.25


def test_semer_all_outside_predictions_are_deletions():
  gold = [["B-a", "I-a", "B-b"]]
  assert metrics.semantic_error_rate(["x"], ["x"], gold,
                                     [["O", "O", "O"]]) == 2 / 3


def test_nlu_report_counts_unseen_gold_labels_as_errors():
  gold_intents, predicted_intents = ["new_intent", "known"], ["known", "known"]
  gold_tags = [["B-new_slot", "O"], ["B-city", "I-city"]]
  predicted_tags = [["O", "O"], ["B-city", "I-city"]]
  report = metrics.nlu_report(gold_intents, predicted_intents, gold_tags,
                              predicted_tags, known_intents={"known"},
                              known_tags=["O", "B-city", "I-city"])
  assert report["unseen_intents"] == 1
  assert report["unseen_slot_labels"] == 1
  assert report["intent_accuracy"] == 0.5
  assert report["slot_recall"] == 0.5
  assert report["semer"] == 2 / 4  # intent + deleted slot / (2 + 1 + 1)
  plain = metrics.nlu_report(gold_intents, predicted_intents, gold_tags,
                             predicted_tags)
  assert "unseen_intents" not in plain and "unseen_slot_labels" not in plain


@pytest.mark.parametrize("call, message", [
    (lambda: metrics.intent_accuracy([], []), "no intents"),
    (lambda: metrics.intent_accuracy(["a"], ["a", "b"]), "1 gold intents"),
    (lambda: metrics.slot_f1([["O"]], [["O", "O"]]), "Example 0 has 1"),
    (lambda: metrics.slot_f1([["O"]], [["PAD"]]), "'PAD' of example 0"),
    (lambda: metrics.slot_f1([["B-"]], [["O"]]), "not BIO"),
    (lambda: metrics.nlu_report(["a"], ["a"], [["O"], ["O"]], [["O"], ["O"]]),
     "1 intents but 2 slot tag"),
])
def test_bad_input_is_one_user_error(call, message):
  with pytest.raises(UserError, match=message):
    call()


# --- XNLI ---------------------------------------------------------------------

def test_xnli_report():
  report = metrics.xnli_report({
      "en": ([0, 1, 2, 0], [0, 1, 2, 1]),
      "de": ([0, 1], [1, 0]),
  })
  assert report == {"xnli_accuracy_en": 0.75, "xnli_accuracy_de": 0.0,
                    "xnli_mean_accuracy": 0.375}
  with pytest.raises(UserError, match="No XNLI languages"):
    metrics.xnli_report({})
  with pytest.raises(UserError, match="XNLI fr"):
    metrics.xnli_report({"fr": ([0], [])})


# --- relative change and compare ------------------------------------------------

def test_relative_error_change():
  assert metrics.relative_error_change(0.10, 0.09) == pytest.approx(-0.1)
  assert metrics.relative_error_change(0.05, 0.06) == pytest.approx(0.2)
  with pytest.raises(UserError, match="error rate is 0"):
    metrics.relative_error_change(0.0, 0.1)
  with pytest.raises(UserError, match="not a finite"):
    metrics.relative_error_change(0.1, float("nan"))


def _write(path, content):
  path.write_text(content if isinstance(content, str) else json.dumps(content))
  return str(path)


def test_compare_results(tmp_path):
  a = _write(tmp_path / "a.json", {"icer": 0.1, "slot_f1": 0.8,
                                   "exact_match": 1.0, "semer": 0.2,
                                   "num_examples": 10})
  b = _write(tmp_path / "b.json", {"icer": 0.08, "slot_f1": 0.9,
                                   "exact_match": 0.9, "xnli_mean_accuracy": 1})
  comparison = metrics.compare_results(a, b)
  assert set(comparison) == {"icer", "slot_error", "exact_match_error"}
  assert comparison["icer"]["relative_change"] == pytest.approx(-0.2)
  assert comparison["slot_error"]["a"] == pytest.approx(0.2)
  assert comparison["slot_error"]["relative_change"] == pytest.approx(-0.5)
  assert comparison["exact_match_error"]["relative_change"] is None
  table = metrics.format_comparison(comparison)
  assert "-20.00%" in table and "-50.00%" in table and "undefined" in table


@pytest.mark.parametrize("content, message", [
    (None, "cannot be read"),
    ("{not json", "not valid JSON"),
    ("[1, 2]", "JSON list"),
    ({"icer": "low"}, "'icer' in .* is 'low'"),
    ({"loss": 1.0}, "share no metric"),
])
def test_compare_results_bad_files(tmp_path, content, message):
  good = _write(tmp_path / "good.json", {"icer": 0.1})
  bad = str(tmp_path / "bad.json")
  if content is not None:
    _write(tmp_path / "bad.json", content)
  with pytest.raises(UserError, match=message):
    metrics.compare_results(good, bad)


def test_compare_cli(tmp_path):
  a = _write(tmp_path / "a.json", {"icer": 0.1, "semer": 0.2})
  b = _write(tmp_path / "b.json", {"icer": 0.05, "semer": 0.3})
  command = [sys.executable, "-m", "atm_jax.metrics", "compare"]
  result = subprocess.run(command + [a, b], cwd=_ROOT, capture_output=True,
                          text=True, check=True)
  assert "icer" in result.stdout and "-50.00%" in result.stdout
  assert "+50.00%" in result.stdout
  missing = subprocess.run(command + [a, str(tmp_path / "nope.json")],
                           cwd=_ROOT, capture_output=True, text=True)
  assert missing.returncode == 2
  assert missing.stderr.startswith("error: Metrics file")
  assert len(missing.stderr.strip().splitlines()) == 1
