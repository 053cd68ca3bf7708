"""French (fr-FR) requests to a voice assistant, as a speech recogniser writes them.

Hyphens become spaces (`réveille moi`, `dix huit`), apostrophes of elision
stay. A slot span never starts inside an elided word: values that need `l'`
carry it inside the span, and names and words that follow `de` start with a
consonant so that no `d'` is needed.
"""

_HOURS = ("(une heure|(deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|"
          "treize|quatorze|quinze|seize|dix sept|dix huit|dix neuf|vingt|"
          "vingt et une|vingt deux) heures)")
_WEEKDAY = "(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)"
_MONTH = ("(janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|"
          "novembre|décembre)")
_DAY_OF_MONTH = ("(premier|deux|trois|quatre|cinq|six|sept|huit|dix|douze|quinze|"
                 "vingt|vingt et un|vingt cinq|trente)")
_TENS = ("(dix|vingt|trente|quarante|cinquante|soixante|soixante dix|"
         "quatre vingts|quatre vingt dix)")
_TIMES = (
    f"{_HOURS}( et demie| et quart| moins le quart| trente| quinze| "
    "quarante cinq| dix|)",
    "(six|sept|huit|neuf) heures du matin",
    "(sept|huit|neuf|dix) heures du soir",
    "(midi|minuit)",
)
# (in the room, of the room, the room): articles and elision differ by room.
_ROOMS = (
    ("dans le", "du", "le", "salon"), ("dans la", "de la", "la", "cuisine"),
    ("dans la", "de la", "la", "chambre"),
    ("dans la", "de la", "la", "salle de bain"),
    ("dans le", "du", "le", "couloir"), ("dans le", "du", "le", "bureau"),
    ("dans la", "de la", "la", "chambre des enfants"),
    ("dans le", "du", "le", "garage"), ("dans la", "de la", "la", "cave"),
    ("dans la", "de la", "la", "salle à manger"), ("dans", "de", "", "l'entrée"),
    ("sur la", "de la", "la", "terrasse"), ("dans la", "de la", "la", "buanderie"),
    ("dans le", "du", "le", "grenier"), ("dans la", "de la", "la", "chambre d'amis"),
    ("sur le", "du", "le", "balcon"),
)
# (partitive, definite, item)
_GROCERIES = (
    ("du", "le", "lait"), ("des", "les", "œufs"), ("du", "le", "pain"),
    ("du", "le", "beurre"), ("du", "le", "fromage"), ("des", "les", "pommes"),
    ("des", "les", "bananes"), ("des", "les", "tomates"), ("des", "les", "pâtes"),
    ("du", "le", "riz"), ("du", "le", "café"), ("des", "les", "yaourts"),
    ("de la", "la", "farine"), ("du", "le", "sucre"),
    ("des", "les", "pommes de terre"), ("des", "les", "oignons"),
    ("du", "le", "jus d'orange"), ("de la", "la", "viande hachée"),
    ("du", "le", "poulet"), ("des", "les", "croissants"), ("des", "les", "céréales"),
    ("des", "les", "épinards"), ("des", "les", "poivrons"),
    ("de la", "la", "crème fraîche"), ("du", "le", "jambon"),
    ("de", "", "l'huile d'olive"), ("du", "le", "papier toilette"),
    ("de", "", "l'eau gazeuse"), ("de la", "la", "bière"), ("du", "le", "dentifrice"),
    ("de la", "la", "lessive"), ("des", "les", "courgettes"),
)
# (indefinite article, dish)
_DISHES = (
    ("des", "crêpes"), ("une", "quiche lorraine"), ("un", "bœuf bourguignon"),
    ("une", "ratatouille"), ("une", "blanquette de veau"),
    ("un", "gratin dauphinois"), ("une", "tarte tatin"),
    ("une", "mousse au chocolat"), ("une", "soupe à l'oignon"),
    ("un", "poulet basquaise"), ("un", "cassoulet"), ("des", "croques monsieur"),
    ("un", "pot au feu"), ("un", "coq au vin"), ("un", "gâteau au yaourt"),
    ("un", "clafoutis"), ("des", "moules frites"), ("une", "tartiflette"),
    ("une", "salade niçoise"), ("un", "fondant au chocolat"),
)
# (partitive, genre)
_GENRES = (
    ("du", "jazz"), ("de la", "musique classique"), ("du", "rock"),
    ("du", "hip hop"), ("du", "rap français"), ("de la", "variété française"),
    ("du", "reggae"), ("du", "blues"), ("du", "métal"), ("de la", "pop"),
    ("de la", "chanson française"), ("de la", "musique relaxante"),
    ("des", "comptines"), ("des", "chants de noël"), ("du", "funk"),
    ("de la", "soul"), ("du", "zouk"), ("de la", "musique des années quatre vingt"),
    ("de la", "house"), ("du", "lo fi"), ("du", "r n b"), ("de la", "techno"),
)
# (gender, vehicle, whether one says "en <vehicle>")
_VEHICLES = (
    ("m", "train", True), ("m", "bus", True), ("m", "r e r", True),
    ("m", "métro", True), ("m", "tram", True), ("m", "t g v", True),
    ("m", "t e r", True), ("m", "ferry", True), ("m", "vol", False),
    ("m", "car", True), ("f", "navette", True),
)
_THE = {"m": "le", "f": "la"}
_OF_THE = {"m": "du", "f": "de la"}
_NEXT = {"m": "le prochain", "f": "la prochaine"}
# (one, the, plural)
_CURRENCIES = (
    ("un", "", "euro", "euros"), ("un", "le", "dollar", "dollars"),
    ("une", "la", "livre sterling", "livres sterling"), ("un", "le", "yen", "yens"),
    ("un", "le", "franc suisse", "francs suisses"),
    ("un", "le", "bitcoin", "bitcoins"), ("un", "le", "rouble", "roubles"),
    ("un", "le", "peso", "pesos"), ("un", "le", "yuan", "yuans"),
    ("une", "la", "roupie", "roupies"),
    ("un", "le", "dollar canadien", "dollars canadiens"),
    ("une", "la", "couronne danoise", "couronnes danoises"),
)
_SHOWS = ("(les pieds sur terre|affaires sensibles|transfert|la méthode "
          "scientifique|programme b|l'heure du crime|grand bien vous fasse|"
          "le code a changé|les couilles sur la table|la poudre)")
