"""Stage 1 and Stage 2 mixtures yield languages and forms at their configured shares."""
import collections
import glob
import itertools
import os

import pytest
import seqio

from atm_jax.data import mlm_batches, registry
from atm_jax.data import synthetic
from atm_jax.errors import UserError
from atm_jax.vocab import vocabulary
from tasks import pretraining

_DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), "..", "shared", "data")
EXAMPLES = 2000


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, str]:
  """600 English lines and 200 of `xx`, a language spoken form has no rules for."""
  folder = tmp_path_factory.mktemp("stage1")
  lines = synthetic.generate_lines(800, seed=5)
  (folder / "en.txt").write_text("\n".join(lines[:600]) + "\n")
  (folder / "xx.txt").write_text("\n".join(line.upper() for line in lines[600:]) + "\n")
  text = synthetic.write_text_file(str(folder / "vocab_text.txt"), 2000, seed=6)
  vocab = vocabulary.train_sentencepiece([text], 450, str(folder / "spm.model"))
  in_domain = synthetic.write_text_file(str(folder / "in_domain" / "utterances.txt"), 300)
  return {"glob": str(folder / "??.txt"), "vocab": vocab, "cache": str(folder / "cache"),
          "in_domain": in_domain, "folder": str(folder)}


@pytest.fixture(scope="module")
def stage1(corpus) -> registry.RegisteredTask:
  return pretraining.register_stage1_mixture(
      corpus["glob"], corpus["vocab"], corpus["cache"], alpha=0.5, name="test_stage1")


def _source_shares(mixture: str, seed: int = 0) -> collections.Counter:
  """Share of (language, form) among the mixture's first examples."""
  dataset = seqio.get_mixture_or_task(mixture).get_dataset(
      {"targets": 64}, "train", seed=seed, passthrough_features=pretraining.SOURCE_FEATURES)
  counts = collections.Counter(
      (example["language"].decode(), example["form"].decode())
      for example in itertools.islice(dataset.as_numpy_iterator(), EXAMPLES))
  return collections.Counter({source: count / EXAMPLES for source, count in counts.items()})


def _language_shares(shares: collections.Counter) -> dict[str, float]:
  totals = collections.defaultdict(float)
  for (language, _), share in shares.items():
    totals[language] += share
  return dict(totals)


def _spoken(shares: collections.Counter) -> float:
  return sum(share for (_, form), share in shares.items() if form == pretraining.SPOKEN)


def test_stage1_registers_written_and_spoken_tasks_at_their_rates(stage1):
  assert stage1.name == "test_stage1" and stage1.labels is None
  mixture = seqio.get_mixture_or_task(stage1.name)
  rates = {task.name: mixture.get_rate(task) for task in mixture.tasks}
  norm = 0.75 ** 0.5 + 0.25 ** 0.5  # alpha=0.5 over 600 and 200 lines
  en, xx = 0.75 ** 0.5 / norm, 0.25 ** 0.5 / norm
  assert rates == pytest.approx({"test_stage1_en_written": en * 0.3,
                                 "test_stage1_en_spoken": en * 0.7,
                                 "test_stage1_xx_written": xx})
  assert sum(rates.values()) == pytest.approx(1.0)


def test_languages_without_spoken_rules_are_named(corpus, capsys):
  pretraining.register_stage1_mixture(corpus["glob"], corpus["vocab"], corpus["cache"],
                                      name="test_stage1_note")
  output = capsys.readouterr().out
  assert "Spoken form has no rules for xx: written text only" in output
  assert "Spoken form of en: 1 file(s) up to date" in output  # cached by `stage1`


def test_spoken_task_reads_the_cached_spoken_lines(stage1):
  task = seqio.get_mixture_or_task("test_stage1_en_spoken")
  vocab = task.output_features["targets"].vocabulary
  example = next(task.get_dataset({"targets": 64}, "train", shuffle=False).as_numpy_iterator())
  written = seqio.get_mixture_or_task("test_stage1_en_written")
  written_example = next(written.get_dataset({"targets": 64}, "train", shuffle=False).as_numpy_iterator())
  spoken_text, written_text = vocab.decode(example["targets"]), vocab.decode(written_example["targets"])
  assert spoken_text == " ".join(spoken_text.lower().split()) and written_text != spoken_text
  assert (example["language"], example["form"]) == (b"en", b"spoken")


def test_stage1_examples_follow_the_rates(stage1):
  shares = _source_shares(stage1.name)
  rates = seqio.get_mixture_or_task(stage1.name)
  for task in rates.tasks:
    language, form = task.name.split("_")[-2:]
    assert shares[(language, form)] == pytest.approx(rates.get_rate(task), abs=0.03)


