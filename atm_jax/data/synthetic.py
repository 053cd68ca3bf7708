"""Deterministic English text for tests and the demo, so neither needs a download.

Run as a module it writes the labelled multilingual in-domain data set instead
(see `synthetic_nlu`):
  python -m atm_jax.data.synthetic --out DIR --seed 0 [--train 2000 --dev 300
      --test 300 --unlabelled 5000 --locales en-US,de-DE,fr-FR,es-ES]

Most lines imitate virtual-assistant utterances in spoken form (lower case, no
punctuation, numbers as words), the in-domain data of the paper's Stage 2; the
rest are longer written sentences, like the public text of Stage 1. Made-up
names give the long tail of rare words real traffic has: 3,000 lines hold about
1,300 distinct words and support a SentencePiece vocabulary of up to ~1,600
pieces (5,000 lines: ~2,100).
"""
import argparse
import os
import random
import string
from collections.abc import Sequence

from atm_jax import fs
from atm_jax import cli
from atm_jax.data import synthetic_nlu

_SLOTS: dict[str, tuple[str, ...]] = {
    "hour": ("one", "two", "three", "four", "five", "six", "seven", "eight",
             "nine", "ten", "eleven", "twelve"),
    "minute": ("o'clock", "fifteen", "thirty", "forty five", "ten", "twenty",
               "oh five", "fifty"),
    "ampm": ("am", "pm", "in the morning", "in the evening", "tonight"),
    "day": ("today", "tomorrow", "monday", "tuesday", "wednesday", "thursday",
            "friday", "saturday", "sunday", "next week", "this weekend"),
    "count": ("two", "three", "five", "ten", "twelve", "twenty", "thirty",
              "forty", "ninety", "a hundred"),
    "unit": ("seconds", "minutes", "hours"),
    "room": ("kitchen", "living room", "bedroom", "bathroom", "garage",
             "office", "hallway", "basement", "dining room", "nursery"),
    "genre": ("jazz", "classical music", "rock", "hip hop", "country",
              "reggae", "blues", "electronic music", "folk songs", "opera",
              "lullabies", "pop hits"),
    "artist": ("taylor swift", "the beatles", "miles davis", "adele",
               "bob marley", "beyonce", "johnny cash", "mozart", "coldplay",
               "ella fitzgerald", "queen", "nina simone"),
    "city": ("seattle", "london", "paris", "berlin", "tokyo", "madrid",
             "chicago", "boston", "mumbai", "toronto", "sydney", "rome",
             "cairo", "lisbon", "denver", "austin"),
    "device": ("lights", "fan", "heater", "television", "air conditioner",
               "coffee maker", "vacuum", "dishwasher", "speaker", "lamp"),
    "person": ("mom", "dad", "grandma", "alex", "maria", "john", "priya",
               "kenji", "sarah", "my boss", "the dentist", "uncle tom"),
    "food": ("milk", "eggs", "bread", "apples", "coffee", "rice", "cheese",
             "tomatoes", "chicken", "bananas", "olive oil", "yogurt",
             "spinach", "butter", "pasta", "orange juice"),
    "recipe": ("pancakes", "lasagna", "banana bread", "chicken soup",
               "guacamole", "fried rice", "apple pie", "curry", "omelette"),
    "event": ("dentist appointment", "team meeting", "yoga class",
              "birthday party", "dinner reservation", "flight", "haircut",
              "soccer practice", "piano lesson", "parent teacher conference"),
    "topic": ("sports", "politics", "science", "technology", "business",
              "the weather", "movies", "health", "world news", "traffic"),
    "question": ("how tall is mount everest", "who wrote hamlet",
                 "what is the capital of australia", "how far is the moon",
                 "who painted the mona lisa", "how many legs does a spider have",
                 "when did the titanic sink", "what is the speed of light",
                 "how do you spell necessary", "why is the sky blue"),
    "station": ("n p r", "b b c radio", "k e x p", "classic rock radio",
                "the morning show", "smooth jazz fm"),
    "level": ("ten", "twenty", "fifty", "seventy", "eighty", "half",
              "maximum", "minimum"),
    "temperature": ("sixty eight", "seventy", "seventy two", "sixty five",
                    "seventy five"),
}

