"""The pipeline's compilation cache: a folder of compiled programs unless the
user already chose one."""
import os
import subprocess
import sys

_COMPILE_ONCE = """
import sys
import jax
from atm_jax.compilation_cache import use_compilation_cache
jax.config.update("jax_persistent_cache_min_compile_time_secs", 0)
print(use_compilation_cache(sys.argv[1]))
jax.jit(lambda x: x * 2 + 1)(jax.numpy.ones(3)).block_until_ready()
"""


def _run(folder, env):
  return subprocess.run([sys.executable, "-c", _COMPILE_ONCE, str(folder)],
                        env=env, capture_output=True, text=True, check=True,
                        cwd=os.path.dirname(os.path.dirname(__file__)))


def test_compiled_programs_are_kept_in_the_folder(tmp_path):
  env = {k: v for k, v in os.environ.items()
         if k != "JAX_COMPILATION_CACHE_DIR"}
  folder = tmp_path / "cache"
  result = _run(folder, env)
  assert result.stdout.strip() == str(folder)
  assert os.listdir(folder), "nothing was written to the cache folder"


def test_a_cache_named_by_the_environment_is_kept(tmp_path):
  env = {**os.environ, "JAX_COMPILATION_CACHE_DIR": str(tmp_path / "mine")}
  result = _run(tmp_path / "cache", env)
  assert result.stdout.strip() == str(tmp_path / "mine")
  assert not (tmp_path / "cache").exists()
  assert os.listdir(tmp_path / "mine")
