"""`python -m atm_jax.pipeline` (also `atm-pipeline`): see `cli`."""
from atm_jax.pipeline import cli

cli.run()
