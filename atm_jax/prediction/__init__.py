"""Raw utterances in, intents and slots out, from a fine-tuned run."""
