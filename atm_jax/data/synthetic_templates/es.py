"""Spanish (es-ES) requests to a voice assistant, as a speech recogniser writes them.

Spoken form drops the opening and closing question and exclamation marks.
`a el` and `de el` contract, so values that follow those prepositions come in
variants (`@to` = al / a la, `@of` = del / de la) built from gender tables.
"""

_CLOCK = "(dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|once|doce)"
_WEEKDAY = "(lunes|martes|miércoles|jueves|viernes|sábado|domingo)"
_MONTH = ("(enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|"
          "octubre|noviembre|diciembre)")
_DAY_OF_MONTH = ("(uno|dos|tres|cuatro|cinco|seis|ocho|diez|doce|quince|veinte|"
                 "veintiuno|veinticinco|treinta)")
_TENS = "(diez|veinte|treinta|cuarenta|cincuenta|sesenta|setenta|ochenta|noventa)"
_MINUTES = "( y media| y cuarto| menos cuarto| y diez| y veinte| en punto|)"
# (article as in "a las", span)
_TIMES = (
    ("las", f"{_CLOCK}{_MINUTES}"),
    ("la", f"una{_MINUTES}"),
    ("las", "(seis|siete|ocho|nueve) de la mañana"),
    ("las", "(cinco|seis|siete) de la tarde"),
    ("las", "(nueve|diez|once) de la noche"),
    ("", "(mediodía|medianoche)"),
)
# (gender, room)
_ROOMS = (
    ("m", "salón"), ("f", "cocina"), ("m", "dormitorio"), ("m", "baño"),
    ("m", "pasillo"), ("m", "despacho"), ("f", "habitación de los niños"),
    ("m", "garaje"), ("m", "sótano"), ("m", "comedor"), ("f", "terraza"),
    ("m", "balcón"), ("f", "habitación de invitados"), ("m", "jardín"),
    ("f", "entrada"), ("m", "estudio"),
)
_THE = {"m": "el", "f": "la"}
_IN = {"m": "en el", "f": "en la"}
_OF = {"m": "del", "f": "de la"}
_TO = {"m": "al", "f": "a la"}
_NEXT = {"m": "el próximo", "f": "la próxima"}
# (gender, vehicle, sold as "un billete de <vehicle>")
_VEHICLES = (
    ("m", "tren", True), ("m", "autobús", True), ("m", "metro", True),
    ("m", "cercanías", True), ("m", "tranvía", False), ("m", "ave", True),
    ("m", "vuelo", False), ("m", "ferry", True), ("m", "autocar", True),
    ("f", "lanzadera", False), ("m", "alvia", True),
)
# (gender, singular, plural)
_CURRENCIES = (
    ("m", "euro", "euros"), ("m", "dólar", "dólares"), ("f", "libra", "libras"),
    ("m", "yen", "yenes"), ("m", "peso", "pesos"),
    ("m", "franco suizo", "francos suizos"), ("m", "bitcoin", "bitcoins"),
    ("m", "rublo", "rublos"), ("m", "yuan", "yuanes"), ("f", "rupia", "rupias"),
    ("m", "dólar canadiense", "dólares canadienses"),
    ("f", "corona sueca", "coronas suecas"),
)
_ONE = {"m": "un", "f": "una"}
_SHOWS = ("(la escóbula de la brújula|nadie sabe nada|estirando el chicle|"
          "la ruina|el gran apagón|entiende tu mente|todo concostrina|"
          "la vida moderna|un tema al día|aquí hay dragones)")
_PLEASE = "(por favor |oye |)"


def _phrase(words: str, span: str) -> str:
  return f"{words.strip()} <{span}>".strip()


