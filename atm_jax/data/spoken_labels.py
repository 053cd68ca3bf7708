"""Slot labels carried from an utterance's written words onto its spoken form.

The spoken-form view of an NLU split (`atm_jax.eval` with EVAL_SPOKEN_FORM)
shows how a model reads what a speech recogniser would write: digits said as
words, no punctuation. Its gold slots must still cover the same words, so each
run of words under one label (a slot's span, or words outside slots) is
rendered by `to_spoken` as a whole: "5 am" reads "five a m" as one time. The
first spoken word of a run takes the first written word's tag, the others
continue it (I- of the same slot; O outside slots). A run that renders to
nothing (a lone "-") drops out.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from atm_jax.data.nlu_formats import CHARACTER_LOCALES, OUTSIDE_TAG, NluExample
from atm_jax.data.spoken_form import to_spoken

# JointBERT data (SNIPS, ATIS) carries no locale; both are English.
DEFAULT_LANGUAGE = "en"


def _slot(tag: str) -> str | None:
  return None if tag == OUTSIDE_TAG else tag[2:]


def label_runs(tags: Sequence[str]) -> list[tuple[int, int]]:
  """[start, end) word ranges under one label: a B- tag or a change of slot
  starts a new run."""
  runs, start = [], 0
  for index in range(1, len(tags) + 1):
    if (index == len(tags) or tags[index].startswith("B-")
        or _slot(tags[index]) != _slot(tags[index - 1])):
      runs.append((start, index))
      start = index
  return runs


def spoken_words(text: str, lang: str) -> list[str]:
  """`to_spoken` split into words; in MASSIVE's unspaced locales each
  non-ASCII character is a word, as the reader splits the written text."""
  words = to_spoken(text, lang).split()
  if lang not in CHARACTER_LOCALES:
    return words
  return [piece for word in words
          for piece in ([word] if word.isascii() else list(word))]


def carry_tags(words: Sequence[str], tags: Sequence[str], lang: str
               ) -> tuple[tuple[str, ...], tuple[str, ...]]:
  """Spoken words of `words` in language `lang`, with their BIO tags."""
  if len(words) != len(tags):
    raise ValueError(f"{len(words)} words but {len(tags)} tags")
  spoken, spoken_tags = [], []
  for start, end in label_runs(tags):
    rendered = spoken_words(" ".join(words[start:end]), lang)
    if not rendered:
      continue
    slot = _slot(tags[start])
    following = OUTSIDE_TAG if slot is None else f"I-{slot}"
    spoken.extend(rendered)
    spoken_tags.extend([tags[start]] + [following] * (len(rendered) - 1))
  return tuple(spoken), tuple(spoken_tags)


def spoken_example(example: NluExample) -> NluExample:
  """`example` as a speech recogniser would write it, gold slots carried."""
  words, tags = carry_tags(example.words, example.tags,
                           example.locale or DEFAULT_LANGUAGE)
  return dataclasses.replace(example, words=words, tags=tags)
