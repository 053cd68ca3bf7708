"""Spoken form says numbers, times, money and symbols in words, drops
punctuation, and is a fixed point of itself, in every supported language."""
import pathlib
import unicodedata

import pytest

from atm_jax.data import spoken_form
from atm_jax.data.spoken_form import to_spoken
from atm_jax.errors import UserError

# <repo>/../shared/data, absent for anyone who only cloned the project.
SHARED_DATA = pathlib.Path(__file__).resolve().parents[3] / "shared" / "data"

# Written text with everything spoken form must rewrite, per language.
SENTENCES = {
    "en": ["Wake me at 5:30 pm!", "It's 7:05 a.m. on the 21st.",
           "Pay $5.99, £3.20 or ₹1,00,000 (20% off).",
           "In 1999, -3.5°C & 1,234,567 people; call 555-0199.",
           "Email me@example.com #1 + 2 = 3, and/or 9/11."],
    "de": ["Es kostet 5 €.", "Am 2. Mai um 17:45 Uhr.",
           "Das 21. Jahrhundert: 3,5 % Zinsen, 1.234,56 € für 1.000 Leute.",
           "Im Jahr 1999 — „Straße“ & Co. #1 (30.)."],
    "fr": ["le 21e siècle", "Rendez-vous à 17h30 ou 1:05.",
           "Ça coûte 3,14 € ou 1 000 € ; 20 % de réduction !",
           "la 1re fois, le 1er mai 2024, €5 millions « l'hôtel »."],
    "es": ["el 1º de mayo, la 2ª vez", "Cuesta 21 € y $1, a las 1:30.",
           "¿El 3,5 % de 1.500 personas? ¡Sí!"],
    "it": ["il 3º posto, la 1ª volta", "alle 17:45 costa 1 € o 2,50 €",
           "il 20% dell'anno 1999."],
    "pt": ["a 1ª vez, o 21º lugar", "às 2:00 custa 2,50 €",
           "20% de desconto às 21:15!"],
    "ja": ["午後5時30分に起こして。", "価格は¥100です、「20%」オフ！",
           "１２：３０に会議。第3位、100万円、3.5キロ。"],
    "ar": ["الساعة 5:30، السعر $5.", "٣٫٥ كيلو و ٢٠٪؟",
           "عندي 3 دولارات في عام 1999؛ الساعة 10:05."],
    "hi": ["मुझे 5:30 बजे उठाना।", "कीमत ₹50 है, 20% छूट!",
           "१९९९ में 1,25,342 लोग; 3.5 किलो॥"],
    "mr": ["मला 5:30 वाजता उठव।", "किंमत ₹150 आहे, २०% सूट.",
           "१९५० साली 42 लोक!"],
    "ta": ["காலை 5:30 மணிக்கு எழுப்பு.", "விலை ₹999, 20% தள்ளுபடி!",
           "1999 இல் 21 பேர்; 3.5 கிலோ."],
    "te": ["ఉదయం 5:30 కి లేపు.", "ధర ₹50, 20% తగ్గింపు!",
           "1999 లో 42 మంది; 3.5 కిలో."],
}
# Text in no particular language: every language must clean it up.
MIXED = ["Order #42: 3 × 2.5 kg @ $1,299.00 (15%) + £0.75 → 10:45am!!",
         "０１２３４５６７８９ ١٢٣ १२३ ௧௨௩ x² “quoted” — [brackets] {braces} ½",
         "AT&T, C++, 1/2, 24/7, 3-4, -7, ~5, 100°, ¥5, 5¥, Rs. 20, 2ª, 3º"]

