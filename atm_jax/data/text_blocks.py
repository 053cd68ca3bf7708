"""Training text read, tokenized, mixed and packed a block of lines at a time.

A SeqIO task handles one example per tf.data element, and each element costs
tens of microseconds in every stage (reading, splitting, tokenizing, mixing,
packing) however short the sentence: on a few CPU cores that caps the input
near a small model's step. The text tasks registered here (sources of
`TextLineSource`) can also be read for training in blocks: the same files,
the same train/validation split, the same tokens, trimming and EOS, and the
mixture's own rates, but each stage handles `block_lines` lines per element,
and `blocks_per_group` mixed blocks are shuffled together and packed at once
(`block_packing`). Evaluation still reads the task one example at a time.
"""
import dataclasses
import math
from collections.abc import Sequence

import gin
import seqio
import tensorflow as tf

from atm_jax.data.block_packing import pack_rows
from atm_jax.errors import UserError

# Lines are read in file order, so a large buffer is what mixes neighbouring
# text; the same number of lines as the tasks' own shuffle buffer.
SHUFFLE_LINES = 10_000


def _in_split(numbers: tf.Tensor, lines: tf.Tensor, split: str,
              validation_every: int) -> tf.Tensor:
  """Which of `lines` (line `numbers`, counting all files in order) belong
  to `split`: every `validation_every`-th line is validation, the others
  train, and empty lines neither."""
  in_validation = tf.equal(numbers % validation_every, 0)
  in_split = (in_validation if split == "validation"
              else tf.logical_not(in_validation))
  return tf.logical_and(in_split,
                        tf.strings.length(tf.strings.strip(lines)) > 0)


def lines_of_split(files: Sequence[str], split: str,
                   validation_every: int) -> tf.data.Dataset:
  """The lines of `split`, one per element (see `_in_split`)."""
  lines = tf.data.TextLineDataset(list(files)).enumerate().filter(
      lambda index, line: _in_split(index, line, split, validation_every))
  return lines.map(lambda _, line: line)


class TextLineSource(seqio.FunctionDataSource):
  """Text files, one example per line, as a SeqIO source: `{key: line}` plus
  `constants` (e.g. the language) per example; `training_blocks` reads the
  same training lines a block at a time."""

  def __init__(self, files: Sequence[str], validation_every: int,
               key: str = "targets", constants: dict | None = None):
    self.files = list(files)
    self.validation_every = validation_every
    self.key = key
    self.constants = dict(constants or {})
    super().__init__(self._examples, splits=("train", "validation"))

  def _examples(self, split: str, shuffle_files: bool,
                seed: int | None = None) -> tf.data.Dataset:
    del shuffle_files, seed  # Fixed order: the split depends on it.
    return lines_of_split(self.files, split, self.validation_every).map(
        lambda line: {self.key: line, **self.constants})

  def training_blocks(self, block_lines: int) -> tf.data.Dataset:
    """One epoch of the training lines as string vectors, block by block
    (a block holds at most `block_lines` lines; fewer where validation
    lines and empty ones were left out)."""
    def keep(index: tf.Tensor, lines: tf.Tensor) -> tf.Tensor:
      numbers = index * block_lines + tf.range(tf.size(lines, tf.int64))
      return tf.boolean_mask(lines, _in_split(numbers, lines, "train",
                                              self.validation_every))

    blocks = tf.data.TextLineDataset(self.files).batch(block_lines)
    return blocks.enumerate().map(keep)


@gin.configurable(module="atm_jax.data.text_blocks")
@dataclasses.dataclass(frozen=True)
class BlockSettings:
  """`block_lines`: lines per element when training reads text tasks (0
  reads them one example at a time, as SeqIO does); `blocks_per_group`:
  mixed blocks shuffled together and packed at once."""

  block_lines: int = 32
  blocks_per_group: int = 32

  def __post_init__(self):
    if self.block_lines < 0 or self.blocks_per_group < 1:
      raise UserError(
          f"BlockSettings(block_lines={self.block_lines}, blocks_per_group="
          f"{self.blocks_per_group}) is invalid; set block_lines to 0 (off) "
          "or more and blocks_per_group to 1 or more.")