VALUES: dict[str, tuple[str, ...]] = {
    "time": tuple(_phrase(f"a {article}", span) for article, span in _TIMES),
    "time@bare": tuple(_phrase(article, span) for article, span in _TIMES),
    "time@relative": (
        "en <(cinco|diez|quince|veinte|treinta|cuarenta y cinco) minutos>",
        "dentro de <(una hora|dos horas|media hora|hora y media)>",
    ),
    "date": (
        "<(hoy|mañana|pasado mañana)>",
        f"el <{_WEEKDAY}( que viene|)>",
        f"el <próximo {_WEEKDAY}>",
        "<(este fin de semana|la semana que viene|esta semana)>",
        f"el <{_DAY_OF_MONTH} de {_MONTH}>",
    ),
    "timeofday": (
        "<esta (mañana|tarde|noche)>",
        "<mañana por la (mañana|tarde|noche)>",
        "por la <(mañana|tarde|noche)>",
    ),
    "general_frequency": (
        f"<todos los ({_WEEKDAY}|días|fines de semana)>",
        f"<cada ({_WEEKDAY}|día|mañana)>",
        "<(de lunes a viernes|entre semana|a diario)>",
    ),
    "place_name": tuple(f"<{city}>" for city in (
        "madrid", "barcelona", "valencia", "sevilla", "bilbao", "málaga",
        "zaragoza", "granada", "alicante", "san sebastián", "salamanca",
        "santander", "palma", "murcia", "cádiz", "córdoba", "vigo", "oviedo",
        "toledo", "lisboa", "parís", "londres", "roma", "buenos aires",
        "tenerife", "ibiza", "valladolid", "pamplona")),
    "place_name@destination": (
        "al <aeropuerto>", "a la <estación de atocha>", "a la <estación>",
        "al <centro>", "a la <puerta del sol>", "al <estadio>",
        "a la <oficina>", "al <hospital>", "a la <plaza mayor>",
        "al <museo del prado>", "a <sants>", "a la <sagrada familia>",
        "al <ayuntamiento>", "a la <universidad>"),
    "weather_descriptor": (
        "<(llover|nevar|granizar|helar)>",
        "hacer <(calor|frío|sol|viento|bueno|fresco)>",
        "estar <(nublado|despejado)>",
    ),
    "weather_descriptor@gear": (
        "un <paraguas>", "una <chaqueta>", "<crema solar>", "una <bufanda>",
        "un <gorro>", "<guantes>", "<gafas de sol>", "un <chubasquero>",
        "un <abrigo>", "<botas de agua>"),
    "house_place": tuple(f"{_IN[g]} <{room}>" for g, room in _ROOMS),
    "house_place@of": tuple(f"{_OF[g]} <{room}>" for g, room in _ROOMS),
    "house_place@def": tuple(f"{_THE[g]} <{room}>" for g, room in _ROOMS),
    "house_place@to": tuple(f"{_TO[g]} <{room}>" for g, room in _ROOMS),
    "change_amount": (
        f"al <{_TENS} por ciento>",
        f"un <{_TENS} por ciento>",
        "<(un poco|un poquito|mucho)>",
        "al <(máximo|nivel dos|nivel tres|nivel cuatro)>",
    ),
    "color_type": tuple(f"<{color}>" for color in (
        "rojo", "azul", "verde", "blanco cálido", "morado", "naranja",
        "amarillo", "rosa", "turquesa", "blanco frío", "violeta", "lila")),
    "device_type": (
        "el <ventilador>", "la <calefacción>", "la <cafetera>", "la <tele>",
        "el <aire acondicionado>", "el <enchufe>", "el <hervidor>",
        "la <lámpara>", "la <lámpara de pie>", "el <humidificador>",
        "la <manta eléctrica>", "las <luces de navidad>", "el <purificador>",
        "el <riego>", "el <calefactor>", "el <lavavajillas>"),
    "device_type@cleaner": (
        "el <(robot aspirador|aspirador|roomba|robot de limpieza|"
        "robot friegasuelos)>",),
    "music_genre": tuple(f"<{genre}>" for genre in (
        "jazz", "música clásica", "rock", "hip hop", "reguetón", "flamenco",
        "pop", "electrónica", "reggae", "blues", "heavy metal", "salsa",
        "música relajante", "canciones infantiles", "villancicos", "bachata",
        "cumbia", "rock en español", "éxitos de los ochenta", "indie", "rap",
        "música latina")),
    "artist_name": tuple(f"<{artist}>" for artist in (
        "rosalía", "alejandro sanz", "bad bunny", "shakira", "estopa",
        "c tangana", "melendi", "pablo alborán", "aitana", "joaquín sabina",
        "enrique iglesias", "camilo sesto", "dani martín", "leiva",
        "vetusta morla", "la oreja de van gogh", "manu chao", "quevedo",
        "bizarrap", "karol g", "julio iglesias", "lola índigo", "morat",
        "beethoven", "mozart")),
    "playlist_name": (
        "mi lista de <(deporte|relax|fiesta|viaje|verano|estudio)>",
        "mi playlist de <(running|gimnasio)>",
        "<(descubrimiento semanal|radar de novedades|mis favoritas|"
        "éxitos del momento|top cincuenta españa)>",
    ),
    "radio_name": tuple(f"<{station}>" for station in (
        "los cuarenta", "cadena ser", "cope", "onda cero", "r n e",
        "radio nacional", "cadena dial", "europa fm", "kiss fm", "rock fm",
        "radio clásica", "radio tres", "m ochenta", "rac uno", "radio marca",
        "hit fm", "loca fm", "megastar", "cadena cien", "radio olé")),
    "podcast_descriptor": (
        f"<{_SHOWS}>",
        "un podcast sobre <(historia|ciencia|fútbol|economía|política|"
        "crímenes|cocina|psicología)>",
        "el <(último|siguiente|próximo)> episodio",
    ),
    "podcast_descriptor@show": (f"<{_SHOWS}>",),
    "event_name": (
        "mi <cita con el dentista>", "la <reunión de equipo>",
        "la <clase de yoga>", "el <cumpleaños de (lucía|mi padre)>",
        "la <cena con (marta|mis padres)>", "la <cita en la peluquería>",
        "la <reunión de padres>", "la <reunión con mi jefe>",
        "el <entrenamiento de fútbol>", "la <cita con el médico>",
        "la <clase de piano>", "la <entrevista de trabajo>",
        "el <vuelo a (madrid|roma|lisboa)>", "la <i t v>",
        "la <cita con el veterinario>", "el <club de lectura>",
        "la <comida con los compañeros>", "la <llamada con el banco>",
        "la <revisión del coche>"),
    "event_name@public": tuple(f"<{event}>" for event in (
        "conciertos", "obras de teatro", "festivales", "partidos de fútbol",
        "exposiciones", "mercadillos", "mercados navideños", "fiestas",
        "espectáculos de flamenco", "actividades para niños", "monólogos",
        "fuegos artificiales", "conciertos de jazz", "cine de verano",
        "rutas de tapas")),
    "person": tuple(f"<{name}>" for name in (
        "lucía", "javier", "marta", "pablo", "carmen", "alejandro", "sofía",
        "daniel", "laura", "sergio", "paula", "david", "elena", "carlos",
        "andrea", "miguel", "cristina", "jorge", "nuria", "álvaro", "irene",
        "raúl", "pilar", "manolo", "la señora garcía", "don antonio")),
    "relation": tuple(f"mi <{who}>" for who in (
        "madre", "padre", "hermana", "hermano", "abuela", "abuelo", "jefe",
        "jefa", "mujer", "marido", "novia", "novio", "tía", "tío", "prima",
        "primo", "vecino", "vecina", "hijo", "hija", "casero", "entrenador")),
    "list_name": (
        "de <(tareas|cosas por hacer|regalos|navidad|lectura|deseos|limpieza)>",
        "de la <(compra|farmacia)>",
        "para <(el viaje|la fiesta|la mudanza)>",
        "del <súper>",
    ),
    "food_type": tuple(f"<{food}>" for food in (
        "leche", "huevos", "pan", "mantequilla", "queso", "manzanas",
        "plátanos", "tomates", "pasta", "arroz", "café", "yogures", "harina",
        "azúcar", "patatas", "cebollas", "zumo de naranja", "carne picada",
        "pollo", "jamón", "cereales", "espinacas", "pimientos", "pepinos",
        "nata", "aceite de oliva", "papel higiénico", "agua con gas",
        "cerveza", "lechuga", "atún", "chorizo")),
    "food_type@dish": tuple(f"<{dish}>" for dish in (
        "tortilla de patatas", "paella", "gazpacho", "croquetas", "lentejas",
        "cocido madrileño", "fabada", "pisto", "salmorejo", "flan",
        "arroz con leche", "churros", "pollo al ajillo", "albóndigas",
        "crema catalana", "torrijas", "empanada gallega", "patatas bravas",
        "pulpo a la gallega", "magdalenas")),
    "food_type@takeaway": (
        "una <pizza( margarita| barbacoa| cuatro quesos| hawaiana|)>",
        "un <(kebab|poke|burrito|bocadillo de calamares)>",
        "una <hamburguesa( con patatas|)>",
        "<(sushi|tacos|pad thai|alitas de pollo|rollitos de primavera|"
        "arroz tres delicias)>",
    ),
    "meal_type": (
        "para <(cenar|comer|desayunar|merendar)>",
        "para la <(cena|comida)>", "para el <desayuno>", "de <postre>"),
    "news_topic": (
        "<(deportes|política|economía|fútbol|tecnología|ciencia|cultura|salud|"
        "famosos|internacional)>",
        "la <(liga|bolsa|champions|fórmula uno)>",
        "el <(cambio climático|real madrid|barça|ibex treinta y cinco)>",
    ),
    "media_type": tuple(f"<{source}>" for source in (
        "el país", "el mundo", "marca", "as", "la vanguardia", "a b c",
        "r t v e", "antena tres", "el confidencial", "veinte minutos",
        "la sexta", "el periódico", "eldiario punto es")),
    "transport_type@next": tuple(f"{_NEXT[g]} <{v}>" for g, v, _ in _VEHICLES),
    "transport_type@def": tuple(f"{_THE[g]} <{v}>" for g, v, _ in _VEHICLES),
    "transport_type@of": tuple(f"{_OF[g]} <{v}>" for g, v, _ in _VEHICLES),
    "transport_type@bare": tuple(f"<{v}>" for _, v, sold in _VEHICLES if sold),
    "transport_type@taxi": tuple(f"un <{ride}>" for ride in (
        "taxi", "uber", "cabify", "v t c", "taxi adaptado", "bolt", "free now")),
    "business_name": tuple(f"<{place}>" for place in (
        "telepizza", "domino's", "burger king", "mcdonald's",
        "foster's hollywood", "goiko", "k f c", "cien montaditos", "vips",
        "la tagliatella", "udon", "taco bell", "pans and company",
        "restaurante chino gran muralla", "pizzería luigi", "sushi shop")),
    "currency_name": tuple(f"{_ONE[g]} <{one}>" for g, one, _ in _CURRENCIES),
    "currency_name@def": tuple(f"{_THE[g]} <{one}>" for g, one, _ in _CURRENCIES),
    "currency_name@plural": tuple(f"<{many}>" for _, _, many in _CURRENCIES),
    "definition_word": tuple(f"<{word}>" for word in (
        "serendipia", "procrastinar", "resiliencia", "empatía", "melancolía",
        "nostalgia", "paradigma", "fotosíntesis", "inflación", "ironía",
        "efímero", "ubicuo", "algoritmo", "criptomoneda", "sobremesa",
        "madrugada", "estrenar", "friolero", "consuegro", "petricor",
        "quimera", "vicisitud", "idiosincrasia", "inefable")),
    "joke_type": (
        "de <(jaimito|lepe|informáticos|animales|médicos|navidad|abogados)>",
        "<(malo|corto|gracioso|de los de antes)>",
    ),
}

