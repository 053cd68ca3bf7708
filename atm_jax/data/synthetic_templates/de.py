"""German (de-DE) requests to a voice assistant, as a speech recogniser writes them.

German inflects articles by case and gender, so slot values that follow a
preposition or an article come in variant lists (`@acc`, `@dat`, `@nom`, ...)
built from (gender, noun) tables below.
"""

_HOUR = ("(ein|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|"
         "dreizehn|vierzehn|fünfzehn|sechzehn|siebzehn|achtzehn|neunzehn|"
         "zwanzig|einundzwanzig|zweiundzwanzig)")
_CLOCK = "(eins|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf)"
_WEEKDAY = "(montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag)"
_MONTH = ("(januar|februar|märz|april|mai|juni|juli|august|september|oktober|"
          "november|dezember)")
_ORDINAL = ("(erste|zweite|dritte|vierte|fünfte|sechste|siebte|achte|zehnte|"
            "zwölfte|fünfzehnte|zwanzigste|einundzwanzigste|dreißigste)")
_TENS = "(zehn|zwanzig|dreißig|vierzig|fünfzig|sechzig|siebzig|achtzig|neunzig)"
_TIMES = (
    f"{_HOUR} uhr( dreißig| fünfzehn| fünfundvierzig| zehn| zwanzig| fünf|)",
    f"(halb|viertel nach|viertel vor|zehn nach|fünf vor|zwanzig nach) {_CLOCK}",
    "(sechs|sieben|acht|neun) uhr (morgens|früh|abends)",
    "(mitternacht|zwölf uhr mittags)",
)
# (dative phrase, accusative phrase, direction phrase, room)
_ROOMS = (
    ("im", "das", "ins", "wohnzimmer"), ("in der", "die", "in die", "küche"),
    ("im", "das", "ins", "schlafzimmer"), ("im", "das", "ins", "bad"),
    ("im", "den", "in den", "flur"), ("im", "das", "ins", "büro"),
    ("im", "das", "ins", "kinderzimmer"), ("in der", "die", "in die", "garage"),
    ("im", "den", "in den", "keller"), ("im", "das", "ins", "esszimmer"),
    ("im", "das", "ins", "arbeitszimmer"), ("auf dem", "den", "auf den", "balkon"),
    ("im", "das", "ins", "gästezimmer"), ("auf der", "die", "auf die", "terrasse"),
    ("im", "das", "ins", "badezimmer"), ("in der", "die", "in die", "waschküche"),
)
# (gender, noun): articles are chosen from the gender.
_RELATIONS = (
    ("f", "mutter"), ("m", "vater"), ("f", "schwester"), ("m", "bruder"),
    ("f", "oma"), ("m", "opa"), ("m", "chef"), ("f", "chefin"), ("f", "frau"),
    ("m", "mann"), ("f", "freundin"), ("m", "freund"), ("f", "tante"),
    ("m", "onkel"), ("f", "kollegin"), ("m", "sohn"), ("f", "tochter"),
    ("m", "vermieter"), ("f", "trainerin"), ("f", "nachbarin"),
)
_VEHICLES = (
    ("m", "zug"), ("m", "bus"), ("f", "s bahn"), ("f", "u bahn"),
    ("m", "i c e"), ("f", "straßenbahn"), ("f", "fähre"), ("m", "flug"),
    ("f", "regionalbahn"), ("m", "fernbus"), ("f", "tram"),
)
_MY = {"nom": {"m": "mein", "f": "meine"}, "acc": {"m": "meinen", "f": "meine"},
       "dat": {"m": "meinem", "f": "meiner"}}
_THE = {"nom": {"m": "der", "f": "die"}, "acc": {"m": "den", "f": "die"},
        "dat": {"m": "dem", "f": "der"}}
_NEXT = {"m": "der nächste", "f": "die nächste"}
_LISTS = ("einkaufsliste", "to do liste", "packliste", "weihnachtsliste",
          "aufgabenliste", "geburtstagsliste", "baumarktliste", "wunschliste",
          "partyliste", "campingliste", "putzliste", "urlaubsliste")
