"""Labelled virtual-assistant utterances in four languages, as MASSIVE-format files.

This is the project's default in-domain data: `make demo` and the tests need
intent/slot data without a download, and Stage 2 pretraining needs unlabelled
in-domain text. Templates and slot values are written natively per language in
`synthetic_templates`; this module only expands them.

Template mini-language (templates and slot values alike):
  `(a|b|)`  pick one alternative (may nest; an empty one drops the group)
  `{key}`   a slot value from the language's VALUES[key]; the slot's name is
            the key up to an optional `@variant` (`house_place@bare`)
  `<...>`   in a value, the words that form the slot span; the rest (articles,
            prepositions) stays outside the brackets. No `<>` = whole value.
"""
import json
import os
import random
import re
from collections.abc import Mapping, Sequence

from atm_jax import fs
from atm_jax.data import synthetic_templates
from atm_jax.errors import UserError

LOCALES = tuple(synthetic_templates.LOCALES)
PARTITIONS = ("train", "dev", "test")
DEFAULT_SIZES: Mapping[str, int] = {
    "train": 2000, "dev": 300, "test": 300, "unlabelled": 5000}
# Draws per wanted utterance before concluding the templates cannot supply more.
_MAX_DRAWS_PER_UTTERANCE = 20
_REDRAWS = 10

_CHOICE = re.compile(r"\(([^()]*)\)")
_PLACEHOLDER = re.compile(r"\{([a-z_]+(?:@[a-z_]+)?)\}")
_SPAN = re.compile(r"<([^<>]*)>")


def slot_name(key: str) -> str:
  """`house_place@bare` -> `house_place`: variants share the slot's name."""
  return key.split("@")[0]


def _choose(pattern: str, rng: random.Random) -> str:
  """Resolves every `(a|b)` group, innermost first."""
  while True:
    pattern, found = _CHOICE.subn(
        lambda match: rng.choice(match.group(1).split("|")), pattern, count=1)
    if not found:
      return pattern


def _value(key: str, values: Mapping[str, Sequence[str]], rng: random.Random,
           avoid: set[str]) -> tuple[str, str]:
  """One filler for `{key}`: (plain words, words with the `[slot : span]` mark).

  Redraws a few times to avoid a filler already in the utterance ("add milk
  and milk", "ten euros in euros").
  """
  for _ in range(_REDRAWS):
    text = _choose(rng.choice(values[key]), rng)
    if _SPAN.sub(lambda match: match.group(1), text) not in avoid:
      break
  if "<" not in text:
    text = f"<{text}>"
  plain = _SPAN.sub(lambda match: match.group(1), text)
  marked = _SPAN.sub(
      lambda match: f"[{slot_name(key)} : {' '.join(match.group(1).split())}]", text)
  return plain, marked


def render(template: str, values: Mapping[str, Sequence[str]],
           rng: random.Random) -> tuple[str, str]:
  """Returns (utt, annot_utt) for one random expansion of `template`."""
  text = _choose(template, rng)
  plain, marked, start = [], [], 0
  for match in _PLACEHOLDER.finditer(text):
    outside = text[start:match.start()]
    value_plain, value_marked = _value(match.group(1), values, rng, set(plain))
    plain += [outside, value_plain]
    marked += [outside, value_marked]
    start = match.end()
  plain.append(text[start:])
  marked.append(text[start:])
  return " ".join("".join(plain).split()), " ".join("".join(marked).split())


def _distinct_utterances(locale: str, count: int, seed: int, purpose: str,
                         taken: set[str]) -> list[dict[str, str]]:
  """Draws `count` utterances whose text is not in `taken` (which it extends).

  Intents are drawn uniformly, then one of the intent's templates; repeats
  are dropped so an utterance can never sit in two partitions.
  """
  language = synthetic_templates.LOCALES[locale]
  rng = random.Random(f"{locale}/{seed}/{purpose}")
  intents = sorted(language.TEMPLATES)
  found: list[dict[str, str]] = []
  for _ in range(count * _MAX_DRAWS_PER_UTTERANCE):
    if len(found) == count:
      break
    intent = rng.choice(intents)
    utt, annot = render(rng.choice(language.TEMPLATES[intent]), language.VALUES, rng)
    if utt not in taken:
      taken.add(utt)
      found.append({"scenario": intent.split("_")[0], "intent": intent,
                    "utt": utt, "annot_utt": annot})
  if len(found) < count:
    raise UserError(
        f"The {locale} templates gave only {len(found)} new distinct utterances "
        f"of the {count} asked for; ask for fewer utterances (train, dev, test, "
        "unlabelled sizes).")
  return found


