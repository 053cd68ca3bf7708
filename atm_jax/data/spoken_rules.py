"""The rewriting passes of spoken form for one language, each a regex compiled
once: clock times, money, percentages, ordinals, numbers and symbols.

`spoken_form` documents the conventions; this module carries them out. Every
replacement is padded with spaces ("5pm" -> " five p m ") so words never fuse;
spoken_form collapses the spaces afterwards.
"""
from __future__ import annotations

import re
import sys
import unicodedata
from typing import Callable

from atm_jax.data import spoken_numbers
from atm_jax.data.spoken_languages import CURRENCY_SIGNS, LANGUAGES


def _char_class(codes: list[int]) -> str:
  """A regex class body for sorted code points, written as ranges."""
  ranges, start, previous = [], codes[0], codes[0]
  for code in codes[1:] + [-1]:
    if code != previous + 1:
      ranges.append(f"\\U{start:08x}-\\U{previous:08x}")
      start = code
    previous = code
  return "".join(ranges)


def _unicode_tables() -> tuple[dict[int, str], dict[int, str], str]:
  """Folding to ASCII digits, blanking of punctuation and symbols, and marks.

  One pass over all code points (~0.1 s, once per process), because the
  standard `re` module has no Unicode category classes.
  """
  fold = {code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}
  fold.update({0xFFE1: "£", 0xFFE5: "¥", 0x2212: "-"})
  blank, marks = {}, []
  for code in range(sys.maxunicode + 1):
    char = chr(code)
    category = unicodedata.category(char)
    if category[0] in "PS":
      blank[code] = " "
    elif category[0] == "M":
      marks.append(code)
    digit = unicodedata.digit(char, None)
    if digit is not None and code > 0x7F:
      fold[code] = str(digit)
  return fold, blank, _char_class(marks)


# str.translate tables: any script's digits and full-width ASCII to ASCII;
# every punctuation and symbol character to a space.
FOLD_TO_ASCII, BLANK_PUNCTUATION, _MARKS = _unicode_tables()
# A letter or a combining mark: Indic vowel signs are not \w to `re`.
LETTER = rf"(?:[^\W\d_]|[{_MARKS}])"
_WORD_END = rf"(?![\w{_MARKS}])"
_AM_PM = r"(?P<ampm>\s?(?i:[ap])\.?\s?(?i:m)\b\.?)"
_MONEY_SIGNS = {**CURRENCY_SIGNS, "Rs": "INR", "रु": "INR"}
_GERMAN_MONTHS = (
    "Januar|Jänner|Februar|März|April|Mai|Juni|Juli|August|September|"
    "Oktober|November|Dezember")
_GERMAN_ORDINAL_NOUNS = (
    "Jahrhundert|Jahrtausend|Klasse|Platz|Stock|Liga|Mal|Auflage|Etage|Runde")
# Words before a German ordinal that give it the ending -en ("am zweiten").
_GERMAN_DATIVE = ("am", "im", "vom", "zum", "zur", "beim", "dem", "den", "des",
                  "einem", "einen")
_GERMAN_ARTICLES = "|".join(_GERMAN_DATIVE + ("der", "die", "das"))
_ELIDES_BEFORE = "aeiouyàâéèêëîïôûùh"

_SYMBOLS = "%٪&@+=#°$€£¥₹"
# Every pass needs a digit or a symbol: text without one is left as it is.
_NEEDS_A_PASS = re.compile(rf"[\d{_SYMBOLS}/]")

Replacer = Callable[[re.Match], str]


