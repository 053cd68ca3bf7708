"""What each spoken-form language calls the things texts write with digits and
symbols: decimal marks, clock times, money, percent and symbol words.

Data only; `spoken_rules` applies it. Words are given in the case and script
the language writes them; spoken_form lower-cases the result.
"""
from __future__ import annotations

import dataclasses
from typing import Callable, Mapping

# Currency signs and the codes their words are filed under.
CURRENCY_SIGNS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR"}


def _plural_unless_one(n: int) -> bool:
  return n != 1


def _plural_from_two(n: int) -> bool:
  return n >= 2


def _arabic_plural(n: int) -> bool:
  """Arabic counted nouns are plural after 3-10 and singular otherwise."""
  return 3 <= n % 100 <= 10


@dataclasses.dataclass(frozen=True)
class SpokenLanguage:
  """How one language reads numbers, times, money and symbols aloud."""
  decimal_marks: str  # characters that start a decimal fraction
  group_marks: str  # characters that group thousands in a written number
  point: str  # the word read for the decimal mark
  minus: str
  symbols: Mapping[str, str]  # words for % & @ + = # / °
  currencies: Mapping[str, tuple[str, str]]  # code -> (singular, plural)
  cents: Mapping[str, tuple[str, str]]  # code -> minor unit; absent: none
  clock: str  # "{h}" and "{m}" (numbers), "{hours}" / "{minutes}" (nouns)
  clock_on_the_hour: str
  clock_on_the_hour_24h: str = ""  # "17:00" when it differs from "5:00"
  clock_minutes_below_ten: str = "{m}"  # "5:05": "five *oh five*"
  clock_suffixes: tuple[str, ...] = ()  # written after a time, already said
  reads_am_pm: bool = False  # "5 pm" is a time, not "5" and a word "pm"
  writes_hours_with_h: bool = False  # "17h30"
  money_and: str = ""  # joins "five dollars" and "ninety nine cents"
  scale_words: tuple[str, ...] = ()  # "$5 million": words after an amount
  scale_link: str = ""  # "cinq millions *de* dollars"
  scale_link_before_vowel: str = ""  # "cinq millions *d'*euros"
  plural: Callable[[int], bool] = _plural_unless_one
  before_noun: Mapping[str, str] = dataclasses.field(default_factory=dict)
  hour_words: Mapping[int, str] = dataclasses.field(default_factory=dict)
  hour_nouns: tuple[str, str] = ("", "")
  minute_nouns: tuple[str, str] = ("", "")
  fraction_as_number: bool = False  # "3,14": "quatorze" rather than "un quatre"
  joins_apostrophes: bool = False  # "don't" -> "dont" rather than "don t"
  unspaced: bool = False  # no spaces between words of the script (ja)


def _symbols(percent: str, ampersand: str, at: str, plus: str, equals: str,
             hash_sign: str, slash: str, degree: str) -> dict[str, str]:
  return {"%": percent, "٪": percent, "&": ampersand, "@": at, "+": plus,
          "=": equals, "#": hash_sign, "/": slash, "°": degree}


