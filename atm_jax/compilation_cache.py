"""JAX's persistent compilation cache, for commands that compile the same
step many times: the pipeline fine-tunes every model once per seed, and all
models of one shape compile to the same program, so each compiles once."""
import os

import jax


def use_compilation_cache(folder: str) -> str:
  """Keeps compiled programs in `folder` unless a cache is already chosen
  (JAX_COMPILATION_CACHE_DIR or jax.config); returns the folder in use."""
  chosen = (os.environ.get("JAX_COMPILATION_CACHE_DIR")
            or jax.config.jax_compilation_cache_dir)
  if chosen:
    return chosen
  os.makedirs(folder, exist_ok=True)
  jax.config.update("jax_compilation_cache_dir", folder)
  return folder