_UTTERANCES: tuple[str, ...] = (
    "set an alarm for {hour} {minute} {ampm}",
    "wake me up at {hour} {minute} {day}",
    "cancel my {hour} {minute} alarm",
    "set a timer for {count} {unit}",
    "how much time is left on my timer",
    "play some {genre} in the {room}",
    "play {artist}",
    "play the latest album by {artist}",
    "skip this song",
    "turn the volume up to {level}",
    "put on {station}",
    "what's the weather like in {city} {day}",
    "will it rain in {city} {day}",
    "do i need an umbrella {day}",
    "turn off the {device} in the {room}",
    "turn on the {room} {device}",
    "dim the {room} lights to {level} percent",
    "set the thermostat to {temperature} degrees",
    "call {person}",
    "send a message to {person} saying i'll be late",
    "text {person} that dinner is ready",
    "add {food} to my shopping list",
    "remove {food} from the shopping list",
    "what's on my shopping list",
    "remind me to buy {food} {day}",
    "remind me about my {event} {day} at {hour} {ampm}",
    "what's on my calendar {day}",
    "schedule a {event} for {day} at {hour} {minute}",
    "how do i make {recipe}",
    "find a recipe for {recipe} with {food}",
    "what's the latest news about {topic}",
    "tell me the {topic} headlines",
    "{question}",
    "how long will it take to drive to {city}",
    "what time is it in {city}",
    "tell me a joke",
    "stop",
    "what can you do",
    "read my new emails from {person}",
    "order more {food}",
    "call {name}",
    "navigate to {count} {name} street",
    "play the song {name} by {artist}",
    "book a table for {count} at {name} {day}",
    "how do you pronounce {name}",
    "add {name} to my contacts",
    "text {name} that i'm on my way",
    "what's the weather in {name} {day}",
    "find {genre} concerts in {name}",
    "remind me to call {name} {day}",
    "is {name} open {day}",
)

_ADJECTIVES: tuple[str, ...] = (
    "old", "young", "quiet", "famous", "curious", "ancient", "forgotten",
    "narrow", "crowded", "wooden", "broken", "golden", "distant", "gentle",
    "stubborn", "elegant", "fragile", "enormous", "tiny", "mysterious",
    "cheerful", "restless", "abandoned", "colourful", "modest", "brilliant",
    "clumsy", "generous", "humble", "peculiar", "remote", "silent", "sturdy",
    "tremendous", "vivid", "weary", "anxious", "bitter", "delicate", "fierce",
)
_NOUNS: tuple[str, ...] = (
    "fisherman", "engineer", "neighbour", "committee", "grandmother",
    "company", "student", "orchestra", "traveller", "curator", "chef",
    "council", "scientist", "farmer", "sailor", "librarian", "architect",
    "merchant", "photographer", "carpenter", "poet", "journalist", "nurse",
    "bridge", "map", "garden", "library", "letter", "clock", "melody",
    "village", "painting", "lighthouse", "festival", "cathedral", "railway",
    "manuscript", "telescope", "orchard", "harbour", "factory", "monastery",
    "observatory", "vineyard", "fountain", "monument", "warehouse", "canal",
    "glacier", "volcano", "meadow", "desert", "island", "valley", "castle",
)
_VERBS: tuple[str, ...] = (
    "repaired", "described", "discovered", "explored", "announced",
    "explained", "photographed", "cancelled", "painted", "studied", "admired",
    "rebuilt", "visited", "measured", "protected", "restored", "abandoned",
    "celebrated", "examined", "inherited", "sketched", "translated",
    "surveyed", "defended", "decorated", "investigated", "purchased",
)
_ADVERBS: tuple[str, ...] = (
    "carefully", "quietly", "suddenly", "slowly", "proudly", "patiently",
    "eagerly", "reluctantly", "happily", "briefly", "secretly", "gradually",
    "nervously", "boldly", "cautiously", "gracefully", "hastily", "warmly",
)
_ENDINGS: tuple[str, ...] = (
    "before the storm arrived", "during the long summer of {year}",
    "after years of careful planning", "while the town was asleep",
    "in front of {count} astonished visitors", "despite the heavy rain",
    "because nobody else remembered it", "near the edge of the forest",
    "on the first morning of spring", "without asking anyone for help",
    "and wrote about it in {year}", "as the sun set behind the hills",
    "long before anyone in {city} had heard of it", "for almost {count} years",
    "with the help of a borrowed ladder", "under a sky full of thunder",
    "in the town of {name}", "with a stranger called {name}",
    "on the road to {name}", "beside the {name} river",
)
_PLAIN_SHARE = 0.25

