"""A process of a small multi-host job for tests/test_launch_local.py: joins
through the shared flags, then agrees a flag with the others in a loop.
`--die_after=N` makes process 1 kill itself after N rounds."""
import os
import signal

from absl import app, flags

from atm_jax import cli, distributed

distributed.define_flags()
flags.DEFINE_integer("rounds", 50, "Rounds of agreement.")
flags.DEFINE_integer("die_after", -1, "Process 1 is killed after this round.")


def _main(argv):
  del argv

  def work():
    import jax  # pylint: disable=g-import-not-at-top
    from atm_jax import hosts  # pylint: disable=g-import-not-at-top
    distributed.initialize_from_flags()
    for round_ in range(flags.FLAGS.rounds):
      if round_ == flags.FLAGS.die_after and jax.process_index() == 1:
        os.kill(os.getpid(), signal.SIGKILL)
      hosts.any_process(False)
    print(f"process {jax.process_index()} of {jax.process_count()} done",
          flush=True)

  cli.run_cleanly(work)


if __name__ == "__main__":
  app.run(_main)
