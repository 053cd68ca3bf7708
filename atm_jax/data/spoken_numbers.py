"""Numbers as words in each spoken-form language: num2words where it has the
language, hand-written tables where it does not.

num2words 0.5.14 has en, de, fr, es, it, pt, ja, ar and te, and raises
NotImplementedError for hi, mr and ta. For those three this module spells
numbers itself, in the language's own script:

* 0-99 come from a hand-written table (Hindi and Marathi give every number
  its own word; Tamil builds 21-99 from a tens stem and a unit, joining them
  with the vowel sandhi of written Tamil: 21 இருபத்தொன்று, 23 இருபத்துமூன்று).
* Larger numbers are composed in the Indian system, biggest part first, as
  separate words: crore (10^7), lakh (10^5), thousand, hundred, then the rest,
  e.g. hi 1,25,342 -> "एक लाख पच्चीस हज़ार तीन सौ बयालीस". Marathi writes the
  hundreds as one word (तीनशे; 100 alone is शंभर); Tamil uses the joining
  form of a part when more follows (நூற்று, ஆயிரத்து, லட்சத்து, கோடியே).
* From 10^9 up (100 crore), where spoken usage varies, the number is read digit
  by digit with the 0-9 words of the table (every language does so from
  10^12 up, and te from 10^10, where num2words overflows).
* Ordinals are not spelled for these languages: their texts rarely write them
  with digits plus a suffix, so spoken_form never asks.
* Years 1100-1999 are read in hundreds in Hindi (1999 -> "उन्नीस सौ
  निन्यानवे") and Marathi ("एकोणीसशे नव्व्याण्णव"); other years, and every
  Tamil year, are cardinals.

The tables were written for this project from standard grammar references and
have not been reviewed by native speakers.
"""
from __future__ import annotations

import functools

from num2words import num2words

# Languages spelled here rather than by num2words.
HAND_SPELLED = ("hi", "mr", "ta")
# num2words reads these as years differently from the cardinal ("nineteen
# ninety-nine"); for the rest its to="year" is the cardinal or, for ja, an
# imperial-era date, which is not what the text said.
_NUM2WORDS_YEARS = ("en", "de")
# Numbers from these limits up are read digit by digit: num2words overflows
# (te at 10^10) or, for the hand-spelled languages, spoken usage varies.
_DIGIT_BY_DIGIT_FROM = {"hi": 10**9, "mr": 10**9, "ta": 10**9, "te": 10**10}
_DIGIT_BY_DIGIT_FROM_DEFAULT = 10**12

_HINDI_0_99 = (
    "शून्य एक दो तीन चार पाँच छह सात आठ नौ "
    "दस ग्यारह बारह तेरह चौदह पंद्रह सोलह सत्रह अठारह उन्नीस "
    "बीस इक्कीस बाईस तेईस चौबीस पच्चीस छब्बीस सत्ताईस अट्ठाईस उनतीस "
    "तीस इकतीस बत्तीस तैंतीस चौंतीस पैंतीस छत्तीस सैंतीस अड़तीस उनतालीस "
    "चालीस इकतालीस बयालीस तैंतालीस चवालीस पैंतालीस छियालीस सैंतालीस अड़तालीस उनचास "
    "पचास इक्यावन बावन तिरेपन चौवन पचपन छप्पन सत्तावन अट्ठावन उनसठ "
    "साठ इकसठ बासठ तिरसठ चौंसठ पैंसठ छियासठ सड़सठ अड़सठ उनहत्तर "
    "सत्तर इकहत्तर बहत्तर तिहत्तर चौहत्तर पचहत्तर छिहत्तर सतहत्तर अठहत्तर उन्यासी "
    "अस्सी इक्यासी बयासी तिरासी चौरासी पचासी छियासी सत्तासी अट्ठासी नवासी "
    "नब्बे इक्यानवे बानवे तिरानवे चौरानवे पचानवे छियानवे सत्तानवे अट्ठानवे निन्यानवे"
).split()