class Verbaliser:
  """Says one language's numbers, times, money and symbols in its words."""

  def __init__(self, code: str):
    self.code = code
    self.lang = LANGUAGES[code]
    self._integer = self._integer_pattern()
    number = (rf"(?<!\d)(?P<int>{self._integer})"
              rf"(?P<dec>[{re.escape(self.lang.decimal_marks)}]\d+)?(?!\d)")
    self._passes: list[tuple[re.Pattern, Replacer]] = [
        *self._clock_passes(),
        *self._money_passes(number),
        (re.compile(rf"(?P<neg>(?<![\w.,])-)?{number}\s?[%٪]"),
         self._say_percent),
        *self._ordinal_passes(),
        # Before plain numbers, so "/" only counts as a word between words.
        (re.compile(rf"[{_SYMBOLS}]|(?<={LETTER})\s*/\s*(?={LETTER})"),
         self._say_symbol),
        (re.compile(rf"(?P<neg>(?<![\w.,])-)?{number}"), self._say_number),
    ]

  def __call__(self, text: str) -> str:
    if not _NEEDS_A_PASS.search(text):
      return text
    for pattern, replace in self._passes:
      text = pattern.sub(replace, text)
    return text

  def _integer_pattern(self) -> str:
    groups = re.escape(self.lang.group_marks)
    integer = [rf"\d{{1,3}}(?:[{groups}]\d{{3}})+", r"\d+"]
    if "," in self.lang.group_marks:  # Indian grouping: 1,00,000
      integer.insert(0, r"\d{1,2}(?:,\d\d)+,\d{3}")
    return "|".join(integer)

  # Numbers.

  def _cardinal(self, n: int) -> str:
    return spoken_numbers.cardinal(n, self.code)

  def _say_integer(self, text: str) -> str:
    digits = re.sub(r"\D", "", text)
    value = int(digits)
    ungrouped = digits == text
    leading_zero = digits[0] == "0" and len(digits) > 1
    # Seven or more digits with no grouping are phone numbers and ids, rarely
    # amounts (those get grouped: 1,234,567).
    if leading_zero or (ungrouped and len(digits) > 6):
      return spoken_numbers.digit_by_digit(digits, self.code)
    return self._cardinal(value)

  def _say_amount(self, integer: str, decimal: str | None) -> str:
    """A number as written, with an optional decimal part (mark included)."""
    words = self._say_integer(integer)
    if not decimal:
      return words
    fraction = decimal[1:]
    if (self.lang.fraction_as_number and len(fraction) <= 2
        and fraction[0] != "0"):
      fraction_words = self._cardinal(int(fraction))
    else:
      fraction_words = spoken_numbers.digit_by_digit(fraction, self.code)
    return f"{words} {self.lang.point} {fraction_words}"

  def _before_noun(self, words: str) -> str:
    """The form a number takes before a noun: de "ein Euro", es "un dólar"."""
    return self.lang.before_noun.get(words, words)

  def _signed(self, match: re.Match, words: str) -> str:
    return f" {self.lang.minus} {words} " if match["neg"] else f" {words} "

  def _say_number(self, match: re.Match) -> str:
    integer, decimal = match["int"], match["dec"]
    if (not match["neg"] and not decimal and len(integer) == 4
        and integer.isdigit() and 1100 <= int(integer) <= 2099):
      return f" {spoken_numbers.year(int(integer), self.code)} "
    return self._signed(match, self._say_amount(integer, decimal))

  def _say_percent(self, match: re.Match) -> str:
    amount = self._before_noun(self._say_amount(match["int"], match["dec"]))
    return self._signed(match, f"{amount} {self.lang.symbols['%']}")

  def _say_symbol(self, match: re.Match) -> str:
    symbol = match[0].strip()
    if symbol in CURRENCY_SIGNS:
      return f" {self.lang.currencies[CURRENCY_SIGNS[symbol]][1]} "
    return f" {self.lang.symbols[symbol]} "

  # Clock times.

  def _clock_passes(self) -> list[tuple[re.Pattern, Replacer]]:
    lang = self.lang
    start = r"(?<![\d:.,])"
    suffix = ""
    if lang.clock_suffixes:
      words = "|".join(map(re.escape, lang.clock_suffixes))
      suffix = rf"(?:\s?(?i:{words}){_WORD_END})?"
    am_pm = _AM_PM + "?" if lang.reads_am_pm else ""
    passes = [rf"{start}(?P<h>[01]?\d|2[0-4]):(?P<m>[0-5]\d)(?![\d:])"
              rf"{am_pm}{suffix}"]
    if lang.reads_am_pm:
      passes.append(rf"{start}(?P<h>1[0-2]|0?[1-9]){_AM_PM}")
    if lang.writes_hours_with_h:
      passes.append(rf"{start}(?P<h>[01]?\d|2[0-4])\s?h(?:\s?(?P<m>[0-5]\d))?"
                    rf"{_WORD_END}")
    return [(re.compile(pattern), self._say_clock) for pattern in passes]

  def _say_clock(self, match: re.Match) -> str:
    lang, groups = self.lang, match.groupdict()
    hour, minute = int(groups["h"]), int(groups.get("m") or 0)
    am_pm = groups.get("ampm")
    fields = {"h": lang.hour_words.get(hour) or self._cardinal(hour),
              "hours": lang.hour_nouns[lang.plural(hour)],
              "minutes": lang.minute_nouns[lang.plural(minute)]}
    if minute:
      minutes = self._cardinal(minute)
      if minute < 10:
        minutes = lang.clock_minutes_below_ten.format(m=minutes)
      words = lang.clock.format(m=minutes, **fields)
    elif lang.clock_on_the_hour_24h and not am_pm and (hour == 0 or hour > 12):
      words = lang.clock_on_the_hour_24h.format(**fields)
    else:
      words = lang.clock_on_the_hour.format(**fields)
    if am_pm:
      words += " a m" if am_pm.strip()[0] in "aA" else " p m"
    return f" {words} "

  # Money.

  def _money_passes(self, number: str) -> list[tuple[re.Pattern, Replacer]]:
    signs = "[$€£¥₹]"
    scales = "|".join(sorted(self.lang.scale_words, key=len, reverse=True))
    scale_end = "" if self.lang.unspaced else _WORD_END
    scale = rf"(?:\s?(?P<scale>(?i:{scales})){scale_end})?" if scales else ""
    before = (rf"(?P<sign>{signs}|(?<!{LETTER})(?:Rs|रु)\.?)\s?{number}"
              rf"{scale}")
    after = rf"{number}\s?(?P<sign>{signs})"
    return [(re.compile(before), self._say_money),
            (re.compile(after), self._say_money)]

  def _counted(self, count: int, words: str, nouns: tuple[str, str]) -> str:
    return f"{self._before_noun(words)} {nouns[self.lang.plural(count)]}"

  def _say_money(self, match: re.Match) -> str:
    lang = self.lang
    code = _MONEY_SIGNS[match["sign"].rstrip(".")]
    singular, plural = lang.currencies[code]
    integer, decimal = match["int"], match["dec"]
    scale = match.groupdict().get("scale")
    if scale:
      amount = self._say_amount(integer, decimal)
      return f" {amount} {scale} {self._link(plural)} "
    cents = lang.cents.get(code)
    if decimal and (not cents or len(decimal) > 3):
      return f" {self._say_amount(integer, decimal)} {plural} "
    major = int(re.sub(r"\D", "", integer))
    minor = int(decimal[1:].ljust(2, "0")) if decimal else 0
    parts = []
    if major or not minor:
      parts.append(self._counted(major, self._say_integer(integer),
                                 (singular, plural)))
    if minor:
      if parts and lang.money_and:
        parts.append(lang.money_and)
      parts.append(self._counted(minor, self._cardinal(minor), cents))
    return f" {' '.join(parts)} "

  def _link(self, plural: str) -> str:
    """The link from a scale word to a currency: "de dollars", "d'euros"."""
    lang = self.lang
    if lang.scale_link_before_vowel and plural[0].lower() in _ELIDES_BEFORE:
      return lang.scale_link_before_vowel + plural
    return f"{lang.scale_link} {plural}"

  # Ordinals written with digits.

  def _ordinal_passes(self) -> list[tuple[re.Pattern, Replacer]]:
    integer = rf"(?<!\d)(?P<int>{self._integer})"
    if self.code == "en":
      return [
          (re.compile(rf"{integer}(?i:st|nd|rd|th){_WORD_END}"),
           self._say_ordinal),
          (re.compile(r"(?<!\d)(?P<int>\d{4}|\d0)['’]?s" + _WORD_END),
           self._say_decade)]
    if self.code == "fr":
      suffix = r"(?:(?P<feminine>ère|re|ʳᵉ)|ème|er|e|è|ᵉʳ|ᵉ)"
      return [(re.compile(rf"{integer}{suffix}{_WORD_END}"), self._say_ordinal)]
    if self.code in ("es", "it", "pt"):
      return [(re.compile(rf"{integer}\.?(?:º|(?P<feminine>ª))"),
               self._say_ordinal)]
    if self.code == "de":
      article = rf"(?:\b(?P<article>(?i:{_GERMAN_ARTICLES}))\s+)?"
      follows = (rf"\s+(?:(?P<month>{_GERMAN_MONTHS}){_WORD_END}|[a-zäöüß]"
                 rf"|(?:{_GERMAN_ORDINAL_NOUNS}){_WORD_END})")
      return [(re.compile(rf"{article}(?<![\d.,])(?P<int>\d{{1,4}})\."
                          rf"(?={follows})"), self._say_german_ordinal)]
    return []

  def _say_ordinal(self, match: re.Match) -> str:
    value = int(re.sub(r"\D", "", match["int"]))
    if value >= 10**6:  # rare, and long: read as the number
      return f" {self._say_integer(match['int'])} "
    words = spoken_numbers.ordinal(value, self.code)
    if match.groupdict().get("feminine"):
      if self.code != "fr":  # es/it/pt: vigésimo primero -> vigésima primera
        words = re.sub(r"o\b", "a", words)
      elif value == 1:  # other French ordinals have one form for both genders
        words = "première"
    return f" {words} "

  def _say_german_ordinal(self, match: re.Match) -> str:
    """ "am 2. Mai" -> "am zweiten", "der 2." -> "der zweite", "2. Mai" ->
    "zweiter Mai"."""
    words = spoken_numbers.ordinal(int(match["int"]), self.code)
    article = match["article"]
    if not article:
      return f" {words}r " if match["month"] else f" {words} "
    ending = "n" if article.lower() in _GERMAN_DATIVE else ""
    return f" {article} {words}{ending} "

  def _say_decade(self, match: re.Match) -> str:
    """en "1990s" -> "nineteen nineties", "80s" -> "eighties"."""
    value = int(match["int"])
    words = (spoken_numbers.year(value, self.code) if value >= 1000
             else self._cardinal(value))
    return f" {words[:-1]}ies " if words.endswith("y") else f" {words}s "
