"""Pipeline data: generated on the spot, or read from a public-data folder."""
import glob
import json
import os

import pytest

from atm_jax.errors import UserError
from atm_jax.pipeline import data_sources

SHARED = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared",
                      "data")


def test_generated_data_writes_what_it_names(tmp_path):
  data = data_sources.generated_data(str(tmp_path), public_lines=50, train=40,
                                     dev=10, test=10, unlabelled=30)
  with open(data.public_text_glob, encoding="utf-8") as f:
    assert len(f.read().splitlines()) == 50
  with open(data.in_domain_glob, encoding="utf-8") as f:
    assert len(f.read().splitlines()) == 30
  with open(data.nlu_data_dir, encoding="utf-8") as f:
    assert len(f.read().splitlines()) == 60
  assert data.nlu_format == "massive" and data.xnli_dir is None


def _fake_shared(root) -> str:
  os.makedirs(root / "tatoeba")
  (root / "tatoeba" / "tatoeba.deu-eng.deu").write_text("Hallo.\n")
  os.makedirs(root / "massive")
  records = [{"utt": f"utterance {i}", "partition": p, "intent": "a_b",
              "annot_utt": f"utterance {i}", "locale": "en-US"}
             for i, p in enumerate(["train", "dev", "test", "train"])]
  (root / "massive" / "en-US.jsonl").write_text(
      "".join(json.dumps(r) + "\n" for r in records))
  return str(root)


def test_shared_data_keeps_only_train_utterances_as_in_domain_text(tmp_path):
  data_dir = _fake_shared(tmp_path / "shared")
  data = data_sources.shared_data(str(tmp_path / "out"), data_dir)
  with open(data.in_domain_glob, encoding="utf-8") as f:
    assert f.read().splitlines() == ["utterance 0", "utterance 3"]
  assert glob.glob(data.public_text_glob)
  assert data.xnli_dir is None


def test_shared_data_without_massive_names_the_folder(tmp_path):
  data_dir = _fake_shared(tmp_path / "shared")
  os.remove(os.path.join(data_dir, "massive", "en-US.jsonl"))
  with pytest.raises(UserError, match="has no MASSIVE data at .*en-US.jsonl"):
    data_sources.shared_data(str(tmp_path / "out"), data_dir)


@pytest.mark.skipif(not os.path.isdir(SHARED), reason="no shared data")
def test_shared_data_on_the_real_folder(tmp_path):
  data = data_sources.shared_data(str(tmp_path), SHARED)
  with open(data.in_domain_glob, encoding="utf-8") as f:
    assert len(f.read().splitlines()) == 11514
  assert len(glob.glob(data.public_text_glob)) >= 12
  assert data.xnli_dir and os.path.isdir(data.xnli_dir)