_MARATHI_0_99 = (
    "शून्य एक दोन तीन चार पाच सहा सात आठ नऊ "
    "दहा अकरा बारा तेरा चौदा पंधरा सोळा सतरा अठरा एकोणीस "
    "वीस एकवीस बावीस तेवीस चोवीस पंचवीस सव्वीस सत्तावीस अठ्ठावीस एकोणतीस "
    "तीस एकतीस बत्तीस तेहेतीस चौतीस पस्तीस छत्तीस सदतीस अडतीस एकोणचाळीस "
    "चाळीस एक्केचाळीस बेचाळीस त्रेचाळीस चव्वेचाळीस पंचेचाळीस सेहेचाळीस सत्तेचाळीस "
    "अठ्ठेचाळीस एकोणपन्नास "
    "पन्नास एक्कावन्न बावन्न त्रेपन्न चोपन्न पंचावन्न छप्पन्न सत्तावन्न अठ्ठावन्न एकोणसाठ "
    "साठ एकसष्ट बासष्ट त्रेसष्ट चौसष्ट पासष्ट सहासष्ट सदुसष्ट अडुसष्ट एकोणसत्तर "
    "सत्तर एकाहत्तर बाहत्तर त्र्याहत्तर चौऱ्याहत्तर पंच्याहत्तर शहात्तर सत्याहत्तर "
    "अठ्ठ्याहत्तर एकोणऐंशी "
    "ऐंशी एक्क्याऐंशी ब्याऐंशी त्र्याऐंशी चौऱ्याऐंशी पंच्याऐंशी शहाऐंशी सत्त्याऐंशी "
    "अठ्ठ्याऐंशी एकोणनव्वद "
    "नव्वद एक्क्याण्णव ब्याण्णव त्र्याण्णव चौऱ्याण्णव पंच्याण्णव शहाण्णव सत्त्याण्णव "
    "अठ्ठ्याण्णव नव्व्याण्णव"
).split()

_TAMIL_0_19 = (
    "பூஜ்ஜியம் ஒன்று இரண்டு மூன்று நான்கு ஐந்து ஆறு ஏழு எட்டு ஒன்பது "
    "பத்து பதினொன்று பன்னிரண்டு பதின்மூன்று பதினான்கு பதினைந்து பதினாறு "
    "பதினேழு பதினெட்டு பத்தொன்பது"
).split()
# Tens 20-90: the word alone, and the form joined to a unit in 21-99.
_TAMIL_TENS = {
    2: ("இருபது", "இருபத்து"), 3: ("முப்பது", "முப்பத்து"),
    4: ("நாற்பது", "நாற்பத்து"), 5: ("ஐம்பது", "ஐம்பத்து"),
    6: ("அறுபது", "அறுபத்து"), 7: ("எழுபது", "எழுபத்து"),
    8: ("எண்பது", "எண்பத்து"), 9: ("தொண்ணூறு", "தொண்ணூற்று"),
}
_TAMIL_VOWEL_SIGNS = {
    "அ": "", "ஆ": "ா", "இ": "ி", "ஈ": "ீ", "உ": "ு", "ஊ": "ூ",
    "எ": "ெ", "ஏ": "ே", "ஐ": "ை", "ஒ": "ொ", "ஓ": "ோ",
}
# 100-900 alone, and joined to what follows.
_TAMIL_HUNDREDS = {
    1: ("நூறு", "நூற்று"), 2: ("இருநூறு", "இருநூற்று"),
    3: ("முந்நூறு", "முந்நூற்று"), 4: ("நானூறு", "நானூற்று"),
    5: ("ஐந்நூறு", "ஐந்நூற்று"), 6: ("அறுநூறு", "அறுநூற்று"),
    7: ("எழுநூறு", "எழுநூற்று"), 8: ("எண்ணூறு", "எண்ணூற்று"),
    9: ("தொள்ளாயிரம்", "தொள்ளாயிரத்து"),
}
_TAMIL_THOUSANDS = {
    1: "ஆயிரம்", 2: "இரண்டாயிரம்", 3: "மூவாயிரம்", 4: "நாலாயிரம்",
    5: "ஐயாயிரம்", 6: "ஆறாயிரம்", 7: "ஏழாயிரம்", 8: "எட்டாயிரம்",
    9: "ஒன்பதாயிரம்", 10: "பத்தாயிரம்",
}


def _tamil_below_100(n: int) -> str:
  if n < 20:
    return _TAMIL_0_19[n]
  tens, unit = divmod(n, 10)
  word, joined = _TAMIL_TENS[tens]
  if not unit:
    return word
  unit_word = _TAMIL_0_19[unit]
  vowel_sign = _TAMIL_VOWEL_SIGNS.get(unit_word[0])
  if vowel_sign is None:  # a consonant follows: இருபத்து + மூன்று
    return joined + unit_word
  # A vowel replaces the final u: இருபத்து + ஒன்று -> இருபத்தொன்று.
  return joined.removesuffix("ு") + vowel_sign + unit_word[1:]