EXAMPLES = [
    ("en", "Wake me at 5:30 pm!", "wake me at five thirty p m"),
    ("en", "It costs $5.99, not £3.20.",
     "it costs five dollars and ninety nine cents not three pounds and "
     "twenty pence"),
    ("en", "The 21st century began in 2001; 20% & rising.",
     "the twenty first century began in two thousand and one twenty "
     "percent and rising"),
    ("en", "Meet at 17:00 or 7:05 am.",
     "meet at seventeen hundred or seven oh five a m"),
    ("en", "$1.5 billion in the 1990s", "one point five billion dollars in "
     "the nineteen nineties"),
    ("de", "Es kostet 5 €.", "es kostet fünf euro"),
    ("de", "Am 2. Mai um 17:45 Uhr.",
     "am zweiten mai um siebzehn uhr fünfundvierzig"),
    ("de", "Im Jahr 1999 kostete die Straße 1 € (3,5 %).",
     "im jahr neunzehnhundertneunundneunzig kostete die straße ein euro "
     "drei komma fünf prozent"),
    ("fr", "le 21e siècle", "le vingt et unième siècle"),
    ("fr", "Il est 17h30, ça coûte 3,14 €.",
     "il est dix sept heures trente ça coûte trois euros et quatorze "
     "centimes"),
    ("fr", "la 1re fois, 1 000 personnes", "la première fois mille personnes"),
    ("es", "el 1º de mayo a las 1:30",
     "el primero de mayo a las una y treinta"),
    ("es", "la 2ª vez cuesta 21 €", "la segunda vez cuesta veintiún euros"),
    ("es", "el 3,5 % de 1.500",
     "el tres coma cinco por ciento de mil quinientos"),
    ("it", "il 3º posto costa 1 €", "il terzo posto costa un euro"),
    ("it", "alle 17:45, il 20% dell'anno",
     "alle diciassette e quarantacinque il venti per cento dell anno"),
    ("it", "la 1ª volta: 2,50 €",
     "la prima volta due euro e cinquanta centesimi"),
    ("pt", "a 1ª vez custa 2,50 €",
     "a primeira vez custa dois euros e cinquenta cêntimos"),
    ("pt", "às 2:00 e às 21:15", "às duas horas e às vinte e uma e quinze"),
    ("pt", "o 21º lugar, 20% de desconto",
     "o vigésimo primeiro lugar vinte por cento de desconto"),
    ("ja", "午後5時30分に起こして。", "午後五時三十分に起こして"),
    ("ja", "価格は¥100です、「20%」オフ。", "価格は百円です二十パーセントオフ"),
    ("ja", "１２：３０に会議", "十二時三十分に会議"),
    ("ar", "عندي 3 دولارات.", "عندي ثلاثة دولارات"),
    ("ar", "٣٫٥ كيلو و ٢٠٪", "ثلاثة فاصلة خمسة كيلو و عشرون بالمئة"),
    ("ar", "الساعة 10:05، السعر $5.",
     "الساعة عشرة و خمسة دقائق السعر خمسة دولارات"),
    ("hi", "मुझे 5:30 बजे उठाना।", "मुझे पाँच बजकर तीस मिनट उठाना"),
    ("hi", "कीमत ₹50 है", "कीमत पचास रुपये है"),
    ("hi", "१९९९ में 1,25,342 लोग",
     "उन्नीस सौ निन्यानवे में एक लाख पच्चीस हज़ार तीन सौ बयालीस लोग"),
    ("mr", "मला 5:30 वाजता उठव।", "मला पाच वाजून तीस मिनिटे उठव"),
    ("mr", "किंमत ₹150 आहे", "किंमत एकशे पन्नास रुपये आहे"),
    ("mr", "१९५० साली २०% सूट", "एकोणीसशे पन्नास साली वीस टक्के सूट"),
    ("ta", "காலை 5:30 மணிக்கு எழுப்பு",
     "காலை ஐந்து மணி முப்பது நிமிடம் எழுப்பு"),
    ("ta", "விலை ₹999", "விலை தொள்ளாயிரத்து தொண்ணூற்றொன்பது ரூபாய்"),
    ("ta", "21 பேர், 20%", "இருபத்தொன்று பேர் இருபது சதவீதம்"),
    ("te", "ధర ₹50", "ధర యాభై రూపాయలు"),
    ("te", "42 మంది, 20%", "నలభై రెండు మంది ఇరవై శాతం"),
    ("te", "ఉదయం 5:30", "ఉదయం అయిదు గంటల ముప్పై నిమిషాలు"),
]


def assert_spoken(text: str) -> None:
  assert not any("0" <= char <= "9" for char in text), text
  assert not [char for char in text
              if unicodedata.category(char)[0] in "PS"], text
  assert text == " ".join(text.split()), text


def all_cases():
  for lang, sentences in SENTENCES.items():
    for sentence in sentences + MIXED:
      yield lang, sentence


def test_every_supported_language_has_sentences():
  assert set(SENTENCES) == set(spoken_form.SUPPORTED_LANGUAGES)


@pytest.mark.parametrize("lang,sentence", list(all_cases()))
def test_no_digits_punctuation_or_symbols_survive(lang, sentence):
  spoken = to_spoken(sentence, lang)
  assert_spoken(spoken)
  assert spoken


@pytest.mark.parametrize("lang,sentence", list(all_cases()))
def test_spoken_form_is_its_own_spoken_form(lang, sentence):
  spoken = to_spoken(sentence, lang)
  assert to_spoken(spoken, lang) == spoken


@pytest.mark.parametrize("lang,text,expected", EXAMPLES)
def test_worked_examples(lang, text, expected):
  assert to_spoken(text, lang) == expected


