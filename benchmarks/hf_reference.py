"""Hugging Face PyTorch `BertForMaskedLM` train step with an atm_jax config.

The reference that `compare_hf.py` times atm_jax against: same shape, same
masking rule, AdamW with the same hyper-parameters, weight-decay mask,
warm-up + linear decay schedule and global-norm clipping as
`atm_jax.trainer.optimizer`. Two heads:

- `stock`: `BertForMaskedLM(input_ids, labels=...)` as users call it; it
  computes vocabulary logits at every position (labels -100 where unmasked).
- `gathered`: `model.bert`, then the hidden states of the masked positions
  only, then `model.cls` on them: the same work atm_jax's MLM head does.

With `config.dtype` bfloat16 the forward and loss run under
`torch.autocast("cpu", torch.bfloat16)`, PyTorch's own mixed precision:
float32 weights, bf16 matmuls.

What BERT cannot match: it is post-LayerNorm (the students are pre-LN: one
more LayerNorm at the end, same FLOPs otherwise), and it always has a
token-type embedding (one row here, added to every token).
"""
import dataclasses

import torch
import transformers

from atm_jax.models.config import EncoderConfig
from atm_jax.models.masking import MaskingConfig
from atm_jax.trainer.optimizer import OptimizerConfig
from atm_jax.vocab import special_tokens

HEADS = ("stock", "gathered")


def bert_config(config: EncoderConfig) -> transformers.BertConfig:
  """The BertConfig with `config`'s shape, dropout off, exact GELU."""
  return transformers.BertConfig(
      vocab_size=config.vocab_size, hidden_size=config.embed_dim,
      num_hidden_layers=config.num_layers,
      num_attention_heads=config.num_heads,
      intermediate_size=config.mlp_dim, hidden_act="gelu",
      hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0,
      max_position_embeddings=config.max_length, type_vocab_size=1,
      layer_norm_eps=config.layer_norm_epsilon, tie_word_embeddings=True,
      pad_token_id=special_tokens.PAD_ID)


def adamw(model: torch.nn.Module, config: OptimizerConfig, total_steps: int):
  """AdamW + schedule like atm_jax's: no decay on biases and norms."""
  decayed, plain = [], []
  for name, parameter in model.named_parameters():
    (plain if name.endswith("bias") or "LayerNorm" in name
     else decayed).append(parameter)
  optimizer = torch.optim.AdamW(
      [{"params": decayed, "weight_decay": config.weight_decay},
       {"params": plain, "weight_decay": 0.0}],
      lr=config.peak_learning_rate, betas=(config.b1, config.b2),
      eps=config.eps, foreach=True)
  warmup = max(config.warmup_steps, 1)
  decay = max(total_steps - config.warmup_steps, 1)

  def factor(step):
    if step < config.warmup_steps:
      return step / warmup
    return max(0.0, 1.0 - (step - config.warmup_steps) / decay)
  return optimizer, torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


def mask_tokens(tokens: torch.Tensor, masking: MaskingConfig,
                generator: torch.Generator):
  """(inputs, positions [B, P], targets [B, P]): P = max_predictions, 80/10/10
  replacement, as atm_jax's on-device masking does (all rows full)."""
  batch, length = tokens.shape
  predictions = masking.max_predictions(length)
  scores = torch.rand(tokens.shape, generator=generator)
  scores[tokens < masking.num_special] = -1.0
  positions = scores.topk(predictions, dim=1).indices
  targets = tokens.gather(1, positions)
  action = torch.rand(positions.shape, generator=generator)
  random_ids = torch.randint(masking.num_special, masking.vocab_size,
                             positions.shape, generator=generator)
  replaced = torch.where(
      action < masking.mask_token_rate, masking.mask_id,
      torch.where(action < masking.mask_token_rate + masking.random_token_rate,
                  random_ids, targets))
  inputs = tokens.scatter(1, positions, replaced)
  return inputs, positions, targets


@dataclasses.dataclass
class HfTrainStep:
  """One `BertForMaskedLM` training step per call, on fixed tokens."""

  config: EncoderConfig
  masking: MaskingConfig
  head: str
  optimizer_config: OptimizerConfig
  total_steps: int = 1000

  def __post_init__(self):
    torch.manual_seed(0)
    self.model = transformers.BertForMaskedLM(bert_config(self.config))
    self.model.train()
    self.optimizer, self.schedule = adamw(self.model, self.optimizer_config,
                                          self.total_steps)
    self.generator = torch.Generator().manual_seed(0)

  def loss(self, tokens: torch.Tensor) -> torch.Tensor:
    inputs, positions, targets = mask_tokens(tokens, self.masking,
                                             self.generator)
    if self.head == "stock":
      labels = torch.full_like(tokens, -100).scatter(1, positions, targets)
      return self.model(input_ids=inputs, labels=labels).loss
    hidden = self.model.bert(input_ids=inputs).last_hidden_state
    picked = hidden.gather(1, positions[..., None].expand(
        -1, -1, hidden.shape[-1]))
    logits = self.model.cls(picked)
    return torch.nn.functional.cross_entropy(logits.flatten(0, 1),
                                             targets.flatten())

  def __call__(self, tokens: torch.Tensor) -> float:
    self.optimizer.zero_grad(set_to_none=True)
    with torch.autocast("cpu", dtype=torch.bfloat16,
                        enabled=self.config.dtype == "bfloat16"):
      loss = self.loss(tokens)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(self.model.parameters(),
                                   self.optimizer_config.clip_norm)
    self.optimizer.step()
    self.schedule.step()
    return loss.detach()

  def parameters(self) -> int:
    return sum(p.numel() for p in self.model.parameters())
