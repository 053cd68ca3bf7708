"""Bringing a checkpoint folder's tokenizer into a run's `vocab/` folder.

The tokenizer decides which checkpoint ids are pad, unk, mask, cls and sep;
from those, special_ids numbers our ids, and the vocabulary wrapper
(convert.vocabulary) reads the result. Preference: XLM-R's SentencePiece
model as it is; else tokenizer.json; else BERT's vocab.txt, built into a
tokenizer.json with the `tokenizers` library's WordPiece.
"""
from __future__ import annotations

import os
import shutil
from typing import Any

import numpy as np

from atm_jax.convert import hf_config, special_ids
from atm_jax.convert.hf_config import HfModel
from atm_jax.errors import UserError
from atm_jax.vocab import files as vocab_files

SENTENCEPIECE_FILE = "sentencepiece.bpe.model"
TOKENIZER_JSON = "tokenizer.json"
VOCAB_TXT = "vocab.txt"
# Token strings of each role when the folder's tokenizer files do not say.
DEFAULT_TOKENS = {
    "bert": {"pad": "[PAD]", "unk": "[UNK]", "mask": "[MASK]", "cls": "[CLS]",
             "sep": "[SEP]"},
    "roberta": {"pad": "<pad>", "unk": "<unk>", "mask": "<mask>", "cls": "<s>",
                "sep": "</s>"},
}
# fairseq's numbering of XLM-R's SentencePiece model: these four first, then
# piece i at i + 1, and <mask> last.
_FAIRSEQ_SPECIALS = {"cls": 0, "pad": 1, "sep": 2, "unk": 3}
_FAIRSEQ_OFFSET = 1


def _json_or_empty(path: str) -> dict[str, Any]:
  return hf_config.load_json_object(path) if os.path.isfile(path) else {}


def _role_tokens(folder: str, family: str) -> dict[str, str]:
  """Token strings of the roles, from special_tokens_map.json or
  tokenizer_config.json when they name them."""
  tokens = dict(DEFAULT_TOKENS[family])
  for name in ("tokenizer_config.json", "special_tokens_map.json"):
    settings = _json_or_empty(os.path.join(folder, name))
    for role in tokens:
      value = settings.get(f"{role}_token")
      if isinstance(value, dict):
        value = value.get("content")
      if isinstance(value, str):
        tokens[role] = value
  return tokens


def _from_sentencepiece(folder: str, vocab_dir: str,
                        model: HfModel) -> np.ndarray:
  import sentencepiece  # pylint: disable=g-import-not-at-top
  source = os.path.join(folder, SENTENCEPIECE_FILE)
  try:
    pieces = sentencepiece.SentencePieceProcessor(
        model_file=source).GetPieceSize()
  except (OSError, RuntimeError) as error:
    raise UserError(f"{source} is not a SentencePiece model ({error}); "
                    "download it again.") from error
  expected = pieces + _FAIRSEQ_OFFSET + 1  # shifted pieces, then <mask>
  if expected != model.vocab_size:
    raise UserError(
        f"{source} has {pieces} pieces, which in XLM-R's numbering make "
        f"{expected} ids, but the checkpoint has {model.vocab_size}; the "
        "tokenizer does not belong to this checkpoint.")
  roles = dict(_FAIRSEQ_SPECIALS, mask=model.vocab_size - 1)
  hf_ids = special_ids.hf_ids_of_our_ids(roles, model.vocab_size)
  shutil.copyfile(source, os.path.join(vocab_dir, SENTENCEPIECE_FILE))
  vocab_files.write_descriptor(vocab_dir, "sentencepiece", SENTENCEPIECE_FILE,
                              hf_ids, piece_offset=_FAIRSEQ_OFFSET,
                              piece_unk=_FAIRSEQ_SPECIALS["unk"])
  return hf_ids


def _wordpiece_from_vocab_txt(folder: str):
  """BERT's vocab.txt as a `tokenizers` WordPiece tokenizer, with the
  casing that tokenizer_config.json gives."""
  import tokenizers  # pylint: disable=g-import-not-at-top
  settings = _json_or_empty(os.path.join(folder, "tokenizer_config.json"))
  lowercase = settings.get("do_lower_case", True)
  strip_accents = settings.get("strip_accents")
  return tokenizers.BertWordPieceTokenizer(
      os.path.join(folder, VOCAB_TXT), lowercase=lowercase,
      strip_accents=lowercase if strip_accents is None else strip_accents,
      handle_chinese_chars=settings.get("tokenize_chinese_chars", True))


def _from_tokenizers(folder: str, vocab_dir: str,
                     model: HfModel) -> np.ndarray:
  import tokenizers  # pylint: disable=g-import-not-at-top
  target = os.path.join(vocab_dir, TOKENIZER_JSON)
  source = os.path.join(folder, TOKENIZER_JSON)
  if os.path.isfile(source):
    try:
      tokenizer = tokenizers.Tokenizer.from_file(source)
    except Exception as error:  # the library raises a bare Exception
      raise UserError(f"{source} could not be read by the tokenizers library "
                      f"({error}); download it again.") from error
    shutil.copyfile(source, target)
  else:
    tokenizer = _wordpiece_from_vocab_txt(folder)
    tokenizer.save(target)
  roles = {}
  for role, token in _role_tokens(folder, model.family).items():
    hf_id = tokenizer.token_to_id(token)
    if hf_id is None:
      raise UserError(f"The tokenizer in {folder} has no {role} token "
                      f"{token!r}; the converter needs pad, unk, mask, cls "
                      "and sep tokens.")
    roles[role] = hf_id
  hf_ids = special_ids.hf_ids_of_our_ids(roles, model.vocab_size)
  vocab_files.write_descriptor(vocab_dir, "tokenizers", TOKENIZER_JSON, hf_ids)
  return hf_ids


def import_tokenizer(folder: str, vocab_dir: str, model: HfModel) -> np.ndarray:
  """Writes the run's vocab/ folder; returns `hf_ids` (see special_ids)."""
  os.makedirs(vocab_dir, exist_ok=True)
  has = lambda name: os.path.isfile(os.path.join(folder, name))
  if model.model_type == "xlm-roberta" and has(SENTENCEPIECE_FILE):
    return _from_sentencepiece(folder, vocab_dir, model)
  if has(TOKENIZER_JSON) or (model.family == "bert" and has(VOCAB_TXT)):
    return _from_tokenizers(folder, vocab_dir, model)
  wanted = {"bert": f"{TOKENIZER_JSON} or {VOCAB_TXT}",
            "roberta": f"{TOKENIZER_JSON} or {SENTENCEPIECE_FILE} (XLM-R)"}
  raise UserError(f"{folder} has no tokenizer ({wanted[model.family]}); save "
                  "the tokenizer beside the model with save_pretrained.")