TEMPLATES: dict[str, tuple[str, ...]] = {
    "alarm_set": (
        _PLEASE + "(pon|ponme|programa) una alarma {time}( {date}|)",
        "despiértame {time}( {date}|)",
        "despiértame {time@relative}",
        "necesito una alarma {time} {general_frequency}",
        "pon el despertador para {time@bare}( {date}|)",
        "alarma {time}( {date}|)",
        "pon una alarma {time@relative}",
    ),
    "alarm_remove": (
        _PLEASE + "(borra|quita|cancela|desactiva) la alarma de {time@bare}",
        "borra todas (mis|las) alarmas( {date}|)",
        "no necesito alarma {date}",
        "apaga la alarma {timeofday}",
        "quita el despertador para {date}",
    ),
    "alarm_query": (
        "qué alarmas tengo( {date}|)",
        "tengo una alarma {time}",
        "enséñame (mis|todas mis) alarmas",
        "a qué hora suena (mi|la) (próxima |)alarma( {date}|)",
        "para qué hora está puesto el despertador {date}",
        "hay alguna alarma {timeofday}",
    ),
    "weather_query": (
        "qué tiempo (hace|va a hacer|hará) (en {place_name} |)({date}|{timeofday})",
        "va a {weather_descriptor} ({date}|{timeofday})( en {place_name}|)",
        "necesito {weather_descriptor@gear} ({date}|{timeofday})",
        "(debo|tengo que) llevar {weather_descriptor@gear} ({date}|{timeofday})",
        "qué temperatura (hace|hará) en {place_name}( {date}|)",
        "cuál es la previsión (del tiempo |)para {place_name}",
        "y {date}",
    ),
    "iot_hue_lighton": (
        _PLEASE + "enciende (la luz|las luces|la lámpara) {house_place}",
        "dame luz {house_place}",
        "está (muy |demasiado |)oscuro {house_place}",
        "(luz|luces) {house_place} por favor",
        "necesito (más |)luz {house_place}",
    ),
    "iot_hue_lightoff": (
        _PLEASE + "apaga (la luz|las luces|la lámpara) {house_place}",
        "apaga todas las luces( {house_place}|)",
        "hay demasiada luz {house_place}",
        "quiero las luces {house_place} apagadas",
        "deja {house_place@def} a oscuras",
    ),
    "iot_hue_lightdim": (
        _PLEASE + "baja (la luz|las luces) {house_place}( {change_amount}|)",
        "atenúa la luz {house_place}",
        "reduce el brillo( {house_place}|) {change_amount}",
        "la luz {house_place@of} es demasiado fuerte",
        "bájalo un poco",
    ),
    "iot_hue_lightchange": (
        _PLEASE + "pon la luz {house_place} (de color |en |)({color_type})",
        "(pon|cambia) las luces {house_place} a {color_type}",
        "cambia el color de la luz a {color_type}",
        "quiero la luz {house_place@of} en {color_type}",
        "pon las bombillas en {color_type}",
    ),
    "iot_wemo_on": (
        _PLEASE + "enciende {device_type}( {house_place}|)",
        "pon en marcha {device_type}",
        "activa {device_type}( {time@relative}|)",
        "puedes encender {device_type}",
        "conecta {device_type}",
    ),
    "iot_wemo_off": (
        _PLEASE + "apaga {device_type}( {house_place}|)",
        "para {device_type}( {time@relative}|)",
        "desconecta {device_type}",
        "puedes apagar {device_type}",
        "desactiva {device_type}",
    ),
    "iot_cleaning": (
        _PLEASE + "(pon en marcha|enciende|activa) {device_type@cleaner}",
        "(aspira|limpia) {house_place@def}( {date}|)",
        "manda {device_type@cleaner} {house_place@to}",
        "que {device_type@cleaner} limpie {house_place@def}",
        "el suelo {house_place@of} está sucio",
        "programa {device_type@cleaner} {time}",
    ),
    "audio_volume_up": (
        _PLEASE + "sube (el volumen|la música|el sonido)( {change_amount}|)",
        "más alto( por favor|)",
        "no (oigo nada|se oye bien)",
        "pon (la música|el volumen) más alto",
        "aumenta el volumen( {change_amount}|)",
    ),
    "audio_volume_down": (
        _PLEASE + "baja (el volumen|la música|el sonido)( {change_amount}|)",
        "más bajo( por favor|)",
        "está (muy|demasiado) alto",
        "reduce el volumen( {change_amount}|)",
        "bájalo un poco",
    ),
    "audio_volume_mute": (
        _PLEASE + "silencia (el altavoz|el sonido|la música)",
        "(silencio|calla|cállate|chitón)",
        "deja de hablar",
        "quita el sonido",
        "pon el altavoz en silencio {timeofday}",
        "silencia el altavoz {house_place}",
        "(silencio|sin sonido) hasta {time@bare}",
    ),
    "play_music": (
        _PLEASE + "pon (algo de |un poco de |)({music_genre}|música de "
        "{artist_name}|canciones de {artist_name})( {house_place}|)",
        "(pon|reproduce) {playlist_name}",
        "quiero escuchar ({music_genre}|algo de {artist_name})",
        "pon el (último|nuevo) (disco|álbum|single) de {artist_name}",
        "pon algo (parecido a {artist_name}|tranquilo|animado)",
        "pon {artist_name}",
    ),
    "play_radio": (
        _PLEASE + "(pon|sintoniza) {radio_name}",
        "cambia a {radio_name}",
        "quiero escuchar (la radio|{radio_name})",
        "busca una emisora de {music_genre}",
        "enciende la radio {house_place}",
    ),
    "play_podcasts": (
        _PLEASE + "pon {podcast_descriptor}",
        "sigue con {podcast_descriptor@show}",
        "pon el (último|siguiente) episodio del podcast {podcast_descriptor@show}",
        "quiero escuchar {podcast_descriptor}",
        "busca un podcast sobre {news_topic}",
        "pasa al siguiente episodio",
    ),
    "calendar_set": (
        _PLEASE + "apunta {event_name} (en mi calendario |){date}( {time}|)",
        "(crea una cita|crea una reunión|crea un evento) (con {person} |)"
        "{date} {time}",
        "recuérdame {event_name} {date}",
        "tengo {event_name} {date} {time}",
        "añade {event_name} a mi agenda {date}",
        "recuérdame llamar a ({person}|{relation}) {date}( {time}|)",
    ),
    "calendar_query": (
        "qué tengo ({date}|{timeofday})( en el calendario|)",
        "tengo algo (planeado |)({date}|{timeofday})",
        "cuándo es {event_name}",
        "a qué hora es {event_name} {date}",
        "estoy libre {date}( {time}|)",
        "enséñame mis citas para {date}",
        "y {date}",
    ),
    "calendar_remove": (
        _PLEASE + "cancela {event_name}( {date}|)",
        "borra {event_name} del calendario",
        "borra todas mis citas {date}",
        "vacía mi agenda ({date}|{timeofday})",
        "quita {event_name} de mi agenda",
    ),
    "lists_createoradd": (
        _PLEASE + "(añade|apunta|pon) {food_type} (a|en) (la|mi) lista {list_name}",
        "añade {food_type} y {food_type} a (la|mi) lista {list_name}",
        "crea una (nueva |)lista {list_name}",
        "necesitamos {food_type}",
        "recuérdame comprar {food_type}",
        "apunta {food_type}",
    ),
    "lists_remove": (
        _PLEASE + "quita {food_type} de (la|mi) lista {list_name}",
        "tacha {food_type}( de la lista|)",
        "borra todo de (la|mi) lista {list_name}",
        "ya he comprado {food_type}",
        "ya no necesitamos {food_type}",
    ),
    "lists_query": (
        "qué hay en (la|mi) lista {list_name}",
        "(léeme|enséñame) (la|mi) lista {list_name}",
        "he apuntado {food_type} en (la|mi) lista {list_name}",
        "qué listas tengo",
        "cuántas cosas hay en (la|mi) lista {list_name}",
        "está vacía (la|mi) lista {list_name}",
    ),
    "cooking_recipe": (
        _PLEASE + "busca una receta de {food_type@dish}",
        "cómo (hago|preparo|cocino) {food_type@dish}",
        "qué puedo (hacer|cocinar) {meal_type}",
        "qué necesito para hacer {food_type@dish}",
        "cuánto tiempo hay que (cocinar|hornear) {food_type@dish}",
        "dame una idea (rápida|fácil|sana) {meal_type}",
    ),
    "news_query": (
        _PLEASE + "(dime|léeme) las últimas noticias sobre {news_topic}",
        "qué hay de nuevo sobre {news_topic}( {date}|)",
        "qué dice {media_type}( sobre {news_topic}|)",
        "qué hay en {media_type} (hoy|esta mañana)",
        "cuáles son las noticias {date}",
        "léeme los titulares( sobre {news_topic}|)",
    ),
    "datetime_query": (
        "qué hora es( en {place_name}|)",
        "qué día es {date}",
        "qué día de la semana (es|cae) {date}",
        "qué hora es ahora (mismo |)en {place_name}",
        "es de (día|noche) en {place_name} ahora",
        "qué fecha es {date}",
    ),
    "transport_query": (
        "a qué hora sale {transport_type@next} (a|para|hacia) {place_name}"
        "( {date}|)",
        "cuánto tarda {transport_type@def} (a|hasta) {place_name}",
        "(va con retraso|llega puntual) {transport_type@def}",
        "cómo llego {place_name@destination}( en {transport_type@bare}|)",
        "a qué hora llega {transport_type@def} a {place_name} {date}",
        "enséñame los horarios {transport_type@of} a {place_name}",
        "llévame {place_name@destination}",
    ),
    "transport_ticket": (
        _PLEASE + "(cómprame|resérvame|sácame) un billete de {transport_type@bare} "
        "(a|para) {place_name}( {date}|)",
        "necesito (un billete|dos billetes|tres billetes) (a|para) {place_name}"
        "( {date}|)",
        "resérvame un asiento en {transport_type@def} a {place_name} {date}",
        "compra un billete de (ida|ida y vuelta) a {place_name}( {date}|)",
        "cuánto cuesta un billete de {transport_type@bare} a {place_name}",
    ),
    "transport_taxi": (
        _PLEASE + "(pídeme|llámame) {transport_type@taxi}"
        "( {place_name@destination}|)",
        "necesito {transport_type@taxi}( {time}| {time@relative}|)",
        "reserva {transport_type@taxi} para {date} {time}",
        "dónde está mi (taxi|conductor)",
        "llévame {place_name@destination}",
        "necesito ir {place_name@destination} ya",
    ),
    "email_sendemail": (
        _PLEASE + "(envía|manda) un (correo|email|mail) a ({person}|{relation})",
        "escríbele a ({person}|{relation})( que llego tarde|)",
        "responde al correo de ({person}|{relation})",
        "reenvía (este|el) correo a ({person}|{relation})",
        "redacta un correo para ({person}|{relation}) sobre {event_name}",
    ),
    "email_query": (
        "tengo (correos|emails) nuevos( de {person}| de {relation}|)",
        "(mira|revisa|lee) mi (correo|bandeja de entrada)",
        "qué me ha (escrito|mandado) ({person}|{relation})",
        "abre el último correo de ({person}|{relation})",
        "cuántos correos sin leer tengo",
    ),
    "takeaway_order": (
        _PLEASE + "pídeme {food_type@takeaway} (de|en) {business_name}",
        "quiero pedir {food_type@takeaway}",
        "pide algo {meal_type} en {business_name}",
        "haz un pedido a {business_name}",
        "quiero que me traigan {food_type@takeaway}( {time@relative}|)",
        "repite mi último pedido de {business_name}",
    ),
    "qa_definition": (
        "qué (significa|quiere decir) {definition_word}",
        "cuál es el significado de {definition_word}",
        "define {definition_word}",
        "cómo se escribe {definition_word}",
        "dame un sinónimo de {definition_word}",
    ),
    "qa_currency": (
        "cuánto vale {currency_name} en {currency_name@plural}",
        "a cuánto está {currency_name@def}( hoy|)",
        "cuánto son (diez|cincuenta|cien|mil) {currency_name@plural} en "
        "{currency_name@plural}",
        "convierte (diez|cien|doscientos|mil) {currency_name@plural} a "
        "{currency_name@plural}",
        "cuál es el tipo de cambio entre {currency_name@def} y {currency_name@def}",
    ),
    "general_joke": (
        _PLEASE + "cuéntame un chiste( {joke_type}|)",
        "te sabes algún chiste {joke_type}",
        "hazme reír",
        "(cuéntame otro|me cuentas un) chiste {joke_type}",
        "necesito (un chiste|reírme)",
        "dime algo gracioso",
    ),
    "recommendation_events": (
        "hay {event_name@public} en {place_name}( {date}|)",
        "qué (se puede hacer|planes hay) en {place_name} {date}",
        "recomiéndame {event_name@public} para {date}",
        "dónde puedo ver {event_name@public}( {date}|)",
        "busca {event_name@public} cerca de aquí( {date}|)",
    ),
}
