"""A process of a small multi-host job for tests/test_launch_local.py: joins
through the shared flags, then agrees with the others, round after round,
whether to stop (the trainer's check after every step). `--die_after=N`
makes process 1 kill itself after N rounds; `--term_after=N` sends it a
SIGTERM instead, which every process must agree on."""
import os
import signal

from absl import app, flags

from atm_jax import cli, distributed

distributed.define_flags()
flags.DEFINE_integer("rounds", 50, "Rounds of agreement.")
flags.DEFINE_integer("die_after", -1, "Process 1 is killed after this round.")
flags.DEFINE_integer("term_after", -1,
                     "Process 1 gets a SIGTERM after this round.")


def _main(argv):
  del argv

  def work():
    import jax  # pylint: disable=g-import-not-at-top
    from atm_jax.trainer.signals import StopRequest  # pylint: disable=g-import-not-at-top
    distributed.initialize_from_flags()
    second = jax.process_index() == 1
    with StopRequest() as stop:
      for round_ in range(flags.FLAGS.rounds):
        if round_ == flags.FLAGS.die_after and second:
          os.kill(os.getpid(), signal.SIGKILL)
        if round_ == flags.FLAGS.term_after and second:
          os.kill(os.getpid(), signal.SIGTERM)
        reason = stop.agreed()
        if reason:
          print(f"process {jax.process_index()} stopped after round "
                f"{round_} ({reason})", flush=True)
          return
    print(f"process {jax.process_index()} of {jax.process_count()} done",
          flush=True)

  cli.run_cleanly(work)


if __name__ == "__main__":
  app.run(_main)
