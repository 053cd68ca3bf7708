"""Where a pipeline's data comes from: generated on the spot, or a folder laid
out like the public data sets (Tatoeba, MASSIVE, XNLI)."""
import dataclasses
import json
import os

import gin

from atm_jax import fs
from atm_jax.data import synthetic, synthetic_nlu
from atm_jax.errors import UserError


@dataclasses.dataclass(frozen=True)
class PipelineData:
  """The paths every stage reads; stored in the stage record as a dict."""
  public_text_glob: str         # Stage 1: public text, one file per language
  in_domain_glob: str           # Stage 2: unlabelled in-domain utterances
  nlu_data_dir: str             # fine-tuning and test: intents and slots
  nlu_format: str               # "massive" or "jointbert"
  nlu_locale: str | None        # MASSIVE locale to keep
  xnli_dir: str | None          # XNLI dev/test TSVs; None skips XNLI
  description: str              # one line for the report


@gin.configurable
def generated_data(out_dir: str, seed: int = 0, public_lines: int = 20000,
                   train: int = 2000, dev: int = 300, test: int = 300,
                   unlabelled: int = 5000,
                   xnli_dir: str | None = None) -> PipelineData:
  """English public text and en-US MASSIVE-format data from the generators;
  `xnli_dir` adds an XNLI folder (dev/dev-<lang>.tsv) for the teachers."""
  public = synthetic.write_text_file(os.path.join(out_dir, "public", "en.txt"),
                                     public_lines, seed)
  sizes = {"train": train, "dev": dev, "test": test, "unlabelled": unlabelled}
  summary = synthetic_nlu.write_nlu_dataset(os.path.join(out_dir, "nlu"), seed,
                                            ["en-US"], sizes)["en-US"]
  return PipelineData(
      public_text_glob=public, in_domain_glob=summary["unlabelled"],
      nlu_data_dir=summary["jsonl"], nlu_format="massive", nlu_locale="en-US",
      xnli_dir=xnli_dir,
      description=(f"generated (seed {seed}): {public_lines} public English "
                   f"lines, {unlabelled} unlabelled and {train}/{dev}/{test} "
                   f"labelled en-US utterances, {summary['intents']} intents"))


@gin.configurable
def shared_data(out_dir: str, data_dir: str = gin.REQUIRED,
                locale: str = "en-US") -> PipelineData:
  """Tatoeba for Stage 1, MASSIVE `locale` train utterances (text only) for
  Stage 2, MASSIVE for fine-tuning and test, XNLI dev for the teachers."""
  tatoeba = os.path.join(data_dir, "tatoeba", "tatoeba.*")
  massive = os.path.join(data_dir, "massive", f"{locale}.jsonl")
  for pattern, what in ((tatoeba, "Tatoeba text"), (massive, "MASSIVE data")):
    if not fs.glob(pattern):
      raise UserError(f"DATA_DIR {data_dir!r} has no {what} at {pattern}; set "
                      "DATA_DIR to a folder laid out as tatoeba/, massive/ and "
                      "xnli/.")
  in_domain = os.path.join(out_dir, "in_domain", f"{locale}.txt")
  count = _write_train_utterances(massive, in_domain)
  xnli = os.path.join(data_dir, "xnli")
  return PipelineData(
      public_text_glob=tatoeba, in_domain_glob=in_domain,
      nlu_data_dir=massive, nlu_format="massive", nlu_locale=locale,
      xnli_dir=xnli if fs.isdir(xnli) else None,
      description=(f"{data_dir}: Tatoeba text, {count} MASSIVE {locale} train "
                   f"utterances as unlabelled in-domain text, MASSIVE {locale} "
                   "train/test for fine-tuning, XNLI dev"))


def _write_train_utterances(massive_path: str, out_path: str) -> int:
  """The `utt` of every train-partition record, one per line; never labels."""
  with fs.open(massive_path, encoding="utf-8") as f:
    records = [json.loads(line) for line in f if line.strip()]
  lines = [r["utt"] for r in records if r.get("partition") == "train"]
  if not lines:
    raise UserError(f"{massive_path} has no train-partition utterances; point "
                    "DATA_DIR at a MASSIVE file with a train partition.")
  fs.makedirs(os.path.dirname(out_path))
  with fs.open(out_path + ".tmp", "w", encoding="utf-8") as f:
    f.writelines(line + "\n" for line in lines)
  fs.replace(out_path + ".tmp", out_path)
  return len(lines)