# (nominative article, dative article, source)
_MEDIA = (
    ("die", "der", "tagesschau"), ("der", "dem", "spiegel"), ("die", "der", "bild"),
    ("die", "der", "f a z"), ("die", "der", "süddeutsche"), ("", "", "n tv"),
    ("", "", "zdf heute"), ("die", "der", "zeit"), ("das", "dem", "handelsblatt"),
    ("", "", "t online"), ("der", "dem", "kicker"), ("die", "der", "taz"),
)
_CURRENCIES = ("euro", "dollar", "pfund", "franken", "yen", "bitcoin", "rubel",
               "zloty", "rand", "yuan", "forint", "schweizer franken")
_SHOWS = ("(gemischtes hack|fest und flauschig|lage der nation|zeit verbrechen|"
          "baywatch berlin|hotel matze|mordlust|verbrechen von nebenan|"
          "apokalypse und filterkaffee|alles gesagt|das politikteil)")
_PLEASE = "(bitte |hey |)"


def _phrase(article: str, noun: str) -> str:
  return f"{article} <{noun}>".strip()


VALUES: dict[str, tuple[str, ...]] = {
    "time": tuple(f"um <{t}>" for t in _TIMES),
    "time@bare": tuple(f"<{t}>" for t in _TIMES),
    "time@relative": (
        "in <(fünf|zehn|fünfzehn|zwanzig|dreißig|fünfundvierzig) minuten>",
        "in <(einer stunde|zwei stunden|drei stunden|einer halben stunde|"
        "anderthalb stunden)>",
    ),
    "date": (
        "<(heute|morgen|übermorgen)>",
        f"am <{_WEEKDAY}>",
        f"<(nächsten|diesen|kommenden) {_WEEKDAY}>",
        "am <wochenende>",
        "<(nächste woche|diese woche|nächstes wochenende)>",
        f"am <{_ORDINAL}n {_MONTH}>",
    ),
    "date@bare": (
        "<(heute|morgen|übermorgen)>",
        f"<(nächsten|kommenden) {_WEEKDAY}>",
    ),
    "timeofday": (
        "<heute (morgen|vormittag|nachmittag|abend|nacht)>",
        "<morgen (früh|vormittag|nachmittag|abend)>",
        "am <(morgen|vormittag|nachmittag|abend)>",
    ),
    "general_frequency": (
        f"<jeden ({_WEEKDAY}|tag|morgen|abend|werktag|zweiten tag)>",
        "<(werktags|täglich|montags bis freitags)>",
    ),
    "place_name": tuple(f"<{city}>" for city in (
        "berlin", "hamburg", "münchen", "köln", "frankfurt", "stuttgart",
        "düsseldorf", "leipzig", "dresden", "hannover", "nürnberg", "bremen",
        "wien", "zürich", "paris", "rom", "london", "mallorca", "kiel",
        "freiburg", "heidelberg", "rostock", "münster", "new york", "sylt",
        "bonn", "salzburg", "garmisch partenkirchen")),
    "place_name@destination": (
        "zum <hauptbahnhof>", "zum <flughafen>", "in die <innenstadt>",
        "zum <rathaus>", "zur <uni>", "zum <stadion>", "zur <messe>",
        "ins <büro>", "zum <alexanderplatz>", "zum <krankenhaus>", "zum <zoo>",
        "zur <oper>", "ins <einkaufszentrum>", "zum <marienplatz>"),
    "weather_descriptor": (
        "<(sonnig|windig|kalt|heiß|warm|neblig|bewölkt|schwül|frostig|"
        "regnerisch|stürmisch)>",),
    "weather_descriptor@verb": (
        "<(regnet|schneit|hagelt|stürmt|gewittert|nieselt)>",),
    "weather_descriptor@gear": (
        "einen <regenschirm>", "eine <jacke>", "<sonnencreme>", "einen <schal>",
        "eine <mütze>", "<handschuhe>", "eine <sonnenbrille>",
        "eine <regenjacke>", "einen <wintermantel>", "<gummistiefel>"),
    "house_place": tuple(_phrase(dat, room) for dat, _, _, room in _ROOMS),
    "house_place@acc": tuple(_phrase(acc, room) for _, acc, _, room in _ROOMS),
    "house_place@direction": tuple(_phrase(to, room) for _, _, to, room in _ROOMS),
    "change_amount": (
        f"auf <{_TENS} prozent>",
        f"um <{_TENS} prozent>",
        "<(ein bisschen|ein wenig|etwas|ein stück)>",
        "auf <stufe (zwei|drei|vier|fünf)>",
    ),
    "color_type": tuple(f"<{color}>" for color in (
        "rot", "blau", "grün", "warmweiß", "lila", "orange", "gelb", "rosa",
        "türkis", "kaltweiß", "pink", "violett")),
    "device_type": (
        "den <ventilator>", "die <heizung>", "die <kaffeemaschine>",
        "den <fernseher>", "die <klimaanlage>", "die <steckdose>",
        "den <wasserkocher>", "die <lampe>", "die <stehlampe>",
        "den <luftbefeuchter>", "die <heizdecke>", "die <lichterkette>",
        "den <luftreiniger>", "den <rasensprenger>", "den <heizlüfter>",
        "die <spülmaschine>"),
    "device_type@cleaner": (
        "den <(staubsaugerroboter|saugroboter|staubsauger|wischroboter|"
        "roboter)>",),
    "music_genre": tuple(f"<{genre}>" for genre in (
        "jazz", "klassik", "rock", "hip hop", "schlager", "techno",
        "volksmusik", "deutschrap", "pop", "elektro", "reggae", "blues",
        "heavy metal", "entspannungsmusik", "kinderlieder", "weihnachtslieder",
        "punk", "soul", "indie", "oldies", "achtziger hits", "house")),
    "artist_name": tuple(f"<{artist}>" for artist in (
        "helene fischer", "rammstein", "die toten hosen", "herbert grönemeyer",
        "udo lindenberg", "mark forster", "sido", "cro", "nena", "peter fox",
        "adele", "ed sheeran", "die ärzte", "andrea berg", "beethoven",
        "mozart", "kraftklub", "tim bendzko", "lea", "silbermond",
        "revolverheld", "wincent weiss", "apache zweihundertsieben", "seeed")),
    "playlist_name": (
        "meine <(workout|chill|party|lauf|roadtrip|koch)> playlist",
        "<(mix der woche|release radar|meine lieblingssongs|die sommerhits|"
        "die charts|die top fünfzig)>",
    ),
    "radio_name": tuple(f"<{station}>" for station in (
        "bayern drei", "antenne bayern", "swr drei", "wdr zwei", "eins live",
        "ndr zwei", "radio hamburg", "deutschlandfunk", "hr drei", "radio bob",
        "big fm", "energy berlin", "fritz", "bayern eins", "hit radio f f h",
        "radio eins", "jam fm", "klassik radio", "bremen vier", "mdr jump")),
    "podcast_descriptor": (
        f"<{_SHOWS}>",
        "einen podcast über <(geschichte|wissenschaft|fußball|wirtschaft|"
        "politik|true crime|psychologie)>",
        "die <(neueste|letzte|nächste)> folge",
    ),
    "podcast_descriptor@show": (f"<{_SHOWS}>",),
    "event_name": (
        "meinen <zahnarzttermin>", "das <teammeeting>", "den <yogakurs>",
        "die <geburtstagsfeier>", "das <abendessen mit (julia|meinen eltern)>",
        "den <friseurtermin>", "das <elterngespräch>",
        "die <besprechung mit dem chef>", "das <fußballtraining>",
        "den <arzttermin>", "die <klavierstunde>", "das <vorstellungsgespräch>",
        "den <flug nach (berlin|rom|lissabon)>", "den <elternabend>",
        "den <tierarzttermin>", "den <werkstatttermin>", "die <babyparty>",
        "den <stammtisch>", "das <telefonat mit der bank>"),
    "event_name@public": tuple(f"<{event}>" for event in (
        "konzerte", "comedy shows", "festivals", "fußballspiele",
        "ausstellungen", "flohmärkte", "streetfood märkte", "livemusik",
        "theateraufführungen", "weihnachtsmärkte", "stadtfeste", "lesungen",
        "partys", "kinderveranstaltungen", "feuerwerke")),
    "person": tuple(f"<{name}>" for name in (
        "anna", "jonas", "lukas", "marie", "sophie", "maximilian", "lena",
        "felix", "hannah", "paul", "emma", "leon", "mia", "finn", "laura",
        "tobias", "katharina", "stefan", "sabine", "thomas", "jürgen",
        "ursula", "mehmet", "ayşe", "frau müller", "doktor weber")),
    "relation": tuple(_phrase(_MY["acc"][g], n) for g, n in _RELATIONS),
    "relation@dat": tuple(_phrase(_MY["dat"][g], n) for g, n in _RELATIONS),
    "relation@nom": tuple(_phrase(_MY["nom"][g], n) for g, n in _RELATIONS),
    "list_name": tuple(f"(meine|die) <{name}>" for name in _LISTS),
    "list_name@dat": tuple(f"(meiner|der) <{name}>" for name in _LISTS),
    "list_name@bare": tuple(f"<{name}>" for name in _LISTS),
    "food_type": tuple(f"<{food}>" for food in (
        "milch", "eier", "brot", "butter", "käse", "äpfel", "bananen",
        "tomaten", "nudeln", "reis", "kaffee", "joghurt", "mehl", "zucker",
        "kartoffeln", "zwiebeln", "orangensaft", "hackfleisch", "hähnchen",
        "brötchen", "müsli", "spinat", "paprika", "gurken", "sahne", "quark",
        "salami", "olivenöl", "haferflocken", "mineralwasser", "bier",
        "klopapier")),
    "food_type@dish": tuple(f"<{dish}>" for dish in (
        "lasagne", "pfannkuchen", "kartoffelsalat", "gulasch", "apfelstrudel",
        "spätzle", "rouladen", "käsekuchen", "schnitzel", "linsensuppe",
        "bratkartoffeln", "königsberger klopse", "zwiebelkuchen",
        "semmelknödel", "risotto", "chili con carne", "rinderbraten",
        "kaiserschmarrn", "flammkuchen", "bananenbrot")),
    "food_type@takeaway": (
        "eine <pizza( margherita| salami| hawaii| tonno|)>",
        "einen <(döner|burger|dürüm)>", "<sushi>", "eine <currywurst>",
        "<(pommes|frühlingsrollen|pad thai|chicken wings|gebratene nudeln)>",
        "eine <(falafel|lahmacun|bowl)>", "ein <curry>"),
    "meal_type": (
        "zum <(frühstück|mittagessen|abendessen|nachtisch|brunch)>",
        "als <snack>"),
    "news_topic": (
        "<(sport|politik|wirtschaft|fußball|technik|wissenschaft|kultur|"
        "gesundheit|promis|europa)>",
        "die <(bundesliga|bundestagswahl|börse|formel eins|champions league)>",
        "den <(klimawandel|aktienmarkt)>",
    ),
    "media_type": tuple(_phrase(nom, source) for nom, _, source in _MEDIA),
    "media_type@dat": tuple(_phrase(dat, source) for _, dat, source in _MEDIA),
    "transport_type@next": tuple(_phrase(_NEXT[g], v) for g, v in _VEHICLES),
    "transport_type@nom": tuple(_phrase(_THE["nom"][g], v) for g, v in _VEHICLES),
    "transport_type@acc": tuple(_phrase(_THE["acc"][g], v) for g, v in _VEHICLES),
    "transport_type@dat": tuple(_phrase(_THE["dat"][g], v) for g, v in _VEHICLES),
    "transport_type@taxi": (
        "ein <taxi>", "einen <uber>", "ein <großraumtaxi>", "ein <moia>",
        "einen <uber x l>", "einen <chauffeur>"),
    "business_name": tuple(f"<{place}>" for place in (
        "pizza hut", "domino's", "burger king", "mcdonald's", "vapiano",
        "call a pizza", "joey's pizza", "pizzeria bella italia", "sushi circle",
        "asia bistro lotus", "k f c", "subway", "nordsee", "l'osteria",
        "dean and david", "hans im glück", "pizzeria da mario")),
    "currency_name": tuple(f"<{currency}>" for currency in _CURRENCIES),
    "definition_word": tuple(f"<{word}>" for word in (
        "nachhaltigkeit", "schadenfreude", "fernweh", "gemütlichkeit",
        "zeitgeist", "weltschmerz", "verschlimmbessern", "fremdschämen",
        "ambiguität", "resilienz", "empathie", "prokrastination", "algorithmus",
        "photosynthese", "inflation", "ironie", "melancholie",
        "torschlusspanik", "kummerspeck", "treppenwitz", "bürokratie",
        "nostalgie", "paradigma", "kryptowährung")),
    "joke_type": tuple(f"<{joke}>" for joke in (
        "flachwitz", "schlechten witz", "kinderwitz", "ostfriesenwitz",
        "wortwitz", "chuck norris witz", "anwaltswitz", "mathewitz",
        "weihnachtswitz", "tierwitz", "computerwitz")),
}

