"""Our fixed special ids land on the checkpoint's special rows."""
import pytest

from atm_jax.convert.special_ids import hf_ids_of_our_ids, our_ids_of_hf_ids
from atm_jax.errors import UserError
from atm_jax.vocab import special_tokens

BERT = {"pad": 0, "unk": 100, "cls": 101, "sep": 102, "mask": 103}
XLMR = {"cls": 0, "pad": 1, "sep": 2, "unk": 3, "mask": 249}


@pytest.mark.parametrize("roles,size", [(BERT, 30522), (XLMR, 250)])
def test_specials_first_every_row_kept_and_the_separator_twice(roles, size):
  hf_ids = hf_ids_of_our_ids(roles, size)
  assert hf_ids[special_tokens.PAD_ID] == roles["pad"]
  assert hf_ids[special_tokens.EOS_ID] == roles["sep"]
  assert hf_ids[special_tokens.UNK_ID] == roles["unk"]
  assert hf_ids[special_tokens.MASK_ID] == roles["mask"]
  assert hf_ids[special_tokens.CLS_ID] == roles["cls"]
  assert hf_ids[special_tokens.SEP_ID] == roles["sep"]
  assert len(hf_ids) == size + 1
  assert sorted(hf_ids.tolist()) == sorted([*range(size), roles["sep"]])


def test_ordinary_ids_keep_their_number():
  hf_ids = hf_ids_of_our_ids(BERT, 30522)
  kept = [i for i in range(6, 30522) if i not in BERT.values()]
  assert (hf_ids[kept] == kept).all()
  # The displaced [unused] rows fill the places the specials left.
  assert hf_ids[100:104].tolist() == [1, 2, 3, 4]
  assert hf_ids[-1] == 5


def test_inverse_sends_the_separator_to_eos():
  hf_ids = hf_ids_of_our_ids(BERT, 30522)
  ours = our_ids_of_hf_ids(hf_ids)
  assert ours[102] == special_tokens.EOS_ID
  assert ours[101] == special_tokens.CLS_ID
  everything_but_sep = [i for i in range(len(hf_ids)) if i != special_tokens.SEP_ID]
  assert (ours[hf_ids[everything_but_sep]] == everything_but_sep).all()


def test_missing_or_foreign_special_tokens_are_refused():
  with pytest.raises(UserError, match="no mask"):
    hf_ids_of_our_ids({k: v for k, v in BERT.items() if k != "mask"}, 30522)
  with pytest.raises(UserError, match="outside"):
    hf_ids_of_our_ids(dict(BERT, mask=40000), 30522)
