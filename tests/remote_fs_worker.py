"""Runs an atm_jax command after copying files onto TensorFlow's in-memory
filesystem (`ram://`), which exists only inside this process:

  python tests/remote_fs_worker.py LOCAL=ram://PATH ... -- atm_jax.train ARGS
"""
import os
import runpy
import sys

import tensorflow as tf


def main() -> None:
  split = sys.argv.index("--")
  for pair in sys.argv[1:split]:
    local, remote = pair.split("=", 1)
    tf.io.gfile.makedirs(os.path.dirname(remote))
    tf.io.gfile.copy(local, remote, overwrite=True)
  sys.argv = sys.argv[split + 1:]
  runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)


if __name__ == "__main__":
  main()
