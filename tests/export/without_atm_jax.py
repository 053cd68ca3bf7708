"""Runs a Python file in an interpreter where atm_jax, JAX,
flax and the project's tasks cannot be imported, as on a serving machine:

  python tests/export/without_atm_jax.py SCRIPT [ARGS...]
"""
import importlib.abc
import runpy
import sys

BLOCKED = ("atm_jax", "tasks", "jax", "jaxlib", "flax", "orbax", "seqio")


class _Blocker(importlib.abc.MetaPathFinder):

  def find_spec(self, name, path, target=None):
    del path, target
    if name.split(".")[0] in BLOCKED:
      raise ImportError(f"{name} is not installed on a serving machine")


if __name__ == "__main__":
  sys.meta_path.insert(0, _Blocker())
  sys.argv = sys.argv[1:]
  runpy.run_path(sys.argv[0], run_name="__main__")
