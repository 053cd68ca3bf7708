"""`python -m atm_jax.vocab` (also `atm-vocab`): see `cli`."""
from atm_jax.vocab import cli

cli.run()
