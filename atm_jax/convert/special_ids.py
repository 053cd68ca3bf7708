"""Mapping a checkpoint's token ids onto atm_jax's fixed special ids.

Our data pipeline writes pad 0, eos 1, unk 2, mask 3, cls 4 and sep 5 (see
`atm_jax.vocab.special_tokens`); a public checkpoint keeps its own ids (BERT's
[CLS] is 101). Rather than teach the pipeline other ids, the converter
reorders the embedding rows (and the MLM output bias): our id i reads the
checkpoint's row `hf_ids[i]`. Our special ids get the checkpoint's special
rows, the checkpoint ids they push out take the places those rows left, and
every other id keeps its number. eos and sep both mean the checkpoint's
separator (BERT ends a sentence with [SEP], RoBERTa with </s>), so that row
appears twice and the converted vocabulary is one id longer.
"""
from __future__ import annotations

import numpy as np

from atm_jax.errors import UserError
from atm_jax.vocab import special_tokens

# Our special id -> the role of the checkpoint token it must read.
ROLES = {
    special_tokens.PAD_ID: "pad",
    special_tokens.EOS_ID: "sep",
    special_tokens.UNK_ID: "unk",
    special_tokens.MASK_ID: "mask",
    special_tokens.CLS_ID: "cls",
    special_tokens.SEP_ID: "sep",
}


def hf_ids_of_our_ids(role_ids: dict[str, int], hf_vocab_size: int) -> np.ndarray:
  """`hf_ids[i]`: the checkpoint id (embedding row) that our id i stands for.

  `role_ids` gives the checkpoint id of each role in ROLES. Every checkpoint
  id appears at least once, so nothing of the checkpoint is lost.
  """
  missing = sorted(set(ROLES.values()) - set(role_ids))
  if missing:
    raise UserError(f"The tokenizer has no {', '.join(missing)} token; the "
                    "converter needs pad, unk, mask, cls and sep tokens.")
  for role, hf_id in role_ids.items():
    if not 0 <= hf_id < hf_vocab_size:
      raise UserError(f"The tokenizer's {role} token has id {hf_id}, outside "
                      f"the checkpoint's {hf_vocab_size} embedding rows; the "
                      "tokenizer does not belong to this checkpoint.")
  num_special = len(ROLES)
  specials = [role_ids[ROLES[i]] for i in range(num_special)]
  hf_ids = list(range(max(hf_vocab_size, num_special)))[:hf_vocab_size]
  hf_ids[:num_special] = specials
  taken = set(specials)
  displaced = [i for i in range(min(num_special, hf_vocab_size))
               if i not in taken]
  vacated = sorted(i for i in taken if i >= num_special)
  for place in vacated:
    hf_ids[place] = displaced.pop(0)
  hf_ids.extend(displaced)
  return np.asarray(hf_ids, np.int32)


def our_ids_of_hf_ids(hf_ids: np.ndarray) -> np.ndarray:
  """The inverse map; a checkpoint id that appears twice gets the smaller of
  our ids (the separator becomes eos, which ends our sequences)."""
  ours = np.full(int(hf_ids.max()) + 1, -1, np.int32)
  for our_id in range(len(hf_ids) - 1, -1, -1):
    ours[hf_ids[our_id]] = our_id
  return ours
