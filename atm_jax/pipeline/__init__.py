"""The paper's pipeline: stages of ordinary training and evaluation runs
(vocabulary, Stage 1 and 2 teachers, distilled and baseline students,
fine-tuning, evaluation, XNLI) under one work directory, and its report."""