def _tamil_thousands(count: int, joined: bool) -> str:
  """`count` thousands; `joined` when a smaller part follows."""
  if count in _TAMIL_THOUSANDS:
    word = _TAMIL_THOUSANDS[count]
  else:
    word = f"{_tamil_below_100(count)} ஆயிரம்"
  return word.removesuffix("ம்") + "த்து" if joined else word


def _indian_parts(n: int) -> list[tuple[str, int]]:
  """n < 10^9 as crore, lakh, thousand, hundred and rest, biggest first."""
  crore, n = divmod(n, 10**7)
  lakh, n = divmod(n, 10**5)
  thousand, n = divmod(n, 1000)
  hundred, rest = divmod(n, 100)
  parts = [("crore", crore), ("lakh", lakh), ("thousand", thousand),
           ("hundred", hundred), ("rest", rest)]
  return [(name, count) for name, count in parts if count]


def _tamil(n: int) -> str:
  if n < 100:
    return _tamil_below_100(n)
  parts = _indian_parts(n)
  words = []
  for index, (name, count) in enumerate(parts):
    joined = index < len(parts) - 1
    if name == "rest":
      words.append(_tamil_below_100(count))
    elif name == "hundred":
      words.append(_TAMIL_HUNDREDS[count][joined])
    elif name == "thousand":
      words.append(_tamil_thousands(count, joined))
    else:
      multiplier = "ஒரு" if count == 1 else _tamil_below_100(count)
      unit = {"crore": ("கோடி", "கோடியே"), "lakh": ("லட்சம்", "லட்சத்து")}
      words.append(f"{multiplier} {unit[name][joined]}")
  return " ".join(words)


def _hindi(n: int) -> str:
  units = {"crore": "करोड़", "lakh": "लाख", "thousand": "हज़ार",
           "hundred": "सौ"}
  if n < 100:
    return _HINDI_0_99[n]
  return " ".join(
      _HINDI_0_99[count] if name == "rest"
      else f"{_HINDI_0_99[count]} {units[name]}"
      for name, count in _indian_parts(n))


def _marathi(n: int) -> str:
  units = {"crore": "कोटी", "lakh": "लाख", "thousand": "हजार"}
  if n < 100:
    return _MARATHI_0_99[n]
  words = []
  for name, count in _indian_parts(n):
    if name == "rest":
      words.append(_MARATHI_0_99[count])
    elif name == "hundred":
      alone = count == 1 and n % 100 == 0
      words.append("शंभर" if alone else _MARATHI_0_99[count] + "शे")
    else:
      words.append(f"{_MARATHI_0_99[count]} {units[name]}")
  return " ".join(words)


_HAND_SPELLERS = {"hi": _hindi, "mr": _marathi, "ta": _tamil}


def digit_by_digit(digits: str, lang: str) -> str:
  """ASCII digits read one at a time ("007", phone numbers)."""
  return " ".join(cardinal(int(digit), lang) for digit in digits)


@functools.lru_cache(maxsize=65536)
def cardinal(n: int, lang: str) -> str:
  """The cardinal of n >= 0, from num2words or the hand-written tables."""
  if n >= _DIGIT_BY_DIGIT_FROM.get(lang, _DIGIT_BY_DIGIT_FROM_DEFAULT):
    return digit_by_digit(str(n), lang)
  if lang in _HAND_SPELLERS:
    return _HAND_SPELLERS[lang](n)
  return num2words(n, lang=lang)


@functools.lru_cache(maxsize=4096)
def ordinal(n: int, lang: str) -> str:
  """The (masculine) ordinal of n, for languages whose texts write "21st"."""
  return num2words(n, lang=lang, to="ordinal")


@functools.lru_cache(maxsize=4096)
def year(n: int, lang: str) -> str:
  """n read as a calendar year where the language reads years differently."""
  if lang in _NUM2WORDS_YEARS:
    return num2words(n, lang=lang, to="year")
  if lang in ("hi", "mr") and 1100 <= n <= 1999:
    hundreds, rest = divmod(n, 100)
    century = (f"{_HINDI_0_99[hundreds]} सौ" if lang == "hi"
               else _MARATHI_0_99[hundreds] + "शे")
    return f"{century} {cardinal(rest, lang)}" if rest else century
  return cardinal(n, lang)
