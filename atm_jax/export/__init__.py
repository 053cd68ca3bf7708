"""Fine-tuned intent and slot models out of JAX: a TensorFlow SavedModel with
its tokenizer in the graph, or an ONNX graph with its SentencePiece file and
a small client (see `cli`)."""