_PLEASE = "(s'il te plaît |dis |)"


def _phrase(article: str, noun: str) -> str:
  return f"{article} <{noun}>".strip()


def _the_currency(the: str, noun: str) -> str:
  return _phrase(the, noun) if the else f"<l'{noun}>"


VALUES: dict[str, tuple[str, ...]] = {
    "time": tuple(f"à <{t}>" for t in _TIMES),
    "time@bare": tuple(f"<{t}>" for t in _TIMES),
    "time@relative": (
        "dans <(cinq|dix|quinze|vingt|trente|quarante cinq) minutes>",
        "dans <(une heure|deux heures|trois heures|une demi heure|"
        "une heure et demie)>",
    ),
    "date": (
        "<(aujourd'hui|demain|après demain)>",
        f"<{_WEEKDAY}( prochain|)>",
        "<(ce week end|la semaine prochaine|cette semaine|le week end prochain)>",
        f"le <{_DAY_OF_MONTH} {_MONTH}>",
    ),
    "timeofday": (
        "<(ce matin|ce midi|cet après midi|ce soir|cette nuit)>",
        "<demain (matin|midi|après midi|soir)>",
        "dans <(la matinée|la soirée|l'après midi)>",
    ),
    "general_frequency": (
        f"<tous les ({_WEEKDAY}s|jours|matins|soirs)>",
        f"<chaque ({_WEEKDAY}|jour|matin)>",
        "<(en semaine|du lundi au vendredi|un jour sur deux)>",
    ),
    "place_name": tuple(f"<{city}>" for city in (
        "paris", "lyon", "marseille", "toulouse", "nice", "nantes",
        "strasbourg", "montpellier", "bordeaux", "lille", "rennes", "reims",
        "brest", "grenoble", "dijon", "biarritz", "la rochelle", "bruxelles",
        "genève", "montréal", "londres", "rome", "barcelone", "new york",
        "tokyo", "ajaccio", "tours", "nancy")),
    "place_name@destination": (
        "à la <gare (de lyon|du nord|montparnasse|saint lazare)>",
        "à <l'aéroport>", "au <centre ville>", "à la <tour eiffel>",
        "au <stade de france>", "à <l'hôpital>", "au <bureau>", "à la <mairie>",
        "au <louvre>", "à la <gare>", "au <musée d'orsay>", "à <l'opéra>",
        "à la <défense>", "au <vieux port>"),
    "weather_descriptor": (
        "<(pleuvoir|neiger|grêler|geler)>",
        "faire <(beau|chaud|froid|frais|doux)>",
        "y avoir <(du vent|du brouillard|de l'orage|du soleil)>",
    ),
    "weather_descriptor@gear": (
        "un <parapluie>", "une <veste>", "de la <crème solaire>", "une <écharpe>",
        "un <bonnet>", "des <gants>", "des <lunettes de soleil>",
        "un <imperméable>", "un <manteau>", "des <bottes>"),
    "house_place": tuple(_phrase(inside, room) for inside, _, _, room in _ROOMS),
    "house_place@of": tuple(_phrase(of, room) for _, of, _, room in _ROOMS),
    "house_place@def": tuple(_phrase(the, room) for _, _, the, room in _ROOMS),
    "change_amount": (
        f"à <{_TENS} pour cent>",
        f"de <{_TENS} pour cent>",
        "<(un peu|un petit peu|beaucoup)>",
        "au <(maximum|niveau deux|niveau trois|niveau quatre)>",
    ),
    "color_type": tuple(f"<{color}>" for color in (
        "rouge", "bleu", "vert", "blanc chaud", "violet", "orange", "jaune",
        "rose", "turquoise", "blanc froid", "mauve", "lumière du jour")),
    "device_type": (
        "le <ventilateur>", "le <chauffage>", "la <machine à café>", "la <télé>",
        "la <climatisation>", "la <prise>", "la <bouilloire>", "la <lampe>",
        "le <lampadaire>", "<l'humidificateur>", "la <couverture chauffante>",
        "la <guirlande lumineuse>", "le <purificateur d'air>",
        "<l'arrosage automatique>", "le <radiateur>", "le <lave vaisselle>"),
    "device_type@cleaner": (
        "<l'aspirateur( robot|)>", "le <robot (aspirateur|laveur)>", "le <roomba>"),
    "music_genre": tuple(_phrase(some, genre) for some, genre in _GENRES),
    "music_genre@bare": tuple(f"<{genre}>" for _, genre in _GENRES),
    "artist_name": tuple(f"<{artist}>" for artist in (
        "stromae", "jul", "johnny hallyday", "christophe maé", "vianney", "zaz",
        "francis cabrel", "céline dion", "daft punk", "louane", "mylène farmer",
        "jacques brel", "serge gainsbourg", "p n l", "nekfeu",
        "charles aznavour", "calogero", "david guetta", "clara luciani",
        "kendji girac", "gims", "soprano", "patrick bruel", "michel sardou",
        "renaud", "bigflo et oli", "julien doré", "pomme")),
    "playlist_name": (
        "ma playlist <(sport|détente|soirée|road trip|cuisine|running|réveil)>",
        "<(découvertes de la semaine|radar des sorties|mes titres likés|"
        "top france|hits du moment)>",
    ),
    "radio_name": tuple(f"<{station}>" for station in (
        "france inter", "r t l", "n r j", "fun radio", "skyrock", "europe un",
        "france info", "france culture", "nostalgie", "chérie f m", "r f m",
        "rire et chansons", "radio nova", "fip", "france musique",
        "virgin radio", "oui f m", "r t l deux", "radio classique", "mouv")),
    "podcast_descriptor": (
        f"<{_SHOWS}>",
        "un podcast sur <(l'histoire|la science|le foot|l'économie|la politique|"
        "les faits divers|la cuisine)>",
        "le <(dernier|prochain)> épisode",
    ),
    "podcast_descriptor@show": (f"<{_SHOWS}>",),
    "event_name": (
        "mon <rendez vous chez le dentiste>", "la <réunion d'équipe>",
        "le <cours de yoga>", "<l'anniversaire de (léa|mon père)>",
        "le <dîner avec (camille|mes parents)>",
        "mon <rendez vous chez le coiffeur>", "la <réunion parents profs>",
        "le <point avec mon chef>", "<l'entraînement de foot>",
        "mon <rendez vous chez le médecin>", "le <cours de piano>",
        "mon <entretien d'embauche>", "le <vol pour (lyon|rome|lisbonne)>",
        "le <contrôle technique>", "le <rendez vous chez le vétérinaire>",
        "la <baby shower>", "le <club de lecture>",
        "<l'apéro avec les collègues>", "le <rendez vous à la banque>"),
    "event_name@public": tuple(f"<{event}>" for event in (
        "concerts", "spectacles", "festivals", "matchs de foot", "expositions",
        "brocantes", "marchés de noël", "soirées", "pièces de théâtre",
        "activités pour les enfants", "feux d'artifice", "vide greniers",
        "concerts de jazz", "marchés")),
    "person": tuple(f"<{name}>" for name in (
        "camille", "julien", "léa", "thomas", "manon", "nicolas", "chloé",
        "sarah", "maxime", "lucas", "clara", "louis", "juliette", "mathieu",
        "pauline", "karim", "fatima", "madame martin", "monsieur dubois",
        "yasmine", "pierre", "sophie", "benoît", "nathalie", "romain", "zoé")),
    "relation": tuple(_phrase(my, who) for my, who in (
        ("ma", "mère"), ("mon", "père"), ("ma", "sœur"), ("mon", "frère"),
        ("ma", "grand mère"), ("mon", "grand père"), ("mon", "patron"),
        ("ma", "patronne"), ("ma", "femme"), ("mon", "mari"), ("ma", "copine"),
        ("mon", "copain"), ("ma", "tante"), ("mon", "oncle"), ("ma", "collègue"),
        ("mon", "fils"), ("ma", "fille"), ("mon", "voisin"), ("ma", "voisine"),
        ("mon", "propriétaire"), ("mon", "coach"))),
    "list_name": (
        "de <(courses|tâches|choses à faire|bricolage|cadeaux|lecture|ménage|"
        "pharmacie)>",
        "pour <(noël|les vacances|le camping|la fête|le déménagement)>",
    ),
    "food_type": tuple(_phrase(some, item) for some, _, item in _GROCERIES),
    "food_type@def": tuple(_phrase(the, item) for _, the, item in _GROCERIES),
    "food_type@dish": tuple(_phrase(a, dish) for a, dish in _DISHES),
    "food_type@dish_bare": tuple(f"<{dish}>" for _, dish in _DISHES),
    "food_type@takeaway": (
        "une <pizza( margherita| quatre fromages| reine| calzone|)>",
        "un <(kebab|burger|tacos|poke bowl|curry|bo bun)>",
        "des <(sushis|nems|nouilles sautées|frites)>", "une <salade césar>"),
    "meal_type": (
        "pour le <(petit déjeuner|déjeuner|dîner|goûter|dessert|brunch)>",
        "pour <l'apéro>",
    ),
    "news_topic": (
        "le <(sport|foot|climat|tour de france)>",
        "la <(politique|technologie|science|culture|santé|bourse|ligue un|"
        "coupe du monde)>",
        "les <(people|élections)>",
        "<(l'économie|l'international)>",
    ),
    "media_type": tuple(f"<{source}>" for source in (
        "le monde", "le figaro", "libération", "france info", "b f m t v",
        "l'équipe", "le parisien", "les échos", "t f un", "mediapart",
        "ouest france", "france vingt quatre")),
    "transport_type@next": tuple(_phrase(_NEXT[g], v) for g, v, _ in _VEHICLES),
    "transport_type@def": tuple(_phrase(_THE[g], v) for g, v, _ in _VEHICLES),
    "transport_type@of": tuple(_phrase(_OF_THE[g], v) for g, v, _ in _VEHICLES),
    "transport_type@by": tuple(f"en <{v}>" for _, v, by in _VEHICLES if by),
    "transport_type@bare": tuple(f"<{v}>" for _, v, by in _VEHICLES if by),
    "transport_type@taxi": tuple(f"un <{ride}>" for ride in (
        "taxi", "uber", "v t c", "g sept", "taxi g sept", "heetch", "bolt")),
    "business_name": tuple(f"<{place}>" for place in (
        "pizza hut", "domino's", "mcdonald's", "burger king", "k f c",
        "o'tacos", "sushi shop", "big fernand", "la pizzeria du coin",
        "le petit bangkok", "planet sushi", "flunch", "quick", "subway",
        "pokawa", "chez paul")),
    "currency_name": tuple(_phrase(one, noun) for one, _, noun, _ in _CURRENCIES),
    "currency_name@def": tuple(
        _the_currency(the, noun) for _, the, noun, _ in _CURRENCIES),
    "currency_name@plural": tuple(f"<{many}>" for *_, many in _CURRENCIES),
    "definition_word": tuple(f"<{word}>" for word in (
        "sérendipité", "procrastination", "résilience", "mélancolie",
        "bienveillance", "nostalgie", "paradigme", "photosynthèse",
        "démocratie", "cryptomonnaie", "flâneur", "dépaysement", "chauvinisme",
        "bureaucratie", "sagacité", "pléonasme", "métaphore", "sobriquet",
        "galimatias", "saugrenu", "truculent", "zénitude", "vergogne",
        "palimpseste")),
    "joke_type": (
        "<(carambar|drôle|nulle|pourrie|belge|courte)>",
        "de <(toto|papa|geek|noël)>",
        "sur les <(chats|blondes|informaticiens|profs)>",
    ),
}

