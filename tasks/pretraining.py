"""SeqIO mixtures of the paper's two pretraining stages.

Stage 1: public text in many languages, each language a written task and a
spoken-form task (`{name}_{lang}_written`, `{name}_{lang}_spoken`), mixed at
the language's temperature share (XLM-R's p_l proportional to (n_l/N)^alpha)
times `spoken_share` or `1 - spoken_share` (the paper: 70% spoken). Stage 2:
in-domain utterances (`{name}_in_domain`) mixed with the Stage 1 mixture.

Every example carries `language` and `form` (written, spoken, in_domain) next
to its tokens; a mixture keeps them with
`get_dataset(..., passthrough_features=["language", "form"])`, which is how the
shares are checked. Training packs examples and drops both.
"""
import functools
from typing import Sequence

import gin
import seqio
import tensorflow as tf

from atm_jax.data import registry, spoken_cache
from atm_jax.data.text_blocks import SHUFFLE_LINES, TextLineSource
from atm_jax.errors import UserError
from atm_jax.vocab import vocabulary
from atm_jax.vocab.vocabulary import load_vocabulary

# The features each example carries besides its tokens.
SOURCE_FEATURES = ("language", "form")
WRITTEN, SPOKEN, IN_DOMAIN = "written", "spoken", "in_domain"


def _matching_files(pattern: str, macro: str) -> list[str]:
  """Sorted, so every process and every resumed run sees the same line order."""
  files = sorted(tf.io.gfile.glob(pattern))
  if not files:
    raise UserError(f"{macro} {pattern!r} matches no file; set {macro} to the "
                    "text files to train on (one sentence per line).")
  return files


def _register_text_task(name: str, files: Sequence[str],
                        vocab: seqio.SentencePieceVocabulary, language: str,
                        form: str, validation_every: int) -> str:
  """A text MLM task over `files` (every `validation_every`-th line is
  validation) whose examples also carry their language and form;
  re-registering replaces it."""

  registry.reregister(
      seqio.TaskRegistry, name,
      source=TextLineSource(files, validation_every,
                            constants={"language": language, "form": form}),
      preprocessors=[
          functools.partial(seqio.preprocessors.tokenize, copy_pretokenized=False),
          seqio.preprocessors.append_eos_after_trim,
      ],
      output_features={"targets": seqio.Feature(vocab, add_eos=True,
                                                dtype=tf.int32)},
      shuffle_buffer_size=SHUFFLE_LINES,
  )
  return name


def _register_mixture(name: str, rates: dict[str, float]) -> str:
  registry.reregister(seqio.MixtureRegistry, name,
                      [(task, rate) for task, rate in rates.items() if rate > 0])
  return name


def _check_share(name: str, value: float) -> None:
  if not 0 <= value <= 1:
    raise UserError(f"{name}={value} is not a share; set it between 0 and 1.")


def _line_counts(groups: dict[str, list[str]]) -> dict[str, int]:
  """Lines per language; languages without any are left out, with a note."""
  counts = {language: sum(map(vocabulary.count_text_lines, files))
            for language, files in groups.items()}
  empty = [language for language, count in counts.items() if not count]
  if empty:
    print(f"No text in language(s) {', '.join(empty)}: left out of the mixture.")
  return {language: count for language, count in counts.items() if count}


def _spoken_languages(languages: Sequence[str]) -> list[str]:
  """The languages `to_spoken` handles; the others are named in a note."""
  spoken = [language for language in languages
            if spoken_cache.spoken_language(language)]
  written_only = [language for language in languages if language not in spoken]
  if written_only:
    print(f"Spoken form has no rules for {', '.join(written_only)}: written "
          "text only for them, their whole share written.")
  return spoken


