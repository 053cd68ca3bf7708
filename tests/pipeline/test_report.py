"""The report's statistics: means and spreads over seeds, comparisons with
intervals, views; from stage records as the runner keeps them."""
import json

import pytest

from atm_jax.pipeline import report
from atm_jax.pipeline.config import PipelineConfig
from atm_jax.pipeline.data_sources import PipelineData
from atm_jax.pipeline.runner import scoped_model_bindings
from atm_jax.pipeline.stages import StagePlanner

DATA = PipelineData("/d/*.txt", "/d/in.txt", "/d/en-US.jsonl", "massive",
                    "en-US", None, "generated")


def _eval_result(folder, name: str, right: int, total: int = 50) -> dict:
  """Metrics and predictions of a model that gets the first `right`
  utterances' intents right and every slot right."""
  records = [{"id": str(i), "text": "x", "gold_intent": "a",
              "predicted_intent": "a" if i < right else "b",
              "gold_tags": ["B-t", "O"], "predicted_tags": ["B-t", "O"]}
             for i in range(total)]
  path = folder / f"{name}.jsonl"
  path.write_text("".join(json.dumps(r) + "\n" for r in records))
  accuracy = right / total
  return {"result": {
      "intent_accuracy": accuracy, "icer": 1 - accuracy, "slot_f1": 1.0,
      "semer": (total - right) / (2 * total), "exact_match": accuracy,
      "num_examples": total, "predictions": str(path),
      "views": {"spoken": {"intent_accuracy": accuracy / 2, "slot_f1": 0.5,
                           "exact_match": 0.25}}},
      "seconds": 1.0}


@pytest.fixture
def built(tmp_path):
  config = PipelineConfig(work_dir=str(tmp_path), data=lambda out: DATA,
                          nlu_seeds=2, bootstrap_replicates=500)
  planner = StagePlanner(config, DATA, "/v", scoped_model_bindings)
  correct = {"teacher_scratch": (30, 34), "stage2_teacher": (45, 47)}
  results = {}
  for model, per_seed in correct.items():
    for seed, right in enumerate(per_seed):
      name = f"nlu_{model}_seed{seed}_eval"
      results[name] = _eval_result(tmp_path, name, right)
  results["bag_of_words"] = _eval_result(tmp_path, "bag_of_words", 40)
  return report.build_report(config, DATA, results, planner)


def test_mean_and_standard_deviation_over_seeds(built):
  assert list(built["nlu"]) == ["stage2_teacher", "teacher_scratch",
                                "bag_of_words"]
  assert built["nlu"]["teacher_scratch"]["intent_accuracy"] == pytest.approx(
      0.64)
  # sample standard deviation of 0.60 and 0.68
  assert built["nlu_std"]["teacher_scratch"]["intent_accuracy"] == (
      pytest.approx(0.0565685, abs=1e-6))
  assert built["views"]["stage2_teacher"]["spoken"]["intent_accuracy"] == (
      pytest.approx(0.46))


def test_only_comparisons_with_both_models_scored(built):
  rows = built["comparisons"]
  assert [r["title"] for r in rows] == [
      "Stage 2 teacher vs no pretraining (teacher size)",
      "Stage 2 teacher vs the bag-of-words floor"]
  icer = rows[0]["errors"]["icer"]
  # pooled: scratch 36 errors of 100, Stage 2 teacher 8 of 100
  assert icer["relative_change"] == pytest.approx((0.08 - 0.36) / 0.36)
  assert icer["interval"][1] < 0 and icer["verdict"] == "held"
  assert rows[0]["errors"]["slot_error"]["verdict"] == "undefined"


def test_markdown_shows_spread_interval_and_views(built):
  built["plots"] = {}
  built["inference_speed"] = {}
  text = report.to_markdown(built)
  assert "| stage2_teacher | 0.9200 ± 0.0283 |" in text
  assert "| bag_of_words | 0.8000 | 0.2000 |" in text  # one run: no spread
  assert "-77.8% [" in text and "] * |" in text
  assert "| stage2_teacher | spoken | 0.4600 |" in text