TEMPLATES: dict[str, tuple[str, ...]] = {
    "alarm_set": (
        _PLEASE + "(mets|règle|programme) (moi |)(une alarme|un réveil) (à|pour) "
        "{time@bare}( {date}|)",
        "réveille moi {time}( {date}|)",
        "réveille moi {time@relative}",
        "il me faut une alarme {time} {general_frequency}",
        "mets le réveil (à|pour) {time@bare} {date}",
        "alarme {time}( {date}|)",
        "mets une alarme {time@relative}",
    ),
    "alarm_remove": (
        _PLEASE + "(supprime|annule|désactive) (l'alarme|le réveil) {time}",
        "(supprime|efface) toutes (mes|les) alarmes( {date}|)",
        "je n'ai pas besoin de réveil {date}",
        "coupe l'alarme {timeofday}",
        "enlève le réveil pour {date}",
    ),
    "alarm_query": (
        "quelles alarmes (j'ai|sont programmées)( {date}|)",
        "est ce que j'ai une alarme {time}",
        "montre moi (mes|toutes mes) alarmes",
        "à quelle heure sonne (mon|le) (prochain |)réveil( {date}|)",
        "mon réveil est réglé sur quelle heure {date}",
        "il y a une alarme {timeofday}",
    ),
    "weather_query": (
        "quel temps (il fait|il va faire|fera t il)( à {place_name}|) "
        "({date}|{timeofday})",
        "est ce qu'il va {weather_descriptor} ({date}|{timeofday})( à {place_name}|)",
        "(c'est quoi|quelle est) la météo (à {place_name} |pour |)"
        "({date}|{timeofday})",
        "il me faut {weather_descriptor@gear} ({date}|{timeofday})",
        "(dois je|je dois) prendre {weather_descriptor@gear} ({date}|{timeofday})",
        "il fera combien de degrés( à {place_name}|) {date}",
        "et pour {date}",
    ),
    "iot_hue_lighton": (
        _PLEASE + "allume (la lumière|les lumières|la lampe) {house_place}",
        "mets (la|de la) lumière {house_place}",
        "il fait (trop |)sombre {house_place}",
        "allume (tout |){house_place}",
        "j'ai besoin de lumière {house_place}",
    ),
    "iot_hue_lightoff": (
        _PLEASE + "éteins (la lumière|les lumières|la lampe) {house_place}",
        "coupe la lumière( {house_place}|)",
        "il y a trop de lumière {house_place}",
        "éteins tout {house_place}",
        "fais le noir {house_place}",
    ),
    "iot_hue_lightdim": (
        _PLEASE + "baisse (la lumière|les lumières) {house_place}( {change_amount}|)",
        "tamise la lumière {house_place}",
        "diminue la luminosité( {house_place}|) {change_amount}",
        "la lumière {house_place@of} est trop forte",
        "baisse un peu",
    ),
    "iot_hue_lightchange": (
        _PLEASE + "mets la lumière {house_place} en {color_type}",
        "change la couleur de la lumière en {color_type}",
        "passe les lumières {house_place} en {color_type}",
        "(mets|passe) les lampes en {color_type}",
        "je veux les lumières {house_place@of} en {color_type}",
    ),
    "iot_wemo_on": (
        _PLEASE + "allume {device_type}( {house_place}|)",
        "mets en marche {device_type}",
        "démarre {device_type}( {time@relative}|)",
        "tu peux allumer {device_type}",
        "branche {device_type}",
    ),
    "iot_wemo_off": (
        _PLEASE + "éteins {device_type}( {house_place}|)",
        "arrête {device_type}( {time@relative}|)",
        "coupe {device_type}",
        "tu peux éteindre {device_type}",
        "débranche {device_type}",
    ),
    "iot_cleaning": (
        _PLEASE + "(lance|démarre|allume) {device_type@cleaner}",
        "passe l'aspirateur {house_place}( {date}|)",
        "nettoie {house_place@def}",
        "envoie {device_type@cleaner} {house_place}",
        "le sol {house_place@of} est sale",
        "programme {device_type@cleaner} {time}",
    ),
    "audio_volume_up": (
        _PLEASE + "monte le (son|volume)( {change_amount}|)",
        "augmente le volume( {change_amount}|)",
        "plus fort( s'il te plaît|)",
        "je n'entends (rien|pas bien)",
        "mets plus fort",
        "le son est trop bas",
    ),
    "audio_volume_down": (
        _PLEASE + "baisse le (son|volume)( {change_amount}|)",
        "diminue le volume( {change_amount}|)",
        "moins fort( s'il te plaît|)",
        "c'est (trop|beaucoup trop) fort",
        "baisse un peu",
    ),
    "audio_volume_mute": (
        _PLEASE + "coupe le son",
        "mets (toi |)en sourdine",
        "(silence|chut|tais toi)",
        "arrête de parler",
        "coupe le son {timeofday}",
        "(coupe le son|mets l'enceinte en sourdine) {house_place}",
        "(silence|sourdine) jusqu'à {time@bare}",
    ),
    "play_music": (
        _PLEASE + "mets {music_genre}( {house_place}|)",
        "(mets|joue) (de la musique|des chansons) de {artist_name}",
        "lance {playlist_name}",
        "(j'ai envie d'écouter|je veux écouter) ({music_genre}|{artist_name})",
        "mets le (dernier|nouvel) album de {artist_name}",
        "mets quelque chose (comme {artist_name}|de calme|qui bouge)",
        "mets {artist_name}",
    ),
    "play_radio": (
        _PLEASE + "mets {radio_name}",
        "(passe|change) sur {radio_name}",
        "je veux écouter (la radio|{radio_name})",
        "trouve (moi |)une radio {music_genre@bare}",
        "allume la radio {house_place}",
    ),
    "play_podcasts": (
        _PLEASE + "mets {podcast_descriptor}",
        "reprends {podcast_descriptor@show}",
        "mets le dernier épisode (du podcast|de l'émission) "
        "{podcast_descriptor@show}",
        "je veux écouter {podcast_descriptor}",
        "trouve (moi |)un podcast sur {news_topic}",
        "passe à l'épisode suivant",
    ),
    "calendar_set": (
        _PLEASE + "ajoute {event_name} (à mon agenda |){date}( {time}|)",
        "crée un (rendez vous|événement|rappel) (avec {person} |){date} {time}",
        "rappelle moi {event_name} {date}",
        "note {event_name} {date} {time}",
        "j'ai {event_name} {date} {time}",
        "rappelle moi d'appeler ({person}|{relation}) {date}( {time}|)",
    ),
    "calendar_query": (
        "qu'est ce que j'ai (de prévu |dans mon agenda |){date}",
        "est ce que j'ai quelque chose ({date}|{timeofday})",
        "quand est {event_name}",
        "à quelle heure est {event_name} {date}",
        "est ce que je suis (libre|disponible) {date}( {time}|)",
        "montre moi mes rendez vous pour {date}",
        "et pour {date}",
    ),
    "calendar_remove": (
        _PLEASE + "annule {event_name}( {date}|)",
        "supprime {event_name} de mon agenda",
        "efface tous mes rendez vous {date}",
        "vide mon agenda ({date}|{timeofday})",
        "retire {event_name} de mon calendrier",
    ),
    "lists_createoradd": (
        _PLEASE + "(ajoute|mets|note) {food_type} (à|sur) (ma|la) liste {list_name}",
        "ajoute {food_type} et {food_type} à (ma|la) liste {list_name}",
        "crée une (nouvelle |)liste {list_name}",
        "il (me|nous) faut {food_type}",
        "pense à acheter {food_type}",
        "rappelle moi d'acheter {food_type}",
    ),
    "lists_remove": (
        _PLEASE + "(retire|enlève|supprime) {food_type@def} de (ma|la) liste "
        "{list_name}",
        "raye {food_type@def}( de la liste|)",
        "vide (ma|la) liste {list_name}",
        "j'ai déjà acheté {food_type@def}",
        "on a déjà {food_type@def}",
    ),
    "lists_query": (
        "qu'est ce qu'il y a sur (ma|la) liste {list_name}",
        "(lis moi|montre moi) (ma|la) liste {list_name}",
        "est ce que j'ai mis {food_type@def} sur (ma|la) liste {list_name}",
        "quelles listes j'ai",
        "combien d'articles il y a sur (ma|la) liste {list_name}",
        "(ma|la) liste {list_name} est vide",
    ),
    "cooking_recipe": (
        _PLEASE + "(trouve|donne) moi une recette de {food_type@dish_bare}",
        "comment (faire|préparer|cuisiner) {food_type@dish}",
        "qu'est ce que je peux (préparer|cuisiner) {meal_type}",
        "quels sont les ingrédients pour {food_type@dish}",
        "combien de temps faut il pour cuire {food_type@dish}",
        "tu as une idée (rapide|facile|légère) {meal_type}",
    ),
    "news_query": (
        _PLEASE + "quelles sont les (dernières |)(nouvelles|infos|actualités) sur "
        "{news_topic}",
        "quoi de neuf (sur|concernant) {news_topic}( {date}|)",
        "qu'est ce que dit {media_type}( sur {news_topic}|)",
        "qu'est ce qu'il y a dans {media_type} (aujourd'hui|ce matin)",
        "donne moi les infos {date}",
        "lis moi les gros titres( sur {news_topic}|)",
    ),
    "datetime_query": (
        "quelle heure est il( à {place_name}|)",
        "quel jour (de la semaine |)(sera|tombe) {date}",
        "on est quel jour( {date}|)",
        "il est quelle heure à {place_name}",
        "c'est (le jour|le matin|la nuit) à {place_name} en ce moment",
        "quelle date serons nous {date}",
    ),
    "transport_query": (
        "à quelle heure part {transport_type@next} pour {place_name}( {date}|)",
        "combien de temps faut il pour aller à {place_name} {transport_type@by}",
        "est ce que {transport_type@def} (a du retard|est à l'heure)",
        "comment aller {place_name@destination}( {transport_type@by}|)",
        "à quelle heure arrive {transport_type@def} à {place_name} {date}",
        "montre moi les horaires {transport_type@of} pour {place_name}",
        "emmène moi {place_name@destination}",
    ),
    "transport_ticket": (
        _PLEASE + "réserve (moi |)un billet de {transport_type@bare} pour "
        "{place_name}( {date}|)",
        "j'ai besoin (d'un billet|de deux billets|de trois billets) pour "
        "{place_name}( {date}|)",
        "réserve une place dans {transport_type@def} pour {place_name} {date}",
        "achète (moi |)un aller (simple|retour) pour {place_name}( {date}|)",
        "combien coûte un billet de {transport_type@bare} pour {place_name}",
    ),
    "transport_taxi": (
        _PLEASE + "(commande|appelle) moi {transport_type@taxi}( pour aller "
        "{place_name@destination}|)",
        "il me faut {transport_type@taxi}( {time}| {time@relative}|)",
        "réserve {transport_type@taxi} pour {date} {time}",
        "où en est mon (taxi|chauffeur|uber)",
        "emmène moi {place_name@destination}",
        "je dois aller {place_name@destination} trouve moi une voiture",
    ),
    "email_sendemail": (
        _PLEASE + "envoie un (mail|e mail|courriel) à ({person}|{relation})",
        "écris à ({person}|{relation})( que je serai en retard|)",
        "réponds au mail de ({person}|{relation})",
        "transfère (ce|le) mail à ({person}|{relation})",
        "prépare un mail pour ({person}|{relation}) concernant {event_name}",
    ),
    "email_query": (
        "est ce que j'ai (des|de) nouveaux mails( de {person}| de {relation}|)",
        "(vérifie|lis) mes (mails|e mails)",
        "est ce que ({person}|{relation}) m'a écrit",
        "ouvre le dernier mail de ({person}|{relation})",
        "combien de mails non lus (j'ai|ai je)",
    ),
    "takeaway_order": (
        _PLEASE + "commande (moi |nous |){food_type@takeaway} chez {business_name}",
        "je veux commander {food_type@takeaway}",
        "commande (à manger|quelque chose) {meal_type} chez {business_name}",
        "passe une commande chez {business_name}",
        "je peux me faire livrer {food_type@takeaway}( {time@relative}|)",
        "recommande la même chose que la dernière fois chez {business_name}",
    ),
    "qa_definition": (
        "que veut dire {definition_word}",
        "c'est quoi (la définition de |)({definition_word})",
        "qu'est ce que signifie {definition_word}",
        "définis {definition_word}",
        "comment (ça s'écrit|on écrit) {definition_word}",
        "donne moi un synonyme de {definition_word}",
    ),
    "qa_currency": (
        "combien vaut {currency_name} en {currency_name@plural}",
        "quel est le taux de change entre {currency_name@def} et {currency_name@def}",
        "convertis (dix|cinquante|cent|deux cents|mille) {currency_name@plural} en "
        "{currency_name@plural}",
        "à combien est {currency_name@def} (aujourd'hui|en ce moment)",
        "combien font (dix|cent|mille) {currency_name@plural} en "
        "{currency_name@plural}",
    ),
    "general_joke": (
        _PLEASE + "raconte moi une blague {joke_type}",
        "tu connais une (bonne |)blague {joke_type}",
        "fais moi rire",
        "j'ai besoin d'une blague",
        "dis moi (un truc drôle|quelque chose de drôle)",
    ),
    "recommendation_events": (
        "y a t il des {event_name@public} à {place_name}( {date}|)",
        "qu'est ce qu'il y a à faire à {place_name} {date}",
        "recommande moi des {event_name@public} {date}",
        "où (trouver|voir) des {event_name@public}( {date}|)",
        "il y a des {event_name@public} (près d'ici|dans le coin) {date}",
        "quelles sont les sorties à {place_name} {date}",
    ),
}