@gin.configurable
def register_stage1_mixture(
    text_glob: str = gin.REQUIRED,
    vocab_path: str = gin.REQUIRED,
    cache_dir: str = gin.REQUIRED,
    language_regex: str = vocabulary.DEFAULT_LANGUAGE_REGEX,
    languages: Sequence[str] | None = None,
    spoken_share: float = 0.7,
    alpha: float = 0.3,
    name: str = "stage1",
    validation_every: int = 100,
) -> registry.RegisteredTask:
  """Registers the Stage 1 tasks and their mixture `name`; returns it.

  Each file's language comes from `language_regex` on its name; `languages`
  keeps only those. Spoken text is converted once into `cache_dir`. A language
  `to_spoken` cannot handle contributes written text only, at its full
  language share, so the languages keep their temperature shares.
  """
  _check_share("spoken_share", spoken_share)
  files = _matching_files(text_glob, "TEXT_GLOB")
  groups = vocabulary.files_by_language(files, language_regex, languages)
  shares = vocabulary.temperature_shares(_line_counts(groups), alpha)
  spoken = _spoken_languages(list(shares)) if spoken_share else []
  vocab = load_vocabulary(vocab_path)
  rates = {}
  for language, share in shares.items():
    spoken_part = spoken_share if language in spoken else 0.0
    if spoken_part < 1:
      rates[_register_text_task(f"{name}_{language}_{WRITTEN}", groups[language],
                                vocab, language, WRITTEN,
                                validation_every)] = share * (1 - spoken_part)
    if spoken_part:
      cached = spoken_cache.cache_spoken(groups[language], language, cache_dir)
      rates[_register_text_task(f"{name}_{language}_{SPOKEN}", cached,
                                vocab, language, SPOKEN,
                                validation_every)] = share * spoken_part
  return registry.RegisteredTask(_register_mixture(name, rates), vocab)


def _public_provider(public_mixture: str, vocab_path: str) -> seqio.DatasetProviderBase:
  """The Stage 1 mixture, checked to exist and to share the vocabulary."""
  try:
    provider = seqio.get_mixture_or_task(public_mixture)
  except ValueError as error:
    raise UserError(
        f"public_mixture {public_mixture!r} is not a registered task or "
        "mixture; register Stage 1 first (register_stage2_mixture.public_mixture"
        " = @register_stage1_mixture()) or fix the name.") from error
  public_vocab = provider.output_features["targets"].vocabulary
  if public_vocab != load_vocabulary(vocab_path):
    raise UserError(
        f"public_mixture {public_mixture!r} uses the vocabulary "
        f"{public_vocab.sentencepiece_model_file} but Stage 2 was given "
        f"{vocab_path}; give Stage 2 the Stage 1 vocabulary (VOCAB_PATH).")
  return provider


@gin.configurable
def register_stage2_mixture(
    in_domain_glob: str = gin.REQUIRED,
    public_mixture: str | registry.RegisteredTask = "stage1",
    in_domain_rate: float = 0.5,
    vocab_path: str = gin.REQUIRED,
    name: str = "stage2",
    validation_every: int = 100,
) -> registry.RegisteredTask:
  """Registers `{name}_in_domain` (unlabelled in-domain utterances, one per
  line) and the mixture `name` of it (at `in_domain_rate`) with the already
  registered `public_mixture` (at the rest); returns the mixture."""
  _check_share("in_domain_rate", in_domain_rate)
  if isinstance(public_mixture, registry.RegisteredTask):
    public_mixture = public_mixture.name
  files = _matching_files(in_domain_glob, "IN_DOMAIN_GLOB")
  public = _public_provider(public_mixture, vocab_path)
  vocab = public.output_features["targets"].vocabulary
  in_domain = _register_text_task(
      f"{name}_{IN_DOMAIN}", files, vocab, vocabulary.UNDETERMINED_LANGUAGE,
      IN_DOMAIN, validation_every)
  mixture = _register_mixture(name, {in_domain: in_domain_rate,
                                     public.name: 1 - in_domain_rate})
  return registry.RegisteredTask(mixture, vocab)