LANGUAGES: dict[str, SpokenLanguage] = {
    "en": SpokenLanguage(
        decimal_marks=".", group_marks=",", point="point", minus="minus",
        symbols=_symbols("percent", "and", "at", "plus", "equals", "hash",
                         "slash", "degrees"),
        currencies={"USD": ("dollar", "dollars"), "EUR": ("euro", "euros"),
                    "GBP": ("pound", "pounds"), "JPY": ("yen", "yen"),
                    "INR": ("rupee", "rupees")},
        cents={"USD": ("cent", "cents"), "EUR": ("cent", "cents"),
               "GBP": ("penny", "pence"), "INR": ("paisa", "paise")},
        money_and="and",
        scale_words=("thousand", "million", "billion", "trillion"),
        clock="{h} {m}", clock_on_the_hour="{h}",
        clock_on_the_hour_24h="{h} hundred", clock_minutes_below_ten="oh {m}",
        reads_am_pm=True, joins_apostrophes=True),
    "de": SpokenLanguage(
        decimal_marks=",", group_marks=".\u00a0\u202f\u2009", point="Komma",
        minus="minus",
        symbols=_symbols("Prozent", "und", "at", "plus", "gleich", "Raute",
                         "Schrägstrich", "Grad"),
        currencies={"USD": ("Dollar", "Dollar"), "EUR": ("Euro", "Euro"),
                    "GBP": ("Pfund", "Pfund"), "JPY": ("Yen", "Yen"),
                    "INR": ("Rupie", "Rupien")},
        cents={"USD": ("Cent", "Cent"), "EUR": ("Cent", "Cent"),
               "GBP": ("Penny", "Pence"), "INR": ("Paisa", "Paise")},
        money_and="und",
        scale_words=("Tausend", "Millionen", "Million", "Milliarden",
                     "Milliarde"),
        before_noun={"eins": "ein"}, hour_words={1: "ein"},
        clock="{h} Uhr {m}", clock_on_the_hour="{h} Uhr",
        clock_suffixes=("Uhr",),
        joins_apostrophes=True),
    "fr": SpokenLanguage(
        decimal_marks=",", group_marks=". \u00a0\u202f\u2009", point="virgule",
        minus="moins",
        symbols=_symbols("pour cent", "et", "arobase", "plus", "égale",
                         "dièse", "barre oblique", "degrés"),
        currencies={"USD": ("dollar", "dollars"), "EUR": ("euro", "euros"),
                    "GBP": ("livre", "livres"), "JPY": ("yen", "yens"),
                    "INR": ("roupie", "roupies")},
        cents={"USD": ("cent", "cents"), "EUR": ("centime", "centimes"),
               "GBP": ("penny", "pence"), "INR": ("paisa", "paisas")},
        money_and="et", scale_words=("mille", "millions", "million",
                                     "milliards", "milliard"),
        scale_link="de", scale_link_before_vowel="d'",
        plural=_plural_from_two,
        hour_words={1: "une", 21: "vingt et une"},
        hour_nouns=("heure", "heures"),
        clock="{h} {hours} {m}", clock_on_the_hour="{h} {hours}",
        writes_hours_with_h=True, fraction_as_number=True),
    "es": SpokenLanguage(
        decimal_marks=",", group_marks=".\u00a0\u202f\u2009", point="coma",
        minus="menos",
        symbols=_symbols("por ciento", "y", "arroba", "más", "igual a",
                         "almohadilla", "barra", "grados"),
        currencies={"USD": ("dólar", "dólares"), "EUR": ("euro", "euros"),
                    "GBP": ("libra", "libras"), "JPY": ("yen", "yenes"),
                    "INR": ("rupia", "rupias")},
        cents={"USD": ("centavo", "centavos"), "EUR": ("céntimo", "céntimos"),
               "GBP": ("penique", "peniques"), "INR": ("paisa", "paisas")},
        money_and="con",
        scale_words=("mil", "millones", "millón", "billones", "billón"),
        scale_link="de", before_noun={"uno": "un", "veintiuno": "veintiún"},
        hour_words={1: "una", 21: "veintiuna"},
        clock="{h} y {m}", clock_on_the_hour="{h}", fraction_as_number=True),
    "it": SpokenLanguage(
        decimal_marks=",", group_marks=".\u00a0\u202f\u2009", point="virgola",
        minus="meno",
        symbols=_symbols("per cento", "e", "chiocciola", "più", "uguale",
                         "cancelletto", "barra", "gradi"),
        currencies={"USD": ("dollaro", "dollari"), "EUR": ("euro", "euro"),
                    "GBP": ("sterlina", "sterline"), "JPY": ("yen", "yen"),
                    "INR": ("rupia", "rupie")},
        cents={"USD": ("centesimo", "centesimi"),
               "EUR": ("centesimo", "centesimi"), "GBP": ("penny", "pence"),
               "INR": ("paisa", "paise")},
        money_and="e",
        scale_words=("mila", "milioni", "milione", "miliardi", "miliardo"),
        scale_link="di", before_noun={"uno": "un"}, hour_words={1: "una"},
        clock="{h} e {m}", clock_on_the_hour="{h}", fraction_as_number=True),
    "pt": SpokenLanguage(
        decimal_marks=",", group_marks=".\u00a0\u202f\u2009", point="vírgula",
        minus="menos",
        symbols=_symbols("por cento", "e", "arroba", "mais", "igual a",
                         "cerquilha", "barra", "graus"),
        currencies={"USD": ("dólar", "dólares"), "EUR": ("euro", "euros"),
                    "GBP": ("libra", "libras"), "JPY": ("iene", "ienes"),
                    "INR": ("rupia", "rupias")},
        cents={"USD": ("centavo", "centavos"), "EUR": ("cêntimo", "cêntimos"),
               "GBP": ("pêni", "pence"), "INR": ("paisa", "paisas")},
        money_and="e",
        scale_words=("mil", "milhões", "milhão", "bilhões", "bilhão"),
        scale_link="de",
        hour_words={1: "uma", 2: "duas", 21: "vinte e uma", 22: "vinte e duas"},
        hour_nouns=("hora", "horas"),
        clock="{h} e {m}", clock_on_the_hour="{h} {hours}",
        fraction_as_number=True),
    "ja": SpokenLanguage(
        decimal_marks=".", group_marks=",", point="点", minus="マイナス",
        symbols=_symbols("パーセント", "アンド", "アット", "プラス", "イコール",
                         "シャープ", "スラッシュ", "度"),
        currencies={"USD": ("ドル", "ドル"), "EUR": ("ユーロ", "ユーロ"),
                    "GBP": ("ポンド", "ポンド"), "JPY": ("円", "円"),
                    "INR": ("ルピー", "ルピー")},
        cents={"USD": ("セント", "セント"), "EUR": ("セント", "セント"),
               "GBP": ("ペンス", "ペンス"), "INR": ("パイサ", "パイサ")},
        scale_words=("万", "億", "兆"),
        clock="{h}時{m}分", clock_on_the_hour="{h}時", unspaced=True),
    "ar": SpokenLanguage(
        decimal_marks=".\u066b", group_marks=",\u066c", point="فاصلة",
        minus="سالب",
        symbols=_symbols("بالمئة", "و", "آت", "زائد", "يساوي", "هاش",
                         "شرطة مائلة", "درجة"),
        currencies={"USD": ("دولار", "دولارات"), "EUR": ("يورو", "يورو"),
                    "GBP": ("جنيه", "جنيهات"), "JPY": ("ين", "ين"),
                    "INR": ("روبية", "روبيات")},
        cents={"USD": ("سنت", "سنتات"), "EUR": ("سنت", "سنتات"),
               "GBP": ("بنس", "بنسات"), "INR": ("بيسة", "بيسات")},
        money_and="و", scale_words=("ألف", "مليون", "مليار"),
        plural=_arabic_plural, minute_nouns=("دقيقة", "دقائق"),
        clock="{h} و {m} {minutes}", clock_on_the_hour="{h}"),
    "hi": SpokenLanguage(
        decimal_marks=".", group_marks=",", point="दशमलव", minus="माइनस",
        symbols=_symbols("प्रतिशत", "और", "एट", "प्लस", "बराबर", "हैश",
                         "स्लैश", "डिग्री"),
        currencies={"USD": ("डॉलर", "डॉलर"), "EUR": ("यूरो", "यूरो"),
                    "GBP": ("पाउंड", "पाउंड"), "JPY": ("येन", "येन"),
                    "INR": ("रुपया", "रुपये")},
        cents={"USD": ("सेंट", "सेंट"), "EUR": ("सेंट", "सेंट"),
               "GBP": ("पेंस", "पेंस"), "INR": ("पैसा", "पैसे")},
        money_and="और", scale_words=("हज़ार", "हजार", "लाख", "करोड़"),
        clock="{h} बजकर {m} मिनट", clock_on_the_hour="{h} बजे",
        clock_suffixes=("बजे",)),
    "mr": SpokenLanguage(
        decimal_marks=".", group_marks=",", point="पॉइंट", minus="उणे",
        symbols=_symbols("टक्के", "आणि", "ॲट", "अधिक", "बरोबर", "हॅश",
                         "स्लॅश", "अंश"),
        currencies={"USD": ("डॉलर", "डॉलर"), "EUR": ("युरो", "युरो"),
                    "GBP": ("पाउंड", "पाउंड"), "JPY": ("येन", "येन"),
                    "INR": ("रुपया", "रुपये")},
        cents={"USD": ("सेंट", "सेंट"), "EUR": ("सेंट", "सेंट"),
               "GBP": ("पेन्स", "पेन्स"), "INR": ("पैसा", "पैसे")},
        money_and="आणि", scale_words=("हजार", "लाख", "कोटी"),
        minute_nouns=("मिनिट", "मिनिटे"),
        clock="{h} वाजून {m} {minutes}", clock_on_the_hour="{h} वाजता",
        clock_suffixes=("वाजता",)),
    "ta": SpokenLanguage(
        decimal_marks=".", group_marks=",", point="புள்ளி", minus="மைனஸ்",
        symbols=_symbols("சதவீதம்", "மற்றும்", "அட்", "கூட்டல்", "சமம்",
                         "ஹேஷ்", "ஸ்லாஷ்", "டிகிரி"),
        currencies={"USD": ("டாலர்", "டாலர்"), "EUR": ("யூரோ", "யூரோ"),
                    "GBP": ("பவுண்டு", "பவுண்டு"), "JPY": ("யென்", "யென்"),
                    "INR": ("ரூபாய்", "ரூபாய்")},
        cents={"USD": ("சென்ட்", "சென்ட்"), "EUR": ("சென்ட்", "சென்ட்"),
               "GBP": ("பென்ஸ்", "பென்ஸ்"), "INR": ("பைசா", "பைசா")},
        scale_words=("ஆயிரம்", "லட்சம்", "கோடி"),
        clock="{h} மணி {m} நிமிடம்", clock_on_the_hour="{h} மணி",
        clock_suffixes=("மணிக்கு", "மணி")),
    "te": SpokenLanguage(
        decimal_marks=".", group_marks=",", point="బిందువు", minus="మైనస్",
        symbols=_symbols("శాతం", "మరియు", "ఎట్", "ప్లస్", "సమానం", "హ్యాష్",
                         "స్లాష్", "డిగ్రీలు"),
        currencies={"USD": ("డాలర్", "డాలర్లు"), "EUR": ("యూరో", "యూరోలు"),
                    "GBP": ("పౌండ్", "పౌండ్లు"), "JPY": ("యెన్", "యెన్"),
                    "INR": ("రూపాయి", "రూపాయలు")},
        cents={"USD": ("సెంట్", "సెంట్లు"), "EUR": ("సెంట్", "సెంట్లు"),
               "GBP": ("పెన్స్", "పెన్స్"), "INR": ("పైసా", "పైసలు")},
        scale_words=("వేలు", "వేల", "లక్షలు", "లక్ష", "కోట్లు", "కోటి"),
        minute_nouns=("నిమిషం", "నిమిషాలు"),
        clock="{h} గంటల {m} {minutes}", clock_on_the_hour="{h} గంటలు"),
}