def text_tasks(provider: seqio.DatasetProviderBase
               ) -> list[tuple[seqio.Task, float]] | None:
  """(task, rate) of each task `provider` mixes (itself, for a task), or
  None when one of them is not read from a `TextLineSource` or does not
  tokenize with SentencePiece (whose `encode_tf` takes a whole block; an
  imported checkpoint's vocabulary encodes one line at a time)."""
  if isinstance(provider, seqio.Mixture):
    weighted = [(task, provider.get_rate(task)) for task in provider.tasks]
  else:
    weighted = [(provider, 1.0)]
  if not all(_reads_in_blocks(task) for task, _ in weighted):
    return None
  return [(task, rate) for task, rate in weighted if rate > 0]


def _reads_in_blocks(task: seqio.Task) -> bool:
  vocabulary = task.output_features["targets"].vocabulary
  return (isinstance(task.source, TextLineSource)
          and isinstance(vocabulary, seqio.SentencePieceVocabulary))


def _tokenized(task: seqio.Task, lines: tf.Tensor,
               sequence_length: int) -> tf.RaggedTensor:
  """Tokens of each line, trimmed to leave room for EOS, then EOS: what
  the task's tokenize and append_eos_after_trim make of each line."""
  vocabulary = task.output_features["targets"].vocabulary
  tokens = tf.cast(vocabulary.encode_tf(lines), tf.int32)
  eos = tf.fill([tokens.nrows(), 1], tf.constant(vocabulary.eos_id, tf.int32))
  return tf.concat([tokens[:, :sequence_length - 1], eos], axis=1)


def _check_training_lines(task: seqio.Task) -> None:
  """Refuse a task without one training line: its blocks would all be
  empty, and filling a block from them would never end."""
  source = task.source
  found = source.training_blocks(1024).filter(lambda block: tf.size(block) > 0)
  if not any(True for _ in found.take(1)):
    raise UserError(
        f"Task {task.name!r} has no training line in {len(source.files)} "
        f"file(s) ({source.files[0]}, ...): every line is empty or held out "
        f"for validation (every {source.validation_every}th line); add text or "
        "raise validation_every.")


def training_rows(tasks: list[tuple[seqio.Task, float]], sequence_length: int,
                  seed: int, settings: BlockSettings) -> tf.data.Dataset:
  """Packed rows (`targets`, `targets_segment_ids`, `targets_positions`,
  int32 [sequence_length] each) of the tasks' training lines, mixed at
  their rates, repeated forever, in an order fixed by `seed`."""
  lines = settings.block_lines
  buffer = math.ceil(SHUFFLE_LINES / lines)
  streams = []
  for index, (task, _) in enumerate(tasks):
    _check_training_lines(task)
    blocks = task.source.training_blocks(lines)
    blocks = blocks.shuffle(buffer, seed=seed + index).repeat().rebatch(lines)
    streams.append(blocks.map(
        lambda block, task=task: _tokenized(task, block, sequence_length),
        num_parallel_calls=tf.data.AUTOTUNE))
  total = sum(rate for _, rate in tasks)
  mixed = tf.data.Dataset.sample_from_datasets(
      streams, weights=[rate / total for _, rate in tasks], seed=seed)

  def shuffle_and_pack(index: tf.Tensor, blocks: tf.RaggedTensor):
    examples = blocks.merge_dims(0, 1)
    noise = tf.random.stateless_uniform(
        [examples.nrows()], seed=tf.stack([tf.constant(seed, tf.int64),
                                           index]))
    return pack_rows(tf.gather(examples, tf.argsort(noise)), sequence_length)

  groups = mixed.batch(settings.blocks_per_group).enumerate()
  return groups.map(shuffle_and_pack,
                    num_parallel_calls=tf.data.AUTOTUNE).unbatch()
