"""`python -m atm_jax.export` (also `atm-export`): see `cli`."""
from atm_jax.export import cli

cli.run()
