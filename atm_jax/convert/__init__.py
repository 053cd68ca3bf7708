"""Importing public encoder checkpoints (BERT, RoBERTa, XLM-R) as atm_jax runs."""
