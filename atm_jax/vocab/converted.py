"""The tokenizer of an imported checkpoint as a SeqIO vocabulary with our ids.

A converted run keeps its tokenizer in `vocab/`: the checkpoint's own file,
unchanged (a SentencePiece model, or the `tokenizers` library's
tokenizer.json for WordPiece and byte-level BPE), and `vocabulary.json`, which
says which checkpoint id each of our ids stands for (see special_ids). The
wrapper encodes with the checkpoint's tokenizer and renumbers the ids, so
text gives the same embedding rows as in the original model while our fixed
special ids (pad 0, eos 1, unk 2, ...) hold.

It imports no models: `vocabulary.load_vocabulary` loads it.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Sequence

import numpy as np
import seqio
import tensorflow as tf

from atm_jax import fs
from atm_jax.errors import UserError
from atm_jax.vocab import special_tokens
from atm_jax.vocab.files import (DESCRIPTOR, descriptor_path,
                                         read_descriptor)


class _TokenizersBackend:
  """tokenizer.json through the `tokenizers` library: checkpoint ids."""

  def __init__(self, path: str):
    import tokenizers  # pylint: disable=g-import-not-at-top
    self.tokenizer = tokenizers.Tokenizer.from_file(path)
    # A saved tokenizer.json may pad or cut to a fixed length; our pipeline
    # does both itself.
    self.tokenizer.no_padding()
    self.tokenizer.no_truncation()

  def encode(self, text: str) -> list[int]:
    return self.tokenizer.encode(text, add_special_tokens=False).ids

  def decode(self, hf_ids: Sequence[int]) -> str:
    return self.tokenizer.decode(list(hf_ids), skip_special_tokens=True)


class _SentencePieceBackend:
  """A SentencePiece model whose piece ids are shifted into checkpoint ids."""

  def __init__(self, path: str, offset: int, unk: int):
    import sentencepiece  # pylint: disable=g-import-not-at-top
    with fs.open(path, "rb") as f:  # read through fs: it may be remote
      self.processor = sentencepiece.SentencePieceProcessor(
          model_proto=f.read())
    self.offset, self.unk = offset, unk
    self.pieces = self.processor.GetPieceSize()
    self.unk_piece = self.processor.unk_id()

  def encode(self, text: str) -> list[int]:
    return [self.unk if piece == self.unk_piece else piece + self.offset
            for piece in self.processor.EncodeAsIds(text)]

  def decode(self, hf_ids: Sequence[int]) -> str:
    pieces = [h - self.offset for h in hf_ids
              if h != self.unk and 0 <= h - self.offset < self.pieces]
    return self.processor.DecodeIds(
        [p for p in pieces if not self.processor.IsControl(p)])


class ConvertedVocabulary(seqio.Vocabulary):
  """SeqIO vocabulary over an imported tokenizer, in atm_jax's id numbering."""

  def __init__(self, path: str):
    super().__init__(extra_ids=0)
    found = descriptor_path(path)
    if found is None:
      raise UserError(f"{path} holds no {DESCRIPTOR}; give the vocab/ folder "
                      "of a run written by atm_jax.convert.hf.")
    self.path = found
    self._descriptor = read_descriptor(found)
    self.tokenizer_file = os.path.join(os.path.dirname(found),
                                       self._descriptor["tokenizer_file"])
    if not fs.isfile(self.tokenizer_file):
      raise UserError(f"{self.tokenizer_file}, named by {found}, is missing; "
                      "convert the checkpoint again.")
    hf_ids = np.arange(self._descriptor["size"], dtype=np.int32)
    for our_id, hf_id in self._descriptor["moved"]:
      hf_ids[our_id] = hf_id
    self.hf_ids = hf_ids
    self.our_ids = np.zeros(int(hf_ids.max()) + 1, np.int32)
    for our_id in range(len(hf_ids) - 1, -1, -1):
      self.our_ids[hf_ids[our_id]] = our_id

  @functools.cached_property
  def _backend(self):
    if self._descriptor["backend"] == "tokenizers":
      return _TokenizersBackend(self.tokenizer_file)
    return _SentencePieceBackend(self.tokenizer_file,
                                 self._descriptor["piece_offset"],
                                 self._descriptor["piece_unk"])

  def __getstate__(self):
    state = dict(self.__dict__)
    state.pop("_backend", None)  # rebuilt on first use after unpickling
    return state

  @property
  def eos_id(self) -> int:
    return special_tokens.EOS_ID

  @property
  def unk_id(self) -> int:
    return special_tokens.UNK_ID

  @property
  def _base_vocab_size(self) -> int:
    return len(self.hf_ids)

  def _encode(self, s: str) -> Sequence[int]:
    return self.our_ids[self._backend.encode(s)].tolist()

  def _decode(self, ids) -> str:
    """Text of the ids; special ids (pad, eos, cls, ...) give no text."""
    ids = [i for i in ids
           if special_tokens.NUM_SPECIAL <= i < len(self.hf_ids)]
    return self._backend.decode(self.hf_ids[ids].tolist())

  def _encode_tf(self, s: tf.Tensor) -> tf.Tensor:
    """A scalar string to int32 ids (through Python, as SeqIO's map calls it
    once per example)."""
    ids = tf.numpy_function(
        lambda text: np.asarray(
            self._encode(np.asarray(text).item().decode("utf-8")), np.int32),
        [s], tf.int32, stateful=False)
    return tf.ensure_shape(ids, [None])

  def _decode_tf(self, ids: tf.Tensor) -> tf.Tensor:
    def decode(batch: np.ndarray) -> np.ndarray:
      rows = batch.reshape(-1, batch.shape[-1]) if batch.ndim else batch[None]
      texts = [self._decode(row.tolist()).encode("utf-8") for row in rows]
      return np.asarray(texts, object).reshape(batch.shape[:-1])

    return tf.numpy_function(decode, [ids], tf.string, stateful=False)

  @functools.cached_property
  def fingerprint(self) -> str:
    """Equal for the same tokenizer file and id map, wherever they lie."""
    digest = hashlib.sha256(json.dumps(self._descriptor,
                                       sort_keys=True).encode())
    with fs.open(self.tokenizer_file, "rb") as f:
      digest.update(f.read())
    return digest.hexdigest()

  def __eq__(self, other) -> bool:
    return (isinstance(other, ConvertedVocabulary)
            and self.fingerprint == other.fingerprint)

  def __hash__(self) -> int:
    return hash(self.fingerprint)

  def __str__(self) -> str:
    return f"ConvertedVocabulary(path={self.path}, size={self.vocab_size})"
