"""SeqIO task over plain text files, one sentence per line, for MLM pretraining.

Registration is a function (called from gin) rather than an import side effect,
because the files and the vocabulary are only known once a run is configured.
"""
import functools

import gin
import seqio
import tensorflow as tf

from atm_jax.data import registry
from atm_jax.data.text_blocks import SHUFFLE_LINES, TextLineSource
from atm_jax.errors import UserError
from atm_jax.vocab.vocabulary import load_vocabulary



def _text_files(text_glob: str) -> list[str]:
  """Sorted, so every process and every resumed run sees the same line order."""
  files = sorted(tf.io.gfile.glob(text_glob))
  if not files:
    raise UserError(f"TEXT_GLOB {text_glob!r} matches no file; set TEXT_GLOB to "
                    "the text files to train on (one sentence per line).")
  return files


@gin.configurable
def register_text_mlm(
    text_glob: str = gin.REQUIRED,
    vocab_path: str = gin.REQUIRED,
    name: str = "text_mlm",
    validation_every: int = 100,
) -> registry.RegisteredTask:
  """Registers (or re-registers) the task `name` and returns it."""
  if validation_every < 2:
    raise UserError(f"validation_every={validation_every} leaves no training "
                    "lines; set it to 2 or more.")
  files = _text_files(text_glob)
  vocabulary = load_vocabulary(vocab_path)

  registry.reregister(
      seqio.TaskRegistry, name,
      source=TextLineSource(files, validation_every, key="text"),
      preprocessors=[
          functools.partial(seqio.preprocessors.rekey, key_map={"targets": "text"}),
          functools.partial(seqio.preprocessors.tokenize, copy_pretokenized=False),
          seqio.preprocessors.append_eos_after_trim,
      ],
      output_features={"targets": seqio.Feature(
          vocabulary, add_eos=True, dtype=tf.int32)},
      shuffle_buffer_size=SHUFFLE_LINES,
  )
  return registry.RegisteredTask(name, vocabulary)