TEMPLATES: dict[str, tuple[str, ...]] = {
    "alarm_set": (
        _PLEASE + "(stell|stelle) (mir |)einen wecker ({date} |)(für|auf) {time@bare}",
        "weck mich ({date} |{timeofday} |){time}",
        "weck mich {time@relative}",
        "ich brauche {general_frequency} einen wecker {time}",
        "stell den wecker ({date} |)(auf|für) {time@bare}",
        "wecker {time}( {date}|)",
        "stell einen alarm {time@relative}",
    ),
    "alarm_remove": (
        _PLEASE + "(lösch|deaktivier|entferne) (meinen|den) wecker (für|um) "
        "{time@bare}",
        "(lösch|entferne) alle (meine |)wecker( {date}|)",
        "ich brauche {date} keinen wecker( mehr|)",
        "mach den wecker {timeofday} aus",
        "schalte den wecker ({date} |)(um|für) {time@bare} aus",
    ),
    "alarm_query": (
        "welche wecker (habe ich|sind gestellt)( {date}| {timeofday}|)",
        "habe ich einen wecker (für|um) {time@bare}",
        "zeig mir (meine|alle) wecker",
        "wann klingelt der (nächste |)wecker( {date}|)",
        "auf wie viel uhr ist mein wecker {date} gestellt",
        "ist {timeofday} ein wecker gestellt",
    ),
    "weather_query": (
        "wie (ist|wird) das wetter( in {place_name}|) ({date}|{timeofday})",
        "{weather_descriptor@verb} es ({date}|{timeofday})( in {place_name}|)",
        "wird es ({date}|{timeofday}) (in {place_name} |){weather_descriptor}",
        "brauche ich ({date}|{timeofday}) {weather_descriptor@gear}",
        "soll ich ({date}|{timeofday}) {weather_descriptor@gear} mitnehmen",
        "wie (warm|kalt) wird es ({date}|{timeofday})( in {place_name}|)",
        "wie ist die wettervorhersage für {place_name}( {date}|)",
        "und {date}",
    ),
    "iot_hue_lighton": (
        _PLEASE + "(mach|schalte) das licht {house_place} (an|ein)",
        "licht an {house_place}",
        "(mach|schalte) die lampe {house_place} an",
        "es ist zu dunkel {house_place}",
        "ich brauche (etwas |mehr |)licht {house_place}",
    ),
    "iot_hue_lightoff": (
        _PLEASE + "(mach|schalte) das licht {house_place} aus",
        "licht aus( {house_place}|)",
        "(mach|schalte) die lampe {house_place} aus",
        "es ist zu hell {house_place}",
        "(mach|schalte) überall das licht aus",
    ),
    "iot_hue_lightdim": (
        _PLEASE + "dimm das licht {house_place}( {change_amount}|)",
        "mach das licht {house_place} (dunkler|gedämpfter|schwächer)",
        "(reduzier|verringere) die helligkeit( {house_place}|) {change_amount}",
        "das licht {house_place} ist zu grell",
        "dreh (es |)runter",
    ),
    "iot_hue_lightchange": (
        _PLEASE + "mach das licht {house_place} {color_type}",
        "stell die (farbe|lichtfarbe)( {house_place}|) auf {color_type}",
        "ändere die farbe des lichts {house_place} (auf|in) {color_type}",
        "färbe das licht {house_place} {color_type}",
        "die lampen {house_place} sollen {color_type} leuchten",
    ),
    "iot_wemo_on": (
        _PLEASE + "(mach|schalte) {device_type} (an|ein)",
        "kannst du {device_type} (einschalten|anmachen)",
        "starte {device_type}( {time@relative}|)",
        "{device_type} an bitte",
        "schalte {device_type} {house_place} ein",
    ),
    "iot_wemo_off": (
        _PLEASE + "(mach|schalte) {device_type} aus",
        "kannst du {device_type} (ausschalten|ausmachen)",
        "stopp {device_type}( {time@relative}|)",
        "{device_type} aus bitte",
        "schalte den strom für {device_type} ab",
    ),
    "iot_cleaning": (
        _PLEASE + "(starte {device_type@cleaner}|schalte {device_type@cleaner} ein)",
        "(saug|putz) {house_place@acc}( {date}|)",
        "schick {device_type@cleaner} {house_place@direction}",
        "lass {device_type@cleaner} {house_place@acc} (saugen|putzen)",
        "der boden {house_place} ist dreckig",
        "starte {device_type@cleaner} {time}",
    ),
    "audio_volume_up": (
        _PLEASE + "mach (lauter|die musik lauter|es lauter)",
        "erhöhe die lautstärke( {change_amount}|)",
        "lauter( bitte|)",
        "ich (höre|verstehe) (nichts|das nicht)",
        "dreh (die musik |)(lauter|auf)",
        "lautstärke hoch( {change_amount}|)",
    ),
    "audio_volume_down": (
        _PLEASE + "mach (leiser|die musik leiser|es leiser)",
        "(verringere|reduziere|senke) die lautstärke( {change_amount}|)",
        "leiser( bitte|)",
        "das ist (zu|viel zu) laut",
        "lautstärke runter( {change_amount}|)",
        "dreh (es |)runter",
    ),
    "audio_volume_mute": (
        _PLEASE + "schalte (dich|den ton|den lautsprecher) stumm",
        "(sei still|ruhe|psst|stumm|ton aus)",
        "hör auf zu reden",
        "mach den ton aus",
        "schalte den lautsprecher {timeofday} stumm",
        "schalte den lautsprecher {house_place} stumm",
        "(ton aus|stumm|ruhe) bis {time@bare}",
    ),
    "play_music": (
        _PLEASE + "spiel (etwas |ein bisschen |)({music_genre}|musik von "
        "{artist_name}|lieder von {artist_name})( {house_place}|)",
        "(spiel {playlist_name}|mach {playlist_name} an|shuffle {playlist_name})",
        "ich will ({music_genre}|etwas von {artist_name}) hören",
        "spiel das (neue|neueste|beste) (album|lied) von {artist_name}",
        "spiel (etwas wie {artist_name}|was entspanntes|was fröhliches)",
        "spiel {artist_name}",
    ),
    "play_radio": (
        _PLEASE + "(spiel {radio_name}|mach {radio_name} an|schalte {radio_name} ein)",
        "(schalte auf {radio_name} um|wechsle zu {radio_name})",
        "ich will (radio|{radio_name}) hören",
        "such (mir |)einen {music_genre} sender",
        "mach das radio {house_place} an",
    ),
    "play_podcasts": (
        _PLEASE + "spiel {podcast_descriptor}",
        "mach mit {podcast_descriptor@show} weiter",
        "spiel die (neueste|nächste|letzte) folge von {podcast_descriptor@show}",
        "ich möchte {podcast_descriptor} hören",
        "such (mir |)einen podcast über {news_topic}",
        "spring zur nächsten folge",
    ),
    "calendar_set": (
        _PLEASE + "trag {event_name} {date}( {time}|) (in meinen kalender |)ein",
        "erstelle einen termin (mit {person} |){date} {time}",
        "erinnere mich {date} an {event_name}",
        "plane {event_name} {date} {time} ein",
        "ich habe {date} {time} {event_name}",
        "erinnere mich {date}( {time}|) daran ({person}|{relation}) anzurufen",
    ),
    "calendar_query": (
        "was steht ({date}|{timeofday}) (in meinem kalender|an)",
        "was habe ich ({date}|{timeofday}) (vor|für termine)",
        "wann habe ich {event_name}",
        "habe ich {date} (zeit|termine|etwas vor)",
        "bin ich {date}( {time}|) frei",
        "zeig mir meine termine {date}",
        "und {date}",
    ),
    "calendar_remove": (
        _PLEASE + "(lösch|streich) {event_name}( {date}|)",
        "sag {event_name} {date} ab",
        "lösch alle termine ({date}|{timeofday})",
        "nimm {event_name} aus meinem kalender",
        "ich gehe {date} nicht hin lösch den termin",
    ),
    "lists_createoradd": (
        _PLEASE + "(setz|schreib|pack) {food_type} auf {list_name}",
        "füge {food_type} (zu {list_name@dat}|{list_name@dat}) hinzu",
        "(setz|schreib) {food_type} und {food_type} auf {list_name}",
        "(erstelle eine neue {list_name@bare}|leg eine neue {list_name@bare} an)",
        "wir brauchen (noch |)({food_type}|{food_type} und {food_type})",
        "(denk dran|erinnere mich) {food_type} zu kaufen",
    ),
    "lists_remove": (
        _PLEASE + "(lösch|streich|nimm) {food_type} von {list_name@dat}",
        "streich {food_type}( von der liste|)",
        "lösch alles (auf|von) {list_name@dat}",
        "ich habe {food_type} schon gekauft",
        "{food_type} brauchen wir nicht mehr",
    ),
    "lists_query": (
        "was steht auf {list_name@dat}",
        "(lies mir {list_name} vor|zeig mir {list_name})",
        "habe ich {food_type} auf {list_name@dat}",
        "welche listen habe ich",
        "wie viele sachen stehen auf {list_name@dat}",
        "ist {list_name} leer",
    ),
    "cooking_recipe": (
        _PLEASE + "(such|zeig) mir ein rezept für {food_type@dish}",
        "wie (mache|koche|backe) ich {food_type@dish}",
        "was kann ich {meal_type} kochen",
        "was brauche ich für {food_type@dish}",
        "wie lange (kocht|backt) man {food_type@dish}",
        "hast du eine (schnelle|einfache|gesunde) idee {meal_type}",
    ),
    "news_query": (
        _PLEASE + "lies mir die (neuesten |wichtigsten |)(nachrichten|schlagzeilen) "
        "(über {news_topic} |)vor",
        "(was gibt es neues|gibt es neuigkeiten) über {news_topic}( {date}|)",
        "was (sagt|meldet|berichtet) {media_type}( über {news_topic}| heute|)",
        "(spiel|öffne) die nachrichten von {media_type@dat}",
        "was gibt es ({date}|heute) für nachrichten",
        "nachrichten über {news_topic}",
    ),
    "datetime_query": (
        "wie spät ist es( in {place_name}|)",
        "welcher wochentag ist {date@bare}",
        "der wievielte ist {date@bare}",
        "wie viel uhr ist es (gerade |)in {place_name}",
        "ist es in {place_name} gerade (tag|nacht|morgen)",
        "welches datum ist {date@bare}",
    ),
    "transport_query": (
        "wann (fährt|geht) {transport_type@next} nach {place_name}( {date}|)",
        "wie lange braucht {transport_type@nom} nach {place_name}",
        "(hat {transport_type@nom} verspätung|fährt {transport_type@nom} pünktlich)",
        "wie komme ich {place_name@destination}( mit {transport_type@dat}|)",
        "wann kommt {transport_type@nom} {date} in {place_name} an",
        "zeig mir den fahrplan für {transport_type@acc} nach {place_name}",
        "bring mich {place_name@destination}",
    ),
    "transport_ticket": (
        _PLEASE + "buch mir ein ticket für {transport_type@acc} nach {place_name}"
        "( {date}|)",
        "ich brauche (ein ticket|zwei tickets|drei tickets|eine fahrkarte) für "
        "{transport_type@acc} nach {place_name}( {time}|)",
        "reservier mir einen sitzplatz für {transport_type@acc} nach {place_name} "
        "{date}",
        "(buch|kauf) (mir |)(eine hin und rückfahrt|eine einfache fahrt) nach "
        "{place_name}( {date}|)",
        "was kostet ein ticket für {transport_type@acc} nach {place_name}",
    ),
    "transport_taxi": (
        _PLEASE + "(bestell|ruf) mir {transport_type@taxi}( {place_name@destination}|)",
        "ich brauche {transport_type@taxi}( {time}| {time@relative}|)",
        "(buch|bestell) {transport_type@taxi} für {date@bare} {time}",
        "wie weit ist mein (taxi|fahrer) noch weg",
        "bring mich {place_name@destination}",
        "ich brauche eine fahrt {place_name@destination}",
    ),
    "email_sendemail": (
        _PLEASE + "(schreib|schick) ({person}|{relation@dat}) eine (mail|e mail)",
        "schick eine mail an ({person}|{relation})",
        "(beantworte|antworte auf) die mail von ({person}|{relation@dat})",
        "leite (die|diese) mail an ({person}|{relation}) weiter",
        "schreib ({person}|{relation@dat}) (eine mail |)dass ich mich verspäte",
        "entwirf eine mail an ({person}|{relation}) über {event_name}",
    ),
    "email_query": (
        "(habe ich|gibt es) neue (mails|e mails)( von {person}| von {relation@dat}|)",
        "(check|lies) meine (mails|e mails)",
        "was hat ({person}|{relation@nom}) mir geschrieben",
        "öffne die (letzte|neueste) mail von ({person}|{relation@dat})",
        "wie viele ungelesene mails habe ich",
    ),
    "takeaway_order": (
        _PLEASE + "bestell (mir |uns |){food_type@takeaway} (bei|von) {business_name}",
        "ich möchte {food_type@takeaway} bestellen",
        "bestell (etwas|was) {meal_type} bei {business_name}",
        "ich will bei {business_name} bestellen",
        "kann ich {food_type@takeaway} liefern lassen( {time@relative}|)",
        "bestell das gleiche wie letztes mal bei {business_name}",
    ),
    "qa_definition": (
        "was (bedeutet|heißt) {definition_word}",
        "was ist die bedeutung von {definition_word}",
        "(definiere|erklär mir) {definition_word}",
        "was versteht man unter {definition_word}",
        "wie schreibt man {definition_word}",
        "(gib|nenn) mir ein (synonym|anderes wort) für {definition_word}",
    ),
    "qa_currency": (
        "wie viel sind (zehn|fünfzig|hundert|zweihundert|tausend) {currency_name} "
        "in {currency_name}",
        "(wie ist|was ist) der wechselkurs von {currency_name} (zu|in) {currency_name}",
        "wie ist der wechselkurs zwischen {currency_name} und {currency_name}",
        "rechne (zehn|fünfzig|hundert|tausend) {currency_name} in {currency_name} um",
        "wie viel ist ein {currency_name} (gerade |)wert",
    ),
    "general_joke": (
        _PLEASE + "(erzähl|sag) mir (mal |)einen {joke_type}",
        "kennst du einen (guten |){joke_type}",
        "bring mich zum lachen",
        "ich brauche (einen witz|einen {joke_type})",
        "sag (mal |)was lustiges",
    ),
    "recommendation_events": (
        "gibt es ({date} |){event_name@public} in {place_name}",
        "was ist {date} in {place_name} los",
        "was kann man {date} in {place_name} unternehmen",
        "empfiehl mir {event_name@public} {date}",
        "wo (finde ich|gibt es) {event_name@public}( {date}|)",
        "such mir {event_name@public} in der nähe",
    ),
}
