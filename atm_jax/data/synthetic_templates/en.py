"""English (en-US) requests to a voice assistant, as a speech recogniser writes them."""

_HOUR = "(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_WEEKDAY = "(monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_MONTH = ("(january|february|march|april|may|june|july|august|september|"
          "october|november|december)")
_ORDINAL = ("(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|"
            "eleventh|twelfth|fifteenth|twentieth|twenty first|twenty second|"
            "twenty fifth|thirtieth)")
_TENS = "(ten|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
_ROOMS = ("kitchen", "living room", "bedroom", "bathroom", "hallway", "office",
          "garage", "basement", "dining room", "nursery", "guest room", "porch",
          "kids room", "master bedroom", "laundry room", "study")
_PLEASE = "(please |can you |could you |hey |)"
_SHOWS = ("(the daily|serial|radiolab|this american life|stuff you should know|"
          "freakonomics|planet money|the moth|hardcore history|how i built this)")

VALUES: dict[str, tuple[str, ...]] = {
    "time": (
        f"<{_HOUR} (am|pm)>",
        f"<{_HOUR} (o'clock|fifteen|thirty|forty five|twenty|ten|oh five)( am| pm|)>",
        f"<(half past|quarter past|quarter to|ten past|twenty to|five to) {_HOUR}>",
        "<(noon|midnight)>",
    ),
    "time@relative": (
        "in <(five|ten|fifteen|twenty|thirty|forty five|ninety) minutes>",
        "in <(an hour|two hours|three hours|half an hour|an hour and a half)>",
        "<(five|ten|twenty|thirty) minutes from now>",
    ),
    "date": (
        "<(today|tomorrow|the day after tomorrow)>",
        f"on <{_WEEKDAY}>",
        f"<(this|next) {_WEEKDAY}>",
        "<(this weekend|next week|next weekend|this week)>",
        f"on <the {_ORDINAL} of {_MONTH}>",
        f"on <{_MONTH} {_ORDINAL}>",
    ),
    "date@bare": (
        "<(today|tomorrow|the day after tomorrow)>",
        f"<(this |next |){_WEEKDAY}>",
        f"<the {_ORDINAL} of {_MONTH}>",
        f"<{_MONTH} {_ORDINAL}>",
    ),
    "timeofday": (
        "<(this|tomorrow) (morning|afternoon|evening)>",
        "<tonight>",
        "in the <(morning|afternoon|evening)>",
    ),
    "general_frequency": (
        f"<every {_WEEKDAY}>",
        "<every (day|weekday|morning|night|other day)>",
        "<on weekdays>",
        "<daily>",
    ),
    "place_name": tuple(f"<{city}>" for city in (
        "seattle", "new york", "chicago", "boston", "san francisco", "austin",
        "denver", "miami", "los angeles", "atlanta", "phoenix", "portland",
        "nashville", "london", "paris", "tokyo", "toronto", "mexico city",
        "las vegas", "san diego", "dallas", "houston", "orlando", "honolulu",
        "new orleans", "salt lake city", "philadelphia", "detroit")),
    "place_name@destination": (
        "the <airport>", "the <train station>", "<downtown>", "the <mall>",
        "the <stadium>", "<central park>", "the <office>", "the <hospital>",
        "<union station>", "the <museum of modern art>", "<times square>",
        "the <convention center>", "the <zoo>", "<pike place market>"),
    "weather_descriptor": (
        "<(rain|snow|hail|freeze|drizzle|storm)>",
        "be <(sunny|windy|cold|hot|foggy|cloudy|humid|warm|chilly)>",
    ),
    "weather_descriptor@gear": (
        "an <umbrella>", "a <jacket>", "a <coat>", "<sunscreen>", "a <scarf>",
        "a <raincoat>", "<sunglasses>", "<boots>", "<gloves>", "a <sweater>"),
    "house_place": tuple(f"the <{room}>" for room in _ROOMS),
    "house_place@bare": tuple(f"<{room}>" for room in _ROOMS),
    "change_amount": (
        f"to <{_TENS} percent>",
        f"by <{_TENS} percent>",
        "<(a little|a bit|a lot|all the way)>",
        "to <(level|) (two|three|four|five|six|seven)>",
    ),
    "color_type": tuple(f"<{color}>" for color in (
        "red", "blue", "green", "warm white", "purple", "orange", "pink",
        "yellow", "soft white", "daylight", "turquoise", "lavender")),
    "device_type": (
        "the <fan>", "the <heater>", "the <coffee maker>", "the <air conditioner>",
        "the <tv>", "the <smart plug>", "the <lamp>", "the <kettle>",
        "the <dehumidifier>", "the <electric blanket>", "the <space heater>",
        "the <christmas lights>", "the <humidifier>", "the <sprinklers>",
        "the <hot tub>", "the <fireplace>"),
    "device_type@cleaner": (
        "the <(robot vacuum|vacuum|roomba|robot cleaner|mop robot)>",),
    "music_genre": tuple(f"<{genre}>" for genre in (
        "jazz", "classical music", "rock", "hip hop", "country", "reggae",
        "blues", "electronic music", "folk", "opera", "lullabies", "pop",
        "heavy metal", "r and b", "soul", "indie rock", "lo fi beats",
        "christmas music", "eighties hits", "gospel", "salsa", "k pop")),
    "artist_name": tuple(f"<{artist}>" for artist in (
        "taylor swift", "the beatles", "miles davis", "adele", "bob marley",
        "beyonce", "johnny cash", "mozart", "coldplay", "ella fitzgerald",
        "queen", "nina simone", "drake", "billie eilish", "bruce springsteen",
        "dolly parton", "kendrick lamar", "ed sheeran", "the rolling stones",
        "frank sinatra", "lady gaga", "bad bunny", "fleetwood mac", "elvis",
        "harry styles", "norah jones")),
    "playlist_name": (
        "my <(workout|running|chill|party|road trip|dinner|study|sleep|focus)> "
        "(playlist|mix)",
        "the <(summer hits|rainy day|throwback|top fifty|feel good)> playlist",
        "<discover weekly>", "my <favorites>", "<release radar>"),
    "radio_name": tuple(f"<{station}>" for station in (
        "kiss fm", "jazz fm", "classic fm", "npr", "b b c radio one",
        "hot ninety seven", "z one hundred", "power one oh six", "k rock",
        "the bay one oh one point seven", "ninety eight point seven fm",
        "b b c world service", "k e x p", "w n y c", "the breeze",
        "sirius hits one")),
    "podcast_descriptor": (
        f"<{_SHOWS}>",
        "a <(true crime|history|comedy|science|sports|business|cooking)> podcast",
        "the <(latest|last|newest|next)> episode",
    ),
    "podcast_descriptor@show": (f"<{_SHOWS}>",),
    "event_name": tuple(f"<{event}>" for event in (
        "dentist appointment", "team meeting", "yoga class", "birthday party",
        "dinner reservation", "haircut", "soccer practice", "piano lesson",
        "parent teacher conference", "doctor's appointment", "job interview",
        "book club", "date night", "lunch with sarah", "vet appointment",
        "oil change", "standup meeting", "baby shower", "flight to denver",
        "call with the bank")),
    "event_name@public": tuple(f"<{event}>" for event in (
        "concerts", "comedy shows", "festivals", "football games",
        "art exhibitions", "farmers markets", "food festivals", "live music",
        "theater shows", "open mic nights", "street fairs", "jazz clubs",
        "family events", "fireworks", "trivia nights")),
    "person": tuple(f"<{name}>" for name in (
        "john", "maria", "alex", "priya", "kenji", "sarah", "michael", "emily",
        "david", "jessica", "chris", "ashley", "jamal", "olivia", "carlos",
        "megan", "tyler", "hannah", "kevin", "rachel", "daniel", "lauren",
        "brandon", "nicole", "tom", "grace")),
    "relation": tuple(f"my <{relation}>" for relation in (
        "mom", "dad", "wife", "husband", "sister", "brother", "boss",
        "grandma", "grandpa", "uncle", "aunt", "cousin", "best friend",
        "neighbor", "son", "daughter", "girlfriend", "boyfriend", "roommate",
        "landlord", "coach")),
    "list_name": tuple(f"<{name}>" for name in (
        "shopping", "grocery", "to do", "packing", "christmas",
        "hardware store", "party", "costco", "birthday", "chores", "wish",
        "camping", "weekend", "reading", "gift", "home depot", "trader joe's")),
    "food_type": tuple(f"<{food}>" for food in (
        "milk", "eggs", "bread", "apples", "coffee", "rice", "cheese",
        "tomatoes", "chicken", "bananas", "olive oil", "yogurt", "spinach",
        "butter", "pasta", "orange juice", "paper towels", "cereal",
        "peanut butter", "onions", "garlic", "avocados", "strawberries",
        "ground beef", "salmon", "flour", "sugar", "tortillas", "lettuce",
        "dish soap", "almond milk", "bacon")),
    "food_type@dish": tuple(f"<{dish}>" for dish in (
        "pancakes", "lasagna", "banana bread", "chicken soup", "guacamole",
        "fried rice", "apple pie", "curry", "an omelette", "meatloaf",
        "chili", "mac and cheese", "pot roast", "tacos", "brownies",
        "chocolate chip cookies", "mashed potatoes", "risotto", "pad thai",
        "french toast", "beef stew", "clam chowder")),
    "food_type@takeaway": (
        "a <(pepperoni|margherita|veggie|hawaiian|) pizza>",
        "<(sushi|pad thai|tacos|chicken wings|fried chicken|pho|dumplings|"
        "a burrito|a burger and fries|orange chicken|a poke bowl|a gyro)>"),
    "meal_type": tuple(f"<{meal}>" for meal in (
        "breakfast", "lunch", "dinner", "dessert", "brunch", "supper")),
    "news_topic": tuple(f"<{topic}>" for topic in (
        "sports", "politics", "science", "technology", "business",
        "the stock market", "movies", "health", "world news", "the election",
        "climate change", "the nba", "the world cup", "space", "the economy",
        "celebrities", "local news")),
    "media_type": tuple(f"<{source}>" for source in (
        "the new york times", "the guardian", "c n n", "fox news",
        "b b c news", "reuters", "the washington post", "n b c",
        "the wall street journal", "a b c news", "npr", "usa today")),
    "transport_type": tuple(f"<{vehicle}>" for vehicle in (
        "train", "bus", "subway", "ferry", "tram", "flight", "commuter rail",
        "greyhound", "shuttle", "light rail")),
    "transport_type@taxi": tuple(f"an <{ride}>" if ride[0] in "aeiou"
                                 else f"a <{ride}>" for ride in (
        "taxi", "cab", "uber", "lyft", "uber x l", "black car")),
    "business_name": tuple(f"<{place}>" for place in (
        "pizza hut", "domino's", "mcdonald's", "burger king", "taco bell",
        "chipotle", "panda express", "five guys", "the golden dragon",
        "olive garden", "wendy's", "papa john's", "shake shack", "subway",
        "tony's pizzeria", "sakura sushi", "el rancho")),
    "currency_name": tuple(f"<{currency}>" for currency in (
        "dollar", "euro", "pound", "yen", "peso", "rupee", "swiss franc",
        "canadian dollar", "bitcoin", "yuan", "australian dollar", "won")),
    "currency_name@plural": tuple(f"<{currency}>" for currency in (
        "dollars", "euros", "pounds", "yen", "pesos", "rupees", "swiss francs",
        "canadian dollars", "bitcoin", "yuan", "australian dollars", "won")),
    "definition_word": tuple(f"<{word}>" for word in (
        "serendipity", "ubiquitous", "ephemeral", "resilience", "empathy",
        "procrastination", "algorithm", "photosynthesis", "inflation",
        "irony", "nostalgia", "paradigm", "quarantine", "gerrymandering",
        "mitochondria", "onomatopoeia", "entrepreneur", "hygge", "zeitgeist",
        "sarcasm", "metaphor", "cryptocurrency", "petrichor", "juxtaposition")),
    "joke_type": (
        "<(knock knock|dad|funny|dog|math|science|christmas|pirate|"
        "chicken|lawyer|bad|corny)>",),
}

TEMPLATES: dict[str, tuple[str, ...]] = {
    "alarm_set": (
        _PLEASE + "(set|make|create) an alarm (for|at) {time}( {date}|)",
        "wake me up (at|by) {time}( {date}| {timeofday}|)",
        "(set|put) an alarm {time@relative}",
        "i need an alarm (at|for) {time} {general_frequency}",
        "(set|schedule) a (wake up|morning) alarm for {time}",
        "alarm for {time}( {date}|)",
        "make sure i'm up (at|by) {time} {date}",
    ),
    "alarm_remove": (
        _PLEASE + "(cancel|delete|remove|turn off) (my|the) {time} alarm",
        "(cancel|delete|remove) (my|the) alarm (for|at) {time}( {date}|)",
        "(cancel|delete|clear|turn off) all (my|the) alarms( {date}|)",
        "i don't need (an|the|my) alarm {date}( anymore|)",
        "get rid of the alarm for {timeofday}",
    ),
    "alarm_query": (
        "what alarms (do i have|are set)( {date}| {timeofday}|)",
        "(is there|did i set) an alarm (for|at) {time}",
        "(show|list|tell) me (my|all my) alarms",
        "when is my (next|first) alarm( {date}|)",
        "what time is my alarm {date}",
        "what time did i set my alarm for {date@bare}",
        "check my alarms( for {timeofday}|)",
    ),
    "weather_query": (
        "what's the weather (like |going to be like |)(in {place_name} |)"
        "({date}|{timeofday})",
        "(will it|is it going to) {weather_descriptor} (in {place_name} |)"
        "({date}|{timeofday})",
        "do i need {weather_descriptor@gear} {date}",
        "should i (bring|take|wear) {weather_descriptor@gear} ({date}|{timeofday})",
        "what's the (forecast|temperature) (for|in) {place_name}( {date}|)",
        "how (hot|cold|warm) (is it|will it be) (in {place_name} |){date}",
        "what about {date}",
    ),
    "iot_hue_lighton": (
        _PLEASE + "turn on the lights in {house_place}",
        "(turn|switch) the {house_place@bare} lights on",
        "lights on in {house_place}",
        "(turn|switch) on the {house_place@bare} (light|lights|lamp)",
        "i need some light in {house_place}",
    ),
    "iot_hue_lightoff": (
        _PLEASE + "turn off the lights in {house_place}",
        "(turn|switch|shut) the {house_place@bare} lights off",
        "lights off( in {house_place}|)",
        "(turn|switch) off the {house_place@bare} (light|lights|lamp)",
        "(kill|cut) the lights in {house_place}",
        "it's too bright in {house_place}",
    ),
    "iot_hue_lightdim": (
        _PLEASE + "dim the lights in {house_place}( {change_amount}|)",
        "(dim|lower) the {house_place@bare} lights {change_amount}",
        "(turn|bring) the lights (in {house_place} |)down {change_amount}",
        "make the lights (dimmer|softer|less bright)( in {house_place}|)",
        "turn it down",
    ),
    "iot_hue_lightchange": (
        _PLEASE + "(change|make|turn) the lights in {house_place} {color_type}",
        "set the {house_place@bare} lights to {color_type}",
        "change the light color to {color_type}",
        "(make|turn) the lights {color_type}( in {house_place}|)",
        "i want {color_type} light in {house_place}",
    ),
    "iot_wemo_on": (
        _PLEASE + "(turn|switch) on {device_type}( in {house_place}|)",
        "(turn|switch|power) {device_type} on",
        "start {device_type}( {time@relative}|)",
        "(can you |)get {device_type} going",
        "plug in {device_type}",
    ),
    "iot_wemo_off": (
        _PLEASE + "(turn|switch) off {device_type}( in {house_place}|)",
        "(turn|switch|power|shut) {device_type} off",
        "stop {device_type}( {time@relative}|)",
        "unplug {device_type}",
        "cut the power to {device_type}",
    ),
    "iot_cleaning": (
        _PLEASE + "(start|run|turn on) {device_type@cleaner}",
        "(vacuum|clean) {house_place}( {date}|)",
        "send {device_type@cleaner} to {house_place}",
        "(have|let) {device_type@cleaner} clean {house_place}",
        "the floor in {house_place} is dirty",
        "schedule {device_type@cleaner} (for|at) {time}",
    ),
    "audio_volume_up": (
        _PLEASE + "turn (the volume|the music|it) up( {change_amount}|)",
        "(increase|raise) the volume( {change_amount}|)",
        "(louder|a bit louder|louder please)",
        "i can't hear (it|the music|that)",
        "volume up( {change_amount}|)",
    ),
    "audio_volume_down": (
        _PLEASE + "turn (the volume|the music) down( {change_amount}|)",
        "(decrease|lower|reduce) the volume( {change_amount}|)",
        "(quieter|a bit quieter|not so loud)",
        "it's (too loud|way too loud)",
        "volume down( {change_amount}|)",
        "turn it down",
    ),
    "audio_volume_mute": (
        _PLEASE + "mute (the speaker|the sound|yourself|the music|)",
        "(be quiet|quiet|silence|shush|hush)",
        "(stop|pause) talking",
        "turn off the sound",
        "(turn off|mute) the (sound|speaker) {timeofday}",
        "mute (the speaker|the music|the sound|everything) in {house_place}",
        "(mute|silence) (everything|the speaker|notifications) until {time}",
    ),
    "play_music": (
        _PLEASE + "play (some |)({music_genre}|music by {artist_name}|songs by "
        "{artist_name})( in {house_place}|)",
        "(play|put on|shuffle) {playlist_name}",
        "i want to (hear|listen to) (some |)({music_genre}|{artist_name})",
        "play the (latest|new|best) (album|song|single) (by|from) {artist_name}",
        "(put on|play) something (like {artist_name}|relaxing|upbeat)",
        "play {artist_name}",
    ),
    "play_radio": (
        _PLEASE + "(play|put on|turn on|tune in to) {radio_name}",
        "(switch|change) (to|the station to) {radio_name}",
        "i want to listen to (the radio|{radio_name})",
        "(play|find) a {music_genre} (radio station|station)",
        "turn on the radio( in {house_place}|)",
    ),
    "play_podcasts": (
        _PLEASE + "play {podcast_descriptor}",
        "(resume|continue) {podcast_descriptor}",
        "play the (latest|next|last) episode of {podcast_descriptor@show}",
        "i want to listen to {podcast_descriptor}",
        "(find|play) (me |)a podcast about {news_topic}",
        "skip to the next episode",
    ),
    "calendar_set": (
        _PLEASE + "(add|put|schedule) (a|my) {event_name} (on my calendar |)"
        "{date}( at {time}|)",
        "(create|set up) (an event|a meeting|an appointment) (with {person} |)"
        "{date} at {time}",
        "remind me (about|of) (my|the) {event_name} {date}",
        "(book|block) {time} {date} for (my|the) {event_name}",
        "i have (a|my) {event_name} {date} at {time}",
        "remind me to call ({person}|{relation}) {date}( at {time}|)",
    ),
    "calendar_query": (
        "what's on my (calendar|schedule|agenda) ({date}|{timeofday})",
        "(do i have|is there) anything (planned|scheduled|on) ({date}|{timeofday})",
        "when is my {event_name}",
        "(what time|when) is (the|my) {event_name} {date}",
        "(am i|are we) (free|busy) {date}( at {time}|)",
        "(show|read) me my (meetings|appointments|events) {date}",
        "what about {date}",
    ),
    "calendar_remove": (
        _PLEASE + "(cancel|delete|remove) (my|the) {event_name}( {date}|)",
        "(clear|wipe) my (calendar|schedule) ({date}|{timeofday})",
        "(take|remove) the {event_name} off my calendar",
        "i'm not going to the {event_name} {date}",
        "(cancel|delete) (all my|my) (meetings|appointments|events) {date}",
    ),
    "lists_createoradd": (
        _PLEASE + "(add|put) {food_type} (to|on) (my|the) {list_name} list",
        "(add|put) {food_type} and {food_type} (to|on) (my|the) {list_name} list",
        "(create|make|start) a (new |){list_name} list",
        "i need {food_type}( put it on the {list_name} list|)",
        "we're out of {food_type}",
        "remember to (buy|get) {food_type}",
    ),
    "lists_remove": (
        _PLEASE + "(remove|delete|take) {food_type} (from|off) (my|the) "
        "{list_name} list",
        "(cross|check) {food_type} off( my {list_name} list|)",
        "(delete|clear) (everything on |all items from |)(my|the) {list_name} list",
        "i already (bought|got) (the |){food_type}",
        "we don't need {food_type} anymore",
    ),
    "lists_query": (
        "what's on (my|the) {list_name} list",
        "(read|show|tell) me (my|the) {list_name} list",
        "(is|are) {food_type} on (my|the) {list_name} list",
        "what (lists|to do lists) do i have",
        "how many (items|things) are on (my|the) {list_name} list",
        "did i (add|put) {food_type} on (my|the) {list_name} list",
    ),
    "cooking_recipe": (
        _PLEASE + "(find|give me|show me) a recipe for {food_type@dish}",
        "how do (i|you) (make|cook|bake) {food_type@dish}",
        "what can i (make|cook) (for {meal_type}|with {food_type})",
        "(what do i need|which ingredients do i need) (for|to make) {food_type@dish}",
        "how long (do i|should i) (bake|cook|boil) {food_type@dish}",
        "(give me|suggest) (a|an easy|a quick|a healthy) {meal_type} idea",
    ),
    "news_query": (
        _PLEASE + "(tell me|give me|read me) the (latest|top|) "
        "(news|headlines) (about|on) {news_topic}",
        "what's (new|happening) (in|with) {news_topic}( {date}|)",
        "what (does {media_type} say|is {media_type} reporting)( about {news_topic}|)",
        "(read|play) (me |)the headlines from {media_type}",
        "any (news|updates) (on|about) {news_topic}( {date}|)",
        "what's the news {date}",
    ),
    "datetime_query": (
        "what time is it( in {place_name}|)",
        "what's the (date|day) {date}",
        "what (day|date) is it( {date}|)",
        "what's the time (in|over in) {place_name}",
        "is it (morning|night|daytime) in {place_name} right now",
        "what day of the week is {date@bare}",
    ),
    "transport_query": (
        "when is the next {transport_type} to {place_name}( {date}|)",
        "how (long|far) is the {transport_type} (ride|trip) to {place_name}",
        "is the {transport_type} (running|on time|delayed)( {timeofday}|)",
        "how do i get to {place_name@destination}( by {transport_type}|)",
        "what time does the {transport_type} (leave|arrive) {date}",
        "(show me|check) the {transport_type} schedule (to|for) {place_name}",
        "get me to {place_name@destination}",
    ),
    "transport_ticket": (
        _PLEASE + "(book|buy|get) (me |)a {transport_type} ticket to {place_name}"
        "( {date}|)",
        "i need (a ticket|two tickets|three tickets|tickets) (for|on) the "
        "{transport_type} to {place_name}( at {time}|)",
        "reserve a seat on the {transport_type} to {place_name} {date}",
        "(book|buy) (a round trip|a one way|a return) ticket to {place_name}",
        "how much is a {transport_type} ticket to {place_name}",
    ),
    "transport_taxi": (
        _PLEASE + "(call|get|book|order) (me |)(a ride|{transport_type@taxi})"
        "( to {place_name@destination}|)",
        "i need {transport_type@taxi}( at {time}| {time@relative}|)",
        "(book|schedule) {transport_type@taxi} (for|at) {time}( {date}|)",
        "how far away is my (ride|driver|taxi|uber)",
        "get me to {place_name@destination}",
        "i need a ride to {place_name@destination}",
    ),
    "email_sendemail": (
        _PLEASE + "(send|write) (an email|a mail|an e mail) to ({person}|{relation})",
        "email ({person}|{relation})( that i'm running late| about the {event_name}|)",
        "(reply|respond) to the (email|message) from ({person}|{relation})",
        "(forward|send) (this|that) email to ({person}|{relation})",
        "draft an email to ({person}|{relation}) about the {event_name}",
    ),
    "email_query": (
        "(do i have|did i get|are there) (any |)new emails( from {person}| from "
        "{relation}|)",
        "(check|read) my (email|emails|inbox)( from {date}|)",
        "(what did|did) ({person}|{relation}) (email|write|send) me",
        "(read|open) the (latest|last) email from ({person}|{relation})",
        "how many unread emails do i have",
    ),
    "takeaway_order": (
        _PLEASE + "order (me |us |){food_type@takeaway} from {business_name}",
        "i want to order {food_type@takeaway}( for {meal_type}|)",
        "(get|order) {meal_type} from {business_name}",
        "(place an order|order delivery) (from|at) {business_name}",
        "can i get {food_type@takeaway} delivered( {time@relative}|)",
        "reorder my last (order|meal) from {business_name}",
    ),
    "qa_definition": (
        "what does {definition_word} mean",
        "what is the meaning of {definition_word}",
        "(define|explain) {definition_word}",
        "what's the definition of {definition_word}",
        "(how do you spell|spell) {definition_word}",
        "give me (a synonym|another word) for {definition_word}",
    ),
    "qa_currency": (
        "how much is (a|one) {currency_name} (in|worth in) {currency_name@plural}",
        "what's the exchange rate (between|from|for) the {currency_name} "
        "(and|to) the {currency_name}",
        "(convert|change) (ten|fifty|a hundred|two hundred|a thousand) "
        "{currency_name@plural} (to|into) {currency_name@plural}",
        "how is the {currency_name} doing( against the {currency_name}|)",
        "(what's|tell me) the {currency_name} (exchange rate|rate)( {date}|)",
    ),
    "general_joke": (
        _PLEASE + "tell me a {joke_type} joke",
        "(do you know|have you got) (any|a few) (good |){joke_type} jokes",
        "make me laugh",
        "i (want|need) (a|another) (joke|{joke_type} joke)",
        "(say|tell me) something funny",
    ),
    "recommendation_events": (
        "(are there|find|show me) (any |)({event_name@public}|events|things to do) "
        "(in|near) {place_name}( {date}|)",
        "what's (happening|going on) (in {place_name} |){date}",
        "(recommend|suggest) (some |){event_name@public} {date}",
        "where can i (find|see) {event_name@public}( {date}|)",
        "any good {event_name@public} (around here|nearby|in town) {date}",
    ),
}