def test_stage1_mixture_feeds_packed_training_batches(stage1):
  batch = next(mlm_batches.mlm_batches(stage1.name, "train", 64, 8))
  assert batch["tokens"].shape == (8, 64) and batch["segment_ids"].max() > 1
  assert registry.num_pieces(stage1.name) == stage1.vocabulary.vocab_size == 450


def test_stage2_mixes_in_domain_with_the_stage1_mixture(stage1, corpus):
  # Run files pass Stage 1's registration (a plain name serves as well).
  stage2 = pretraining.register_stage2_mixture(
      corpus["in_domain"], stage1, in_domain_rate=0.4, vocab_path=corpus["vocab"],
      name="test_stage2")
  assert stage2.name == "test_stage2" and stage2.vocabulary == stage1.vocabulary
  shares = _source_shares(stage2.name)
  assert shares[("und", "in_domain")] == pytest.approx(0.4, abs=0.03)
  public = seqio.get_mixture_or_task(stage1.name)
  for task in public.tasks:  # the sub-mixture keeps its own proportions
    language, form = task.name.split("_")[-2:]
    assert shares[(language, form)] == pytest.approx(0.6 * public.get_rate(task), abs=0.03)


def test_stage2_refuses_a_missing_mixture_glob_or_other_vocabulary(stage1, corpus, tmp_path):
  kwargs = dict(in_domain_glob=corpus["in_domain"], vocab_path=corpus["vocab"], name="test_bad")
  with pytest.raises(UserError, match="public_mixture 'no_stage1' is not a registered"):
    pretraining.register_stage2_mixture(public_mixture="no_stage1", **kwargs)
  with pytest.raises(UserError, match=r"IN_DOMAIN_GLOB '.*none\*' matches no file"):
    pretraining.register_stage2_mixture(**{**kwargs, "in_domain_glob": str(tmp_path / "none*")},
                                        public_mixture=stage1)
  other = vocabulary.train_sentencepiece([corpus["in_domain"]], 400, str(tmp_path / "o.model"))
  with pytest.raises(UserError, match="give Stage 2 the Stage 1 vocabulary"):
    pretraining.register_stage2_mixture(**{**kwargs, "vocab_path": other},
                                        public_mixture=stage1)
  with pytest.raises(UserError, match="give Stage 2 the Stage 1 vocabulary"):
    pretraining.register_stage2_mixture(**{**kwargs, "vocab_path": other},
                                        public_mixture=stage1.name)


@pytest.mark.parametrize("kwargs, message", [
    (dict(spoken_share=1.2), r"spoken_share=1.2 is not a share"),
    (dict(languages=["en", "fr"]), r"No file of language\(s\) fr"),
    (dict(alpha=-1.0), r"alpha=-1.0 is outside \[0, 1\]"),
])
def test_stage1_bad_settings_are_user_errors(corpus, kwargs, message):
  with pytest.raises(UserError, match=message):
    pretraining.register_stage1_mixture(corpus["glob"], corpus["vocab"], corpus["cache"],
                                        name="test_bad", **kwargs)


@pytest.mark.shared_data
@pytest.mark.skipif(not os.path.isdir(os.path.join(_DATA, "tatoeba")),
                    reason="needs ../shared/data/tatoeba beside the checkout")
def test_tatoeba_stage1_matches_language_and_spoken_shares(tmp_path_factory):
  folder = tmp_path_factory.mktemp("tatoeba")
  languages = ["deu", "fra", "tam", "tel"]  # 1000, 1000, 307, 234 lines
  text_glob = os.path.join(_DATA, "tatoeba", "tatoeba.*")
  files = vocabulary.files_by_language(sorted(glob.glob(text_glob)),
                                       languages=languages)
  vocab = vocabulary.train_sentencepiece([f for fs in files.values() for f in fs], 2000,
                                         str(folder / "spm.model"), alpha=0.3)
  mixture = pretraining.register_stage1_mixture(
      text_glob, vocab, str(folder / "cache"), languages=languages, name="test_tatoeba")
  counts = {language: vocabulary.count_text_lines(fs[0]) for language, fs in files.items()}
  expected = vocabulary.temperature_shares(counts, 0.3)
  shares = _source_shares(mixture.name, seed=1)
  assert _language_shares(shares) == pytest.approx(expected, abs=0.03)
  assert _spoken(shares) == pytest.approx(0.7, abs=0.03)
