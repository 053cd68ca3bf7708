"""Numbers in words: num2words where it has the language, and the hand-written
Hindi, Marathi and Tamil tables (num2words raises NotImplementedError there)."""
import num2words
import pytest

from atm_jax.data import spoken_numbers


@pytest.mark.parametrize("lang", spoken_numbers.HAND_SPELLED)
def test_num2words_lacks_the_hand_spelled_languages(lang):
  with pytest.raises(NotImplementedError):
    num2words.num2words(42, lang=lang)


@pytest.mark.parametrize("lang,n,words", [
    ("hi", 0, "शून्य"), ("hi", 19, "उन्नीस"), ("hi", 42, "बयालीस"),
    ("hi", 99, "निन्यानवे"), ("hi", 100, "एक सौ"), ("hi", 342, "तीन सौ बयालीस"),
    ("hi", 125342, "एक लाख पच्चीस हज़ार तीन सौ बयालीस"),
    ("hi", 20000000, "दो करोड़"),
    ("mr", 19, "एकोणीस"), ("mr", 42, "बेचाळीस"), ("mr", 100, "शंभर"),
    ("mr", 150, "एकशे पन्नास"), ("mr", 342, "तीनशे बेचाळीस"),
    ("mr", 2024, "दोन हजार चोवीस"), ("mr", 10000000, "एक कोटी"),
    ("ta", 11, "பதினொன்று"), ("ta", 21, "இருபத்தொன்று"),
    ("ta", 23, "இருபத்துமூன்று"), ("ta", 56, "ஐம்பத்தாறு"),
    ("ta", 99, "தொண்ணூற்றொன்பது"), ("ta", 100, "நூறு"),
    ("ta", 167, "நூற்று அறுபத்தேழு"), ("ta", 444, "நானூற்று நாற்பத்துநான்கு"),
    ("ta", 1999, "ஆயிரத்து தொள்ளாயிரத்து தொண்ணூற்றொன்பது"),
    ("ta", 2000, "இரண்டாயிரம்"), ("ta", 100000, "ஒரு லட்சம்"),
    ("ta", 10000005, "ஒரு கோடியே ஐந்து"),
])
def test_hand_spelled_cardinals(lang, n, words):
  assert spoken_numbers.cardinal(n, lang) == words


@pytest.mark.parametrize("lang", spoken_numbers.HAND_SPELLED)
def test_every_number_below_a_thousand_has_distinct_words(lang):
  spelled = {spoken_numbers.cardinal(n, lang) for n in range(1000)}
  assert len(spelled) == 1000


@pytest.mark.parametrize("lang", ["hi", "mr", "ta", "te", "en"])
def test_numbers_too_big_to_spell_are_read_digit_by_digit(lang):
  big = 10**12 + 7
  assert spoken_numbers.cardinal(big, lang) == spoken_numbers.digit_by_digit(
      str(big), lang)


def test_years_where_the_language_reads_them_apart():
  assert spoken_numbers.year(1999, "en") == "nineteen ninety-nine"
  assert spoken_numbers.year(1999, "de") == "neunzehnhundertneunundneunzig"
  assert spoken_numbers.year(1999, "hi") == "उन्नीस सौ निन्यानवे"
  assert spoken_numbers.year(1900, "mr") == "एकोणीसशे"
  assert spoken_numbers.year(1999, "fr") == spoken_numbers.cardinal(1999, "fr")
  assert spoken_numbers.year(1999, "ja") == "千九百九十九"