@pytest.mark.parametrize("lang", spoken_form.SUPPORTED_LANGUAGES)
def test_empty_and_blank_text_stay_empty(lang):
  assert to_spoken("", lang) == ""
  assert to_spoken(" \t ", lang) == ""
  assert to_spoken("…", lang) == ""


def test_region_and_case_of_the_language_tag_are_ignored():
  assert to_spoken("5 €", "de_DE") == to_spoken("5 €", "de") == "fünf euro"
  assert to_spoken("$5", "en-US") == to_spoken("$5", "EN") == "five dollars"
  assert to_spoken("2,50 €", "pt-BR") == to_spoken("2,50 €", "pt")


@pytest.mark.parametrize("lang", ["zh", "xx", "", "english"])
def test_unsupported_language_names_the_supported_ones(lang):
  with pytest.raises(UserError, match=r"does not support.*ar, de, en"):
    to_spoken("hello", lang)


def test_lower_casing_keeps_sharp_s_and_leaves_caseless_scripts():
  assert to_spoken("GROSSE STRAẞE Straße", "de") == "grosse straße straße"
  assert to_spoken("मुझे उठाना", "hi") == "मुझे उठाना"
  assert to_spoken("東京タワー", "ja") == "東京タワー"


def test_digits_of_other_scripts_are_numbers():
  assert to_spoken("१२", "hi") == to_spoken("12", "hi") == "बारह"
  assert to_spoken("٤٢", "ar") == to_spoken("42", "ar")
  assert to_spoken("４２", "ja") == "四十二"
  assert to_spoken("௪௨", "ta") == to_spoken("42", "ta")


def test_decimal_and_grouping_marks_follow_the_language():
  assert to_spoken("1,000 and 1.5", "en") == "one thousand and one point five"
  assert to_spoken("1.000 und 1,5", "de") == "eintausend und eins komma fünf"
  assert to_spoken("3.14", "en") == "three point one four"
  assert to_spoken("3,14", "fr") == "trois virgule quatorze"
  assert to_spoken("0,05", "fr") == "zéro virgule zéro cinq"


def test_codes_with_leading_zeros_and_long_numbers_are_read_digit_by_digit():
  assert to_spoken("Room 007", "en") == "room zero zero seven"
  assert to_spoken("5551234567", "en") == (
      "five five five one two three four five six seven")
  assert to_spoken("25000 and 1,234,567", "en") == (
      "twenty five thousand and one million two hundred and thirty four "
      "thousand five hundred and sixty seven")


def test_apostrophes_join_in_english_and_split_in_french():
  assert to_spoken("Don't stop", "en") == "dont stop"
  assert to_spoken("L'heure d'été", "fr") == "l heure d été"


def test_german_ordinals_take_the_ending_of_their_article():
  assert to_spoken("der 3. Platz", "de") == "der dritte platz"
  assert to_spoken("zur 3. Runde", "de") == "zur dritten runde"
  assert to_spoken("19. Februar 2003", "de") == (
      "neunzehnter februar zweitausenddrei")
  assert to_spoken("Er wurde 30. Dann ging er.", "de") == (
      "er wurde dreißig dann ging er")


def test_symbols_are_words_and_slashes_between_numbers_are_spaces():
  assert to_spoken("x + y = 10", "en") == "x plus y equals ten"
  assert to_spoken("AT&T and/or 24/7", "en") == (
      "at and t and slash or twenty four seven")
  assert to_spoken("Tom & Jerry", "es") == "tom y jerry"


@pytest.mark.shared_data
@pytest.mark.skipif(not (SHARED_DATA / "tatoeba").exists(),
                    reason="needs ../shared/data/tatoeba beside the checkout")
@pytest.mark.parametrize("lang,name", [
    ("en", "deu-eng.eng"), ("de", "deu-eng.deu"), ("fr", "fra-eng.fra"),
    ("es", "spa-eng.spa"), ("it", "ita-eng.ita"), ("pt", "por-eng.por"),
    ("ja", "jpn-eng.jpn"), ("ar", "ara-eng.ara"), ("hi", "hin-eng.hin"),
    ("mr", "mar-eng.mar"), ("ta", "tam-eng.tam"), ("te", "tel-eng.tel")])
def test_real_sentences_come_out_clean(lang, name):
  path = SHARED_DATA / "tatoeba" / f"tatoeba.{name}"
  lines = path.read_text(encoding="utf-8").splitlines()[:400]
  for line in lines:
    spoken = to_spoken(line, lang)
    assert_spoken(spoken)
    assert to_spoken(spoken, lang) == spoken
