"""atm_jax: pretrain, distil and fine-tune multilingual encoders in JAX/Flax."""
