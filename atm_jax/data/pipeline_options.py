"""The tf.data options every batch stream shares, with the worker settings
a host can tune from gin.

Order is always deterministic: exact resume replays the same batches.
What may change with the host is how tf.data schedules its work. On a
2-core host, turning autotuning off gave the MLM stream about 1.25x the
positions a second (benchmarks/RESULTS.md, "Input pipeline"); on a
many-core accelerator host autotuning sizes the parallel stages, so it
stays on by default.
"""
import gin
import tensorflow as tf

from atm_jax.errors import UserError


@gin.configurable(module="atm_jax.data")
def pipeline_options(autotune: bool = True,
                     private_threads: int = 0) -> tf.data.Options:
  """Deterministic tf.data options.

  Args:
    autotune: let tf.data size its parallel stages and buffers as it runs.
    private_threads: a thread pool of this size for the pipeline alone
      (0: tf.data's shared pool).
  """
  if private_threads < 0:
    raise UserError(f"pipeline_options.private_threads must be 0 (tf.data's "
                    f"shared pool) or a thread count, got {private_threads}.")
  options = tf.data.Options()
  options.deterministic = True
  options.autotune.enabled = autotune
  if private_threads:
    options.threading.private_threadpool_size = private_threads
  return options
