"""Text as a speech recogniser would write it: the paper's spoken-form corpora.

`to_spoken(text, lang)` lower-cases, says numbers, times, money, percentages
and symbols in words of the language, and removes punctuation, so public text
looks like the transcribed utterances the models meet later. Languages: ar, de,
en, es, fr, hi, it, ja, mr, pt, ta, te (codes like "en-US" or "de_DE" work).

Conventions, in the order they are applied:

1. Digits of any script (Devanagari, Arabic-Indic, Tamil, Telugu, superscript)
   become ASCII digits, and full-width ASCII (１２：３０, ％) becomes ASCII.
2. Clock times: "17:45" -> de "siebzehn uhr fünfundvierzig", ja "十七時四十五分";
   English reads "5:30 pm" -> "five thirty p m", "5:05" -> "five oh five",
   "17:00" -> "seventeen hundred" and "5 pm" -> "five p m" (am/pm only in en;
   elsewhere "pm" stays a word). French also reads "17h30".
3. Money: $ € £ ¥ ₹ (and Rs) before or after an amount -> amount and currency
   name ("£3.20" -> "three pounds and twenty pence", "5 €" -> "fünf euro",
   "$5 million" -> "five million dollars"). A sign alone is the plural name.
4. Percentages ("20%" -> "twenty percent"), then ordinals written with digits:
   en "21st", fr "1er/1re/21e", es/it/pt "1º/1ª" (feminine: final o -> a),
   de "2. Mai" (a number with a dot before a lower-case word, a month or a
   few nouns like "Jahrhundert": "am 2. Mai" -> "am zweiten mai", "der 3.
   Platz" -> "der dritte platz", "19. Februar" -> "neunzehnter februar").
5. Other numbers: "3.5"/"3,5" by the language's decimal mark, with the
   fraction read digit by digit (fr/es/it/pt read a fraction of one or two
   digits without leading zero as a number: "3,14" -> "trois virgule
   quatorze"); thousands groups by its grouping marks (and Indian "1,00,000"
   where "," groups); a leading minus; four-digit numbers 1100-2099 as years
   where the language reads years apart (en, de; hi and mr 1100-1999); en
   decades ("1990s" -> "nineteen nineties"). Numbers with a leading zero,
   seven or more digits without grouping marks (phone numbers, ids), or
   10^12 and over (less in hi, mr, ta, te: see spoken_numbers) are read
   digit by digit.
6. Symbols & @ + = # ° % become words; "/" between words becomes the word for
   slash ("and/or" -> "and slash or"), elsewhere a space ("9/11" -> "nine
   eleven"). (In the code this pass runs just before step 5.)
7. Lower-casing with str.lower (ß stays ß; scripts without case are left
   alone); apostrophes inside words are dropped in en and de ("don't" ->
   "dont") and split words elsewhere ("l'heure" -> "l heure"); every other
   punctuation or symbol character (Unicode categories P* and S*) becomes a
   space.
8. Words are separated by single spaces. Japanese is written without spaces:
   a space next to a kana or kanji is removed. The result is in Unicode NFC.

Numbers are spelled by `spoken_numbers` (num2words, or hand-written tables
for hi, mr and ta, described there). The output contains no digits,
punctuation or symbols, so `to_spoken` is idempotent.
"""
from __future__ import annotations

import functools
import re
import unicodedata

from atm_jax.data.spoken_languages import LANGUAGES
from atm_jax.data.spoken_rules import BLANK_PUNCTUATION, FOLD_TO_ASCII, LETTER
from atm_jax.data.spoken_rules import Verbaliser
from atm_jax.errors import UserError

SUPPORTED_LANGUAGES = tuple(sorted(LANGUAGES))

_APOSTROPHE_IN_WORD = re.compile(rf"(?<={LETTER})['’`´](?={LETTER})")
_JAPANESE = r"\u3005\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f"
_SPACE_BY_JAPANESE = re.compile(rf"(?<=[{_JAPANESE}]) | (?=[{_JAPANESE}])")


def language_code(lang: str) -> str:
  """The supported two-letter code of a tag like "en", "en-US" or "de_DE"."""
  code = re.split(r"[-_]", lang.strip(), maxsplit=1)[0].lower()
  if code not in LANGUAGES:
    raise UserError(
        f"Spoken form does not support language {lang!r}; use one of "
        f"{', '.join(SUPPORTED_LANGUAGES)} (a region suffix like en-US is "
        "fine).")
  return code


@functools.cache
def _verbaliser(code: str) -> Verbaliser:
  return Verbaliser(code)


def to_spoken(text: str, lang: str) -> str:
  """`text` as a speech recogniser would write it in language `lang`."""
  code = language_code(lang)
  spoken = _verbaliser(code)(text.translate(FOLD_TO_ASCII))
  if LANGUAGES[code].joins_apostrophes:
    spoken = _APOSTROPHE_IN_WORD.sub("", spoken)
  spoken = " ".join(spoken.lower().translate(BLANK_PUNCTUATION).split())
  if LANGUAGES[code].unspaced:
    spoken = _SPACE_BY_JAPANESE.sub("", spoken)
  # num2words writes some Telugu vowel signs decomposed.
  return unicodedata.normalize("NFC", spoken)
