"""Vocabularies: the fixed special ids, training and loading SentencePiece
models, wrapping an imported checkpoint's tokenizer, and measuring the fit.

A leaf: it imports nothing else of atm_jax but `errors`, so `data/`,
`convert/` and the models can all use it. Importing the package is cheap;
SeqIO and TensorFlow load only with the modules that need them.
"""
