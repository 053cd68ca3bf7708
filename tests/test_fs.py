"""The filesystem layer: a local folder and TensorFlow's in-memory `ram://`
filesystem (a non-local one that works offline) behave the same, and the
readers and writers built on it work on both."""
import json
import os
import subprocess
import sys
import uuid

import pytest

from atm_jax import fs
from atm_jax.data import nlu_formats, synthetic, synthetic_nlu, xnli_tsv
from atm_jax.pipeline import records
from atm_jax.vocab import vocabulary


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _ram_root() -> str:
  return f"ram://fs-test-{uuid.uuid4().hex}"


@pytest.fixture(params=["local", "ram"])
def root(request, tmp_path) -> str:
  return str(tmp_path) if request.param == "local" else _ram_root()


def test_folders_files_and_listing(root):
  folder = os.path.join(root, "a", "b")
  fs.makedirs(folder)
  fs.makedirs(folder)  # already there: nothing
  assert fs.isdir(folder) and not fs.isfile(folder)
  for name in ("x.txt", "y.txt", "z.bin"):
    with fs.open(os.path.join(folder, name), "w") as f:
      f.write(name)
  assert fs.glob(os.path.join(folder, "*.txt")) == [
      os.path.join(folder, "x.txt"), os.path.join(folder, "y.txt")]
  assert sorted(fs.listdir(os.path.join(root, "a"))) == ["b"]
  assert sorted(fs.listdir(folder)) == ["x.txt", "y.txt", "z.bin"]
  assert fs.isfile(os.path.join(folder, "x.txt"))
  assert fs.size_and_mtime_ns(os.path.join(folder, "x.txt"))[0] == 5
  fs.remove(os.path.join(folder, "z.bin"))
  assert not fs.exists(os.path.join(folder, "z.bin"))
  fs.rmtree(os.path.join(root, "a"))
  assert not fs.exists(folder)


def test_text_and_bytes_read_write_append_replace(root):
  fs.makedirs(root)
  path = os.path.join(root, "notes.txt")
  with fs.open(path, "w", encoding="utf-8") as f:
    f.write("première ligne\n")
  with fs.open(path, "a", encoding="utf-8") as f:
    f.write("second\n")
    f.flush()  # visible before close, as metrics.jsonl needs
    with fs.open(path, encoding="utf-8") as reader:
      assert reader.read() == "première ligne\nsecond\n"
  with fs.open(path, "rb") as f:
    assert f.read() == "première ligne\nsecond\n".encode()
  with fs.open(path, encoding="utf-8") as f:
    assert list(f) == ["première ligne\n", "second\n"]
  moved = os.path.join(root, "moved.txt")
  fs.replace(path, moved)
  assert not fs.exists(path) and fs.exists(moved)


def test_missing_files_raise_the_local_errors(root):
  with pytest.raises(FileNotFoundError):
    fs.open(os.path.join(root, "missing.txt"))
  assert not fs.exists(os.path.join(root, "missing.txt"))
  assert fs.glob(os.path.join(root, "*.none")) == []


def test_replace_moves_a_local_file_onto_a_remote_one(tmp_path):
  local = tmp_path / "model.bin"
  local.write_bytes(b"\x00\x01")
  remote = os.path.join(_ram_root(), "model.bin")
  fs.makedirs(os.path.dirname(remote))
  fs.replace(str(local), remote)
  assert not local.exists()
  with fs.open(remote, "rb") as f:
    assert f.read() == b"\x00\x01"


def test_readers_and_writers_give_the_same_on_ram_as_on_disk(tmp_path):
  ram = _ram_root()
  for root in (str(tmp_path), ram):
    synthetic_nlu.write_nlu_dataset(os.path.join(root, "nlu"),
                                    locales=["en-US"])
    synthetic.write_text_file(os.path.join(root, "text", "en.txt"), 300)
    records.write_record(root, "stage", {"k": 1}, {"metric": 0.5}, 1.0)
  local_nlu = nlu_formats.read_massive(os.path.join(tmp_path, "nlu",
                                                    "en-US.jsonl"))
  assert nlu_formats.read_massive(os.path.join(ram, "nlu",
                                               "en-US.jsonl")) == local_nlu
  assert sum(len(split) for split in local_nlu.values()) > 0
  assert (records.read_record(ram, "stage", {"k": 1})
          == records.read_record(str(tmp_path), "stage", {"k": 1})
          is not None)
  assert (vocabulary.count_text_lines(os.path.join(ram, "text", "en.txt"))
          == vocabulary.count_text_lines(str(tmp_path / "text" / "en.txt"))
          == 300)


def test_xnli_pairs_read_from_ram():
  ram = _ram_root()
  path = xnli_tsv.tsv_path(ram, "dev", "fr")
  fs.makedirs(os.path.dirname(path))
  with fs.open(path, "w", encoding="utf-8") as f:
    f.write("Il pleut.\tLe sol est mouillé.\tentailment\n")
  assert xnli_tsv.eval_splits(ram) == ["dev"]
  [pair] = xnli_tsv.read_tsv(path)
  assert pair.premise == "Il pleut." and pair.label == 0


