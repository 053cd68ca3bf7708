"""Ids of the special pieces every atm_jax vocabulary reserves at the front."""

PAD_ID = 0
EOS_ID = 1
UNK_ID = 2
MASK_ID = 3
CLS_ID = 4
SEP_ID = 5
# Ids below this never appear as MLM random replacements or masking targets.
NUM_SPECIAL = 6

PAD_PIECE = "<pad>"
EOS_PIECE = "</s>"
UNK_PIECE = "<unk>"
MASK_PIECE = "<mask>"
CLS_PIECE = "<cls>"
SEP_PIECE = "<sep>"
