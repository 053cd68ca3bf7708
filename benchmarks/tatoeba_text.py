"""The Tatoeba languages the input benchmarks read, and their vocabulary.

Shared by input_pipeline.py and input_blocks.py, so both read the same
files with the same 8,000-piece SentencePiece model.
"""
import glob
import os

from absl import flags

from atm_jax.vocab import vocabulary

_BENCHMARKS = os.path.dirname(os.path.abspath(__file__))

flags.DEFINE_string("data_dir", os.path.join(os.path.dirname(_BENCHMARKS), "..",
                                             "shared", "data", "tatoeba"),
                    "Folder of tatoeba.xxx-eng.xxx files.")
flags.DEFINE_list("languages", ["deu", "fra", "spa", "ita", "por", "jpn", "ara",
                                "hin", "tam", "tel"], "Language codes to read.")
flags.DEFINE_integer("vocab_size", 8000, "Pieces of the vocabulary trained first.")
FLAGS = flags.FLAGS


def text_glob() -> str:
  return os.path.join(FLAGS.data_dir, "tatoeba.*")


def language_files() -> list[str]:
  """The files of --languages, grouped by language in order."""
  groups = vocabulary.files_by_language(sorted(glob.glob(text_glob())),
                                        languages=FLAGS.languages)
  return [path for files in groups.values() for path in files]


def train_vocabulary(folder: str) -> str:
  """An 8,000-piece (--vocab_size) model over the files, in `folder`."""
  return vocabulary.train_sentencepiece(
      language_files(), FLAGS.vocab_size, os.path.join(folder, "spm.model"),
      alpha=0.3)
