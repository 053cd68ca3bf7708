"""Data: vocabularies, readers, SeqIO plumbing and MLM masking.

Importing this package is cheap: TensorFlow and SeqIO are imported only by the
modules that need them.
"""
