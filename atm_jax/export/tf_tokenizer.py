"""Text to model inputs inside a TensorFlow graph, as `atm_jax.predict` does
it in Python: words split at white space (or per character for the locales
MASSIVE annotates so), each word cut into SentencePiece pieces on its own (a
word with none becomes `<unk>`), `<cls>` pieces `</s>`, whole words past the
maximum length dropped, and each kept word's first piece indexed.

Only TensorFlow and tensorflow-text ops, so a SavedModel that holds this
needs nothing else to load.
"""
from __future__ import annotations

import tensorflow as tf
import tensorflow_text as tf_text

from atm_jax.data.nlu_features import length_bucket
from atm_jax.vocab import special_tokens

# Python's `str.isspace` characters (what `\\s` matches in `re`), for RE2.
WHITE_SPACE = r"[\t\n\x{0B}\f\r\x{1C}-\x{1F}\x{85}\pZ]"


def split_words(texts: tf.Tensor, characters: bool) -> tf.RaggedTensor:
  """[batch] strings -> [batch, (words)] strings."""
  if characters:
    chars = tf.strings.unicode_split(texts, "UTF-8")
    return tf.ragged.boolean_mask(
        chars, tf.logical_not(tf.strings.regex_full_match(chars, WHITE_SPACE)))
  words = tf_text.regex_split(texts, WHITE_SPACE + "+")
  # A leading white space leaves an empty first "word".
  return tf.ragged.boolean_mask(words, tf.strings.length(words) > 0)


def _pieces_or_unk(pieces: tf.RaggedTensor) -> tf.RaggedTensor:
  """[n, (pieces)] with every empty row replaced by `[<unk>]`."""
  lengths = pieces.row_lengths()
  dense = tf.concat([pieces.to_tensor(-1),
                     tf.fill([tf.shape(lengths)[0], 1], -1)], axis=1)
  first = tf.where(lengths > 0, dense[:, 0], special_tokens.UNK_ID)
  dense = tf.concat([first[:, None], dense[:, 1:]], axis=1)
  return tf.RaggedTensor.from_tensor(dense, lengths=tf.maximum(lengths, 1))


class Encoder(tf.Module):
  """Tokenizes a batch of texts into the model's four int32 inputs."""

  def __init__(self, sentencepiece_model: bytes, max_length: int,
               characters: bool):
    super().__init__()
    self.tokenizer = tf_text.SentencepieceTokenizer(
        model=sentencepiece_model, out_type=tf.int32)
    self.max_length = max_length
    self.characters = characters
    self.buckets = tf.constant(sorted({
        length_bucket(n, max_length) for n in range(1, max_length + 1)}),
                               tf.int32)

  def __call__(self, texts: tf.Tensor) -> tuple[dict, tf.RaggedTensor,
                                                 tf.Tensor]:
    """(inputs [batch, length bucket], the words, how many words of each
    row fit)."""
    words = split_words(texts, self.characters)
    flat = _pieces_or_unk(self.tokenizer.tokenize(words.flat_values))
    pieces = words.with_flat_values(flat)  # [batch, (words), (pieces)]
    counts = pieces.row_lengths(axis=2)  # [batch, (words)]
    ends = tf.cumsum(counts, axis=1)
    kept = ends <= self.max_length - 2
    kept_pieces = tf.ragged.boolean_mask(pieces, kept)
    body = kept_pieces.merge_dims(1, 2)
    batch = tf.shape(texts, out_type=tf.int64)[0]
    rows = tf.concat([
        tf.fill([batch, 1], special_tokens.CLS_ID), body,
        tf.fill([batch, 1], special_tokens.EOS_ID)], axis=1)
    # Padded to atm_jax.predict's length buckets: the model compiles once per
    # (batch size, bucket) instead of once per longest row.
    longest = tf.cast(tf.reduce_max(rows.row_lengths()), tf.int32)
    width = tf.reduce_min(tf.boolean_mask(self.buckets,
                                          self.buckets >= longest))
    tokens = rows.to_tensor(0, shape=tf.stack(
        [tf.cast(batch, tf.int32), width]))
    real = tf.cast(tokens > 0, tf.int32)
    positions = tf.cumsum(real, axis=1, exclusive=True) * real
    starts = 1 + tf.ragged.boolean_mask(ends - counts, kept)
    word_positions = tf.cast(
        starts.to_tensor(0, shape=tf.shape(tokens, out_type=tf.int64)),
        tf.int32)
    inputs = {"tokens": tokens, "segment_ids": real, "positions": positions,
              "word_positions": word_positions}
    return inputs, words, tf.cast(kept_pieces.row_lengths(), tf.int32)
