"""Per-language templates and slot values of the in-domain NLU generator.

Each language module defines VALUES (value-list key -> value patterns) and
TEMPLATES (intent -> utterance patterns), written natively for that language;
`atm_jax.data.synthetic_nlu` explains the pattern syntax. Every language
covers the same intents, so models can be compared across locales.
"""
from atm_jax.data.synthetic_templates import de, en, es, fr

LOCALES = {"en-US": en, "de-DE": de, "fr-FR": fr, "es-ES": es}
