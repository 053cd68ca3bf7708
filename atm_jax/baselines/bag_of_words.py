"""A bag-of-words floor for NLU results: what words alone score, no encoder.

Intents: TF-IDF of word unigrams and bigrams (sublinear tf) into a logistic
regression. Slots: each lower-cased word takes the tag it most often had in
the train split (ties: the tag seen first); words train never had get "O".
The tags are not repaired into strict BIO: `atm_jax.metrics.slot_spans`, like
seqeval, reads an I- tag that continues no span of its type as opening one,
so any tag sequence scores as it stands.

Examples are read by the NLU task's own `read_splits`, so predictions.jsonl
has the ids, text and gold labels of the evaluator's predictions-<step>.jsonl
and a paired bootstrap can match the two by id.

  python -m atm_jax.baselines.bag_of_words --data_dir=../shared/data/massive \
      --data_format=massive --locale=en-US --split=test --output=/tmp/bow
"""
from __future__ import annotations

import collections
import json
import os
from collections.abc import Sequence

from absl import app, flags
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from atm_jax import fs
from atm_jax import cli, metrics
from atm_jax.data.nlu_formats import OUTSIDE_TAG, NluExample
from atm_jax.errors import UserError

SPLITS = ("train", "validation", "test")  # The evaluator's split names.
PREDICTIONS_FILE = "predictions.jsonl"
METRICS_FILE = "metrics.json"
SEED = 0
INVERSE_REGULARISATION = 10.0
MAX_ITERATIONS = 2000
PRINTED_METRICS = ("intent_accuracy", "slot_f1", "exact_match")


def read_examples(data_dir: str, data_format: str, locale: str | None,
                  split: str) -> tuple[list[NluExample], list[NluExample]]:
  """(train, `split`) examples, read by the NLU task's own `read_splits`, so
  locale files and split names resolve as the evaluator's do. `tasks` pulls
  in TensorFlow, hence the late import."""
  if split not in SPLITS:
    raise UserError(f"Unknown split {split!r}; use one of {', '.join(SPLITS)} "
                    "(validation is the data set's dev split).")
  from tasks import nlu  # pylint: disable=g-import-not-at-top
  splits = nlu.read_splits(data_dir, data_format, locale)
  return splits["train"], splits[split]


def _text(example: NluExample) -> str:
  """The words as the evaluator's `text` joins them."""
  return " ".join(example.words)


def fit_intents(train: Sequence[NluExample]):
  """TF-IDF on the project's own words (no re-tokenising), then softmax
  regression. saga converges on MASSIVE en-US in ~60 passes and seconds
  (lbfgs needs a minute); C=10 because the default 1 underfits by 5 points."""
  classifier = make_pipeline(
      TfidfVectorizer(tokenizer=str.split, token_pattern=None,
                      lowercase=True, ngram_range=(1, 2), sublinear_tf=True),
      LogisticRegression(C=INVERSE_REGULARISATION, solver="saga",
                         max_iter=MAX_ITERATIONS, random_state=SEED))
  classifier.fit([_text(example) for example in train],
                 [example.intent for example in train])
  return classifier


def fit_word_tags(train: Sequence[NluExample]) -> dict[str, str]:
  """Lower-cased word -> the tag it most often had in train."""
  counts: dict[str, collections.Counter] = collections.defaultdict(
      collections.Counter)
  for example in train:
    for word, tag in zip(example.words, example.tags):
      counts[word.lower()][tag] += 1
  return {word: tags.most_common(1)[0][0] for word, tags in counts.items()}


def tag_words(words: Sequence[str], word_tags: dict[str, str]) -> list[str]:
  return [word_tags.get(word.lower(), OUTSIDE_TAG) for word in words]


def predict_examples(train: Sequence[NluExample],
                     examples: Sequence[NluExample]) -> list[dict]:
  """Records with the keys of `evaluation.decode_nlu`'s, in split order."""
  intents = fit_intents(train).predict([_text(example) for example in examples])
  word_tags = fit_word_tags(train)
  return [{"id": example.id, "text": _text(example),
           "gold_intent": example.intent, "predicted_intent": str(intent),
           "gold_tags": list(example.tags),
           "predicted_tags": tag_words(example.words, word_tags)}
          for example, intent in zip(examples, intents)]


def predict(data_dir: str, data_format: str, locale: str | None,
            split: str = "test") -> list[dict]:
  """Trains on the train split; one prediction record per `split` example."""
  train, examples = read_examples(data_dir, data_format, locale, split)
  return predict_examples(train, examples)


def score(records: Sequence[dict], train: Sequence[NluExample]) -> dict:
  """`nlu_report` of the records, with train's labels as the known ones, as
  the evaluator scores a model."""
  return metrics.nlu_report(
      [r["gold_intent"] for r in records],
      [r["predicted_intent"] for r in records],
      [r["gold_tags"] for r in records], [r["predicted_tags"] for r in records],
      known_intents={example.intent for example in train},
      known_tags={tag for example in train for tag in example.tags})


def _write_atomically(path: str, text: str) -> None:
  """A reader never sees half a file."""
  partial = f"{path}.partial"
  with fs.open(partial, "w", encoding="utf-8") as f:
    f.write(text)
  fs.replace(partial, path)


def run(data_dir: str, data_format: str, locale: str | None, output_dir: str,
        split: str = "test") -> dict:
  """Writes predictions.jsonl and metrics.json to `output_dir`; returns the
  metrics."""
  train, examples = read_examples(data_dir, data_format, locale, split)
  records = predict_examples(train, examples)
  report = score(records, train)
  fs.makedirs(output_dir)
  _write_atomically(os.path.join(output_dir, PREDICTIONS_FILE), "".join(
      json.dumps(record, ensure_ascii=False) + "\n" for record in records))
  _write_atomically(os.path.join(output_dir, METRICS_FILE),
                    json.dumps(report, indent=1, sort_keys=True))
  return report


def _define_flags() -> None:
  """Only when run as a program: --split and --output are also flags of CLIs
  that tests import, and absl refuses a flag defined twice in one process."""
  flags.DEFINE_string(
      "data_dir", None, "MASSIVE .jsonl file or folder, or a JointBERT folder "
      "with train/, dev/ and test/.", required=True)
  flags.DEFINE_enum("data_format", None, ["massive", "jointbert"],
                    "Layout of --data_dir.", required=True)
  flags.DEFINE_string(
      "locale", None, "MASSIVE locale to keep, e.g. en-US; unset keeps all.")
  flags.DEFINE_enum("split", "test", list(SPLITS), "Split to predict.")
  flags.DEFINE_string("output", None, "Folder for predictions.jsonl and "
                      "metrics.json.", required=True)


def main(argv: list[str]) -> None:
  if len(argv) > 1:
    raise app.UsageError(f"Unexpected arguments: {argv[1:]}")
  cli.quiet_libraries()
  given = flags.FLAGS

  def run_baseline() -> None:
    report = run(given.data_dir, given.data_format, given.locale, given.output,
                 given.split)
    print("  ".join(f"{name} {report[name]:.4f}" for name in PRINTED_METRICS))

  cli.run_cleanly(run_baseline)


def console_main() -> None:
  """Console-script entry point."""
  cli.show_usage(__doc__)
  _define_flags()
  app.run(main)


if __name__ == "__main__":
  console_main()