def test_a_vocabulary_trains_from_ram_into_ram(tmp_path):
  ram = _ram_root()
  text = os.path.join(ram, "text", "en.txt")
  synthetic.write_text_file(text, 2000)
  output = os.path.join(ram, "vocab", "spm.model")
  vocabulary.train_sentencepiece([text], 300, output)
  vocabulary.check_vocabulary(output)
  assert fs.isfile(output[:-len(".model")] + ".vocab")
  local = str(tmp_path / "spm.model")
  synthetic.write_text_file(str(tmp_path / "en.txt"), 2000)
  vocabulary.train_sentencepiece([str(tmp_path / "en.txt")], 300, local)
  remote, on_disk = (vocabulary.load_processor(p) for p in (output, local))
  # The same pieces (the model also records the temporary training file's
  # name, so the bytes differ).
  assert ([remote.id_to_piece(i) for i in range(remote.get_piece_size())]
          == [on_disk.id_to_piece(i) for i in range(on_disk.get_piece_size())])


def test_an_unreachable_remote_path_is_one_sentence(tmp_path):
  """`atm_jax.train` with a gs:// TEXT_GLOB the machine cannot reach: a proxy
  that refuses stands in for missing network or credentials, so the test does
  not depend on this machine's network; one retry keeps it short."""
  environment = dict(os.environ, https_proxy="http://127.0.0.1:9",
                     GCS_RETRY_CONFIG_MAX_RETRIES="1",
                     GCS_RETRY_CONFIG_INIT_DELAY_TIME_US="1000",
                     GCS_RETRY_CONFIG_MAX_DELAY_TIME_US="1000")
  text_glob = "gs://atm-jax-test-bucket/text/*.txt"
  result = subprocess.run(
      [sys.executable, "-m", "atm_jax.train",
       "--gin_file=gin_configs/experiments/pretrain_tiny.gin",
       f"--gin.MODEL_DIR='{tmp_path / 'run'}'",
       f"--gin.TEXT_GLOB='{text_glob}'"],
      cwd=ROOT, env=environment, capture_output=True, text=True,
      timeout=300)
  assert result.returncode == 2, result.stderr[-2000:]
  assert "Traceback" not in result.stderr
  line = result.stderr.strip().splitlines()[-1]
  assert line.startswith(f"error: TEXT_GLOB {text_glob} cannot be reached (")
  assert line.endswith("give this machine network access and credentials "
                       "for it (for gs://, GOOGLE_APPLICATION_CREDENTIALS or "
                       "`gcloud auth application-default login`), or use a "
                       "local path.")
  assert not (tmp_path / "run").exists()  # refused before any work


def _losses(model_dir) -> dict[int, float]:
  with open(os.path.join(model_dir, "metrics.jsonl")) as f:
    return {r["step"]: r["loss"] for r in map(json.loads, f)
            if r["split"] == "train"}


def test_training_reads_its_text_and_vocabulary_from_ram(tmp_path):
  """Pretraining with TEXT_GLOB and VOCAB_PATH on ram:// gives the losses of
  the same run on local files. MODEL_DIR stays local: orbax writes
  checkpoints through tensorstore, which knows gs:// but not ram://."""
  text = str(tmp_path / "text" / "en.txt")
  synthetic.write_text_file(text, 3000)
  train = [sys.executable, "-m", "atm_jax.train",
           "--gin_file=gin_configs/experiments/pretrain_tiny.gin",
           "--gin.TRAIN_STEPS=6", "--gin.BATCH_SIZE=8",
           "--gin.SEQUENCE_LENGTH=64", "--gin.VOCAB_SIZE=500",
           "--gin.TrainConfig.log_every=1", "--gin.TrainConfig.eval_every=0"]
  local_run = str(tmp_path / "local")
  result = subprocess.run(
      [*train, f"--gin.TEXT_GLOB='{text}'", f"--gin.MODEL_DIR='{local_run}'"],
      cwd=ROOT, capture_output=True, text=True, timeout=600)
  assert result.returncode == 0, result.stderr[-3000:]

  ram = _ram_root()
  vocab = os.path.join(local_run, "vocab", "spm.model")
  ram_run = str(tmp_path / "ram")
  result = subprocess.run(
      [sys.executable, os.path.join(ROOT, "tests", "remote_fs_worker.py"),
       f"{text}={ram}/text/en.txt", f"{vocab}={ram}/vocab/spm.model", "--",
       *train[2:], f"--gin.TEXT_GLOB='{ram}/text/*.txt'",
       f"--gin.VOCAB_PATH='{ram}/vocab/spm.model'",
       f"--gin.MODEL_DIR='{ram_run}'"],
      cwd=ROOT, capture_output=True, text=True, timeout=600)
  assert result.returncode == 0, result.stderr[-3000:]
  assert sorted(_losses(local_run)) == list(range(1, 7))
  assert _losses(ram_run) == _losses(local_run)
