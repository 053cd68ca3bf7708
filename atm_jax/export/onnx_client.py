"""Runs an ONNX export of an intent and slot model with no atm_jax and no JAX.

`atm_jax.export --format=onnx` copies this file into the export as
`predict_onnx.py`; it needs only numpy, sentencepiece and onnxruntime:

    import predict_onnx
    model = predict_onnx.Model("EXPORT_DIR")
    model(["wake me up at seven am"])  # [{"text", "intent", ..., "slots"}]

or `python predict_onnx.py EXPORT_DIR < utterances.txt` (JSON lines out).

The graph holds the encoder and heads; this file does the tokenization the
graph cannot: words split at white space (or per character for the locales
MASSIVE annotates so), each word cut into SentencePiece pieces on its own,
`<cls>` pieces `</s>`, and the index of each word's first piece. Whole words
past the maximum length are dropped and get no slot, as in atm_jax.predict.
"""
from __future__ import annotations

import json
import os
import re
import sys

import numpy as np
import onnxruntime
import sentencepiece

_INPUTS = ("tokens", "segment_ids", "positions", "word_positions")


class Model:
  """An export folder, loaded once; call it on a list of utterances."""

  def __init__(self, export_dir: str, threads: int = 0):
    with open(os.path.join(export_dir, "serving.json"), encoding="utf-8") as f:
      self.spec = json.load(f)
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    self.session = onnxruntime.InferenceSession(
        os.path.join(export_dir, self.spec["onnx"]["model"]), options,
        providers=["CPUExecutionProvider"])
    self.pieces = sentencepiece.SentencePieceProcessor(
        model_file=os.path.join(export_dir, self.spec["vocabulary"]))
    self.words = re.compile(r"\S" if self.spec["split_characters"] else r"\S+")
    self.max_length = self.spec["max_length"]
    self.ids = self.spec["special_ids"]

  def encode(self, texts: list[str]
             ) -> tuple[dict, list[list[re.Match]], list[int]]:
    """The graph's inputs for a batch, padded to its longest row, each
    text's words (as matches, for their offsets) and how many of them fit."""
    rows, words = [], []
    for text in texts:
      matches = list(self.words.finditer(text))
      tokens, starts = [self.ids["cls"]], []
      for match in matches:
        pieces = self.pieces.encode(match.group()) or [self.ids["unk"]]
        if len(tokens) + len(pieces) > self.max_length - 1:
          break
        starts.append(len(tokens))
        tokens.extend(pieces)
      rows.append((tokens + [self.ids["eos"]], starts))
      words.append(matches)
    length = max(len(tokens) for tokens, _ in rows)
    arrays = {name: np.zeros((len(rows), length), np.int32) for name in _INPUTS}
    for row, (tokens, starts) in enumerate(rows):
      arrays["tokens"][row, :len(tokens)] = tokens
      arrays["segment_ids"][row, :len(tokens)] = 1
      arrays["positions"][row, :len(tokens)] = np.arange(len(tokens))
      arrays["word_positions"][row, :len(starts)] = starts
    return arrays, words, [len(starts) for _, starts in rows]

  def run(self, texts: list[str]
          ) -> tuple[dict, list[list[re.Match]], list[int]]:
    """The graph's outputs by name (row `w` of `slot_logits` and `slot_ids`
    is word `w`), each text's words and how many of them fit."""
    inputs, words, kept = self.encode(texts)
    names = [output.name for output in self.session.get_outputs()]
    return dict(zip(names, self.session.run(None, inputs))), words, kept

  def __call__(self, texts: list[str]) -> list[dict]:
    outputs, words, kept = self.run(texts)
    intents, tags = self.spec["intents"], self.spec["slot_tags"]
    results = []
    for row, (text, matches) in enumerate(zip(texts, words)):
      # Words past the maximum length were not seen: no slot.
      row_tags = [tags[i] for i in outputs["slot_ids"][row][:kept[row]]]
      results.append({
          "text": text,
          "intent": intents[int(outputs["intent"][row])],
          "intent_score": round(float(outputs["intent_probability"][row]), 6),
          "slots": _slots(text, matches, row_tags)})
    return results


def _slots(text: str, matches: list[re.Match], tags: list[str]) -> list[dict]:
  """BIO tags as slots with their text and character offsets; an `I-` tag
  that does not continue its slot starts one."""
  slots: list[dict] = []
  for index, (match, tag) in enumerate(zip(matches, tags)):
    if tag == "O":
      continue
    name = tag[2:]
    if (tag.startswith("I-") and slots and slots[-1]["slot"] == name
        and slots[-1]["last_word"] == index - 1):
      slots[-1].update(end=match.end(), last_word=index)
    else:
      slots.append({"slot": name, "start": match.start(), "end": match.end(),
                    "first_word": index, "last_word": index})
  return [{"slot": s["slot"], "text": text[s["start"]:s["end"]],
           "start": s["start"], "end": s["end"], "first_word": s["first_word"],
           "last_word": s["last_word"]} for s in slots]


if __name__ == "__main__":
  model = Model(sys.argv[1])
  lines = [line.rstrip("\n") for line in sys.stdin if line.strip()]
  for start in range(0, len(lines), 32):
    for result in model(lines[start:start + 32]):
      print(json.dumps(result, ensure_ascii=False))