def generate_locale(locale: str, seed: int = 0,
                    sizes: Mapping[str, int] = DEFAULT_SIZES
                    ) -> tuple[list[dict[str, str]], list[str]]:
  """MASSIVE records for one locale, and unlabelled lines none of them repeat."""
  taken: set[str] = set()
  labelled_count = sum(sizes[partition] for partition in PARTITIONS)
  examples = _distinct_utterances(locale, labelled_count, seed, "labelled", taken)
  partitions = [p for p in PARTITIONS for _ in range(sizes[p])]
  random.Random(f"{locale}/{seed}/partitions").shuffle(partitions)
  records = [
      {"id": str(index), "locale": locale, "partition": partition, **example}
      for index, (partition, example) in enumerate(zip(partitions, examples))]
  unlabelled = [example["utt"] for example in
                _distinct_utterances(locale, sizes["unlabelled"], seed,
                                     "unlabelled", taken)]
  return records, unlabelled


def _checked_sizes(sizes: Mapping[str, int] | None) -> dict[str, int]:
  checked = {**DEFAULT_SIZES, **(sizes or {})}
  unknown = sorted(set(checked) - set(DEFAULT_SIZES))
  if unknown:
    raise UserError(f"Unknown size {unknown[0]!r}; give sizes for "
                    f"{', '.join(DEFAULT_SIZES)} only.")
  for name, size in checked.items():
    if not isinstance(size, int) or size < 0:
      raise UserError(f"The {name} size must be a whole number of 0 or more, "
                      f"not {size!r}; fix it.")
  return checked


def _checked_locales(locales: Sequence[str]) -> list[str]:
  for locale in locales:
    if locale not in synthetic_templates.LOCALES:
      raise UserError(f"No templates for locale {locale!r}; choose from "
                      f"{', '.join(synthetic_templates.LOCALES)}.")
  if not locales:
    raise UserError("No locale was asked for; give at least one of "
                    f"{', '.join(synthetic_templates.LOCALES)}.")
  return list(locales)


def _write_lines(path: str, lines: Sequence[str]) -> None:
  """Writes under a temporary name first, so a killed run leaves no half file."""
  with fs.open(path + ".tmp", "w", encoding="utf-8") as f:
    f.writelines(line + "\n" for line in lines)
  fs.replace(path + ".tmp", path)


def write_nlu_dataset(
    out_dir: str,
    seed: int = 0,
    locales: Sequence[str] = LOCALES,
    sizes: Mapping[str, int] | None = None,
) -> dict[str, dict]:
  """Writes `{out_dir}/{locale}.jsonl` and `{out_dir}/unlabelled/{locale}.txt`.

  Returns, per locale, the two paths and the counts (utterances per partition,
  unlabelled lines, scenarios, intents and slot types) for summaries.
  """
  sizes = _checked_sizes(sizes)
  locales = _checked_locales(locales)
  fs.makedirs(os.path.join(out_dir, "unlabelled"))
  summary = {}
  for locale in locales:
    records, unlabelled = generate_locale(locale, seed, sizes)
    jsonl_path = os.path.join(out_dir, f"{locale}.jsonl")
    text_path = os.path.join(out_dir, "unlabelled", f"{locale}.txt")
    _write_lines(jsonl_path, [json.dumps(r, ensure_ascii=False) for r in records])
    _write_lines(text_path, unlabelled)
    language = synthetic_templates.LOCALES[locale]
    summary[locale] = {
        "jsonl": jsonl_path, "unlabelled": text_path,
        **{p: sum(r["partition"] == p for r in records) for p in PARTITIONS},
        "unlabelled_lines": len(unlabelled),
        "scenarios": len({intent.split("_")[0] for intent in language.TEMPLATES}),
        "intents": len(language.TEMPLATES),
        "slot_types": len({slot_name(key) for key in language.VALUES}),
    }
  return summary