_ONSETS = ("b", "br", "c", "ch", "d", "dr", "f", "g", "gr", "h", "j", "k",
           "kl", "l", "m", "n", "p", "pr", "r", "s", "sh", "st", "t", "th",
           "tr", "v", "w", "z")
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ea", "ou", "io", "y")
_CODAS = ("", "", "n", "r", "l", "s", "m", "th", "nd", "rk", "sh", "x")


def _invented_name(rng: random.Random) -> str:
  """A pronounceable made-up name: contacts, streets and songs in real assistant
  traffic are mostly rare words, and they give the vocabulary its long tail."""
  return "".join(
      rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)
      for _ in range(rng.randint(2, 3)))


def _fill(template: str, rng: random.Random) -> str:
  """Replaces every `{slot}` with a random filler."""
  fields = [name for _, name, _, _ in string.Formatter().parse(template) if name]
  values = {name: rng.choice(_SLOTS[name]) for name in fields if name in _SLOTS}
  if "year" in fields:
    values["year"] = str(rng.randint(1850, 2023))
  if "name" in fields:
    values["name"] = _invented_name(rng)
  return template.format(**values)


def _noun_phrase(rng: random.Random) -> str:
  return f"the {rng.choice(_ADJECTIVES)} {rng.choice(_NOUNS)}"


def _plain_sentence(rng: random.Random) -> str:
  """One or two clauses of written English, capitalised and punctuated."""
  clauses = [
      f"{_noun_phrase(rng)} {rng.choice(_ADVERBS)} {rng.choice(_VERBS)}"
      f" {_noun_phrase(rng)} {_fill(rng.choice(_ENDINGS), rng)}"
      for _ in range(rng.randint(1, 2))
  ]
  sentence = ", and ".join(clauses) + "."
  return sentence[0].upper() + sentence[1:]


def generate_lines(num_lines: int, seed: int = 0) -> list[str]:
  """Returns `num_lines` lines; the same arguments always give the same lines."""
  rng = random.Random(seed)
  return [
      _plain_sentence(rng) if rng.random() < _PLAIN_SHARE
      else _fill(rng.choice(_UTTERANCES), rng)
      for _ in range(num_lines)
  ]


def write_text_file(path: str, num_lines: int, seed: int = 0) -> str:
  """Writes `generate_lines` one per line to `path` (folders created) and returns it."""
  fs.makedirs(os.path.dirname(fs.absolute(path)))
  with fs.open(path, "w", encoding="utf-8") as f:
    f.write("\n".join(generate_lines(num_lines, seed)) + "\n")
  return path


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
  parser = argparse.ArgumentParser(
      prog="python -m atm_jax.data.synthetic",
      description="Write MASSIVE-format in-domain NLU data and unlabelled text.")
  parser.add_argument("--out", required=True, help="Folder to write into.")
  parser.add_argument("--seed", type=int, default=0)
  for name, size in synthetic_nlu.DEFAULT_SIZES.items():
    parser.add_argument(f"--{name}", type=int, default=size,
                        help=f"Utterances (lines) for {name}; default {size}.")
  parser.add_argument("--locales", default=",".join(synthetic_nlu.LOCALES),
                      help="Comma-separated locales; default all.")
  return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
  """Writes the data set and prints one summary line per locale."""
  args = _parse_args(argv)
  sizes = {name: getattr(args, name) for name in synthetic_nlu.DEFAULT_SIZES}
  summary = synthetic_nlu.write_nlu_dataset(
      args.out, args.seed,
      [locale for locale in args.locales.split(",") if locale], sizes)
  for locale, counts in summary.items():
    print(f"{locale}: {counts['train']} train / {counts['dev']} dev / "
          f"{counts['test']} test utterances, {counts['scenarios']} scenarios, "
          f"{counts['intents']} intents, {counts['slot_types']} slot types -> "
          f"{counts['jsonl']}; {counts['unlabelled_lines']} unlabelled lines -> "
          f"{counts['unlabelled']}")


if __name__ == "__main__":
  cli.run_cleanly(main)
